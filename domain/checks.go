package domain

import (
	"bytes"
	"encoding/json"
)

// Families lists the check families of a session of kind, in the order the
// seed writes them.
func Families(kind Kind) []string {
	if kind == KindBusiness {
		return []string{"registry_checks", "key_people_checks", "document_verifications", "aml_screenings", "questionnaires"}
	}
	return []string{"id_verifications", "liveness_checks", "face_matches", "aml_screenings", "database_validations",
		"proof_of_address", "location_checks", "phone_verifications", "email_verifications"}
}

// Checks is a session's verification payload: each check family as the JSON
// array it was captured as. Kept as raw documents so a clone is byte-exact.
type Checks map[string]json.RawMessage

// Validate requires every family of kind, each a JSON array, and no other.
func (c Checks) Validate(kind Kind) error {
	want := Families(kind)
	for _, f := range want {
		raw, ok := c[f]
		if !ok {
			return Invalidf("checks: %s payload lacks %s", kind.Label(), f)
		}
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' || !json.Valid(t) {
			return Invalidf("checks: %s is not a JSON array", f)
		}
	}
	if len(c) != len(want) {
		for f := range c {
			if !contains(want, f) {
				return Invalidf("checks: %s is not a %s check family", f, kind.Label())
			}
		}
	}
	return nil
}

// Family returns one family, or an empty array when absent.
func (c Checks) Family(name string) json.RawMessage {
	if raw, ok := c[name]; ok {
		return raw
	}
	return json.RawMessage("[]")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
