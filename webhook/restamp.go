package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// restamp returns body with its top-level "timestamp" set to at (unix
// seconds), everything else byte for byte as stored, so that every attempt
// carries the time it was sent, as X-Timestamp does, and is signed anew
// (as Didit's resend does): a receiver's 300-second window then holds for
// a retry hours later. A body without a timestamp is sent as it is.
func restamp(body []byte, at time.Time) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("stored body is not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keyEnd := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if tok != "timestamp" {
			continue
		}
		end := dec.InputOffset()
		start := end - int64(len(raw))
		if start < keyEnd {
			return nil, errors.New("stored body: timestamp out of place")
		}
		out := make([]byte, 0, len(body)+4)
		out = append(out, body[:start]...)
		out = strconv.AppendInt(out, at.Unix(), 10)
		return append(out, body[end:]...), nil
	}
	return body, nil
}
