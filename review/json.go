package review

import "encoding/json"

// mustJSON marshals audit details built from plain values, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("review: audit details: " + err.Error())
	}
	return b
}
