package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
)

// MaxBody bounds every request body.
const MaxBody = 1 << 20

// errTooLarge is answered with 413, errMediaType with 415.
var (
	errTooLarge  = errors.New("request body too large")
	errMediaType = errors.New("unsupported media type")
)

// decodeBody reads a JSON object into dst. Unknown fields are ignored, as
// Didit's back end does; a wrong type names the field.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errMediaType
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return errTooLarge
	}
	if err != nil {
		return domain.Invalidf("Could not read the request body.")
	}
	return decodeJSON(body, dst)
}

// decodeJSON is the pure part of decodeBody (fuzzed).
func decodeJSON(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		var synErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return domain.FieldError(typeErr.Field, "%s", typeMessage(typeErr.Type.String()))
		case errors.As(err, &typeErr):
			return domain.Invalidf("Invalid data. Expected a JSON object, but got %s.", typeErr.Value)
		case errors.As(err, &synErr):
			return domain.Invalidf("JSON parse error - %s at offset %d.", synErr.Error(), synErr.Offset)
		default:
			return domain.Invalidf("JSON parse error - %s.", err.Error())
		}
	}
	if dec.More() {
		return domain.Invalidf("JSON parse error - extra data after the JSON object.")
	}
	return nil
}

func typeMessage(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "int", "int64":
		return "A valid integer is required."
	case "bool":
		return "Must be a valid boolean."
	case "string":
		return "Not a valid string."
	}
	return "Invalid type."
}

// parseUUIDField reads a required uuid field.
func parseUUIDField(name string, v *string) (uuid.UUID, error) {
	if v == nil || *v == "" {
		return uuid.Nil, domain.FieldError(name, "This field is required.")
	}
	id, err := uuid.Parse(*v)
	if err != nil || len(*v) != 36 {
		return uuid.Nil, domain.FieldError(name, "Must be a valid UUID.")
	}
	return id, nil
}
