package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Biometric material — portraits, selfies, liveness frames and videos,
// face identifiers, and references to media (document images and files)
// — is kept apart from the rest of a session's checks so that it can be
// sealed under its own key. A field is biometric by its name.
var biometricFields = map[string]bool{
	"selfie": true, "selfies": true, "portrait": true, "frames": true, "liveness_frames": true,
	"face_id": true, "face_ids": true, "face_identifier": true, "face_identifiers": true,
	"face_embedding": true, "media": true, "document_file": true, "images": true, "video": true,
}

// IsBiometricField reports whether a check field holds biometric material
// or a media reference.
func IsBiometricField(name string) bool {
	if biometricFields[name] {
		return true
	}
	for _, suffix := range []string{"_image", "_images", "_url", "_video", "_file", "_frames", "_selfie"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// SplitBiometrics returns checks without biometric fields, and the
// biometric fields alone in the same shape (each family an array as long
// as the original, an element null where it held none). JoinBiometrics
// puts them back together.
func SplitBiometrics(c Checks) (rest, bio Checks, err error) {
	rest, bio = make(Checks, len(c)), Checks{}
	for fam, raw := range c {
		v, err := decodeNumbers(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("checks: %s: %w", fam, err)
		}
		r, b := splitValue(v)
		if rest[fam], err = encodeRaw(r); err != nil {
			return nil, nil, err
		}
		if b != nil {
			if bio[fam], err = encodeRaw(b); err != nil {
				return nil, nil, err
			}
		}
	}
	return rest, bio, nil
}

// splitValue returns v without biometric fields, and those fields (nil
// when there are none).
func splitValue(v any) (rest, bio any) {
	switch t := v.(type) {
	case map[string]any:
		r, b := make(map[string]any, len(t)), map[string]any{}
		for k, x := range t {
			if IsBiometricField(k) {
				b[k] = x
				continue
			}
			xr, xb := splitValue(x)
			r[k] = xr
			if xb != nil {
				b[k] = xb
			}
		}
		if len(b) == 0 {
			return r, nil
		}
		return r, b
	case []any:
		r, b, any := make([]any, len(t)), make([]any, len(t)), false
		for i, x := range t {
			r[i], b[i] = splitValue(x)
			any = any || b[i] != nil
		}
		if !any {
			return r, nil
		}
		return r, b
	}
	return v, nil
}

// JoinBiometrics merges biometric fields back into checks.
func JoinBiometrics(rest, bio Checks) (Checks, error) {
	if len(bio) == 0 {
		return rest, nil
	}
	out := make(Checks, len(rest))
	for fam, raw := range rest {
		b, ok := bio[fam]
		if !ok {
			out[fam] = raw
			continue
		}
		r, err := decodeNumbers(raw)
		if err != nil {
			return nil, fmt.Errorf("checks: %s: %w", fam, err)
		}
		bv, err := decodeNumbers(b)
		if err != nil {
			return nil, fmt.Errorf("biometrics: %s: %w", fam, err)
		}
		if out[fam], err = encodeRaw(mergeValue(r, bv)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func mergeValue(rest, bio any) any {
	switch b := bio.(type) {
	case map[string]any:
		r, ok := rest.(map[string]any)
		if !ok {
			return rest
		}
		for k, x := range b {
			if cur, has := r[k]; has {
				r[k] = mergeValue(cur, x)
			} else {
				r[k] = x
			}
		}
		return r
	case []any:
		r, ok := rest.([]any)
		if !ok {
			return rest
		}
		for i := range min(len(r), len(b)) {
			if b[i] != nil {
				r[i] = mergeValue(r[i], b[i])
			}
		}
		return r
	}
	return rest
}

// decodeNumbers decodes JSON keeping numbers as written.
func decodeNumbers(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// encodeRaw encodes v as JavaScript would write it (no HTML escaping).
func encodeRaw(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
