package domain

import (
	"bytes"
	"encoding/json"
	"time"
)

// DecisionJSON encodes s as the decision response (GET
// /v3/session/{id}/decision/) and the finished-status webhooks show it:
// the session fields, Didit's other top-level fields where handoff has
// them, then every check family of its kind in the seed's order.
func (s Session) DecisionJSON() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	field := func(name string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		if raw, ok := v.(json.RawMessage); ok {
			if json.Compact(&b, raw) != nil {
				b.WriteString("[]") // stored payloads are valid JSON; never emit a broken body
			}
			return
		}
		val, _ := json.Marshal(v)
		b.Write(val)
	}
	field("session_id", s.ID)
	field("session_number", s.Number)
	field("session_kind", s.Kind)
	field("status", s.Status)
	field("workflow_id", s.WorkflowID)
	if s.VendorData == "" {
		field("vendor_data", nil)
	} else {
		field("vendor_data", s.VendorData)
	}
	field("shared_from_session", s.SharedFromSession)
	field("created_at", s.CreatedAt.UTC().Format(time.RFC3339Nano))
	if s.BiometricsUnavailable {
		// handoff extension: this server runs without the biometric key.
		field("biometrics", "unavailable")
	}
	// Didit's other top-level fields, where handoff has them.
	if s.ExpiresAt != nil {
		field("expires_at", s.ExpiresAt.UTC().Format(time.RFC3339Nano))
	}
	if d := s.Details; d != nil {
		field("session_token", d.SessionToken)
		if d.Callback != "" {
			field("callback", d.Callback)
		}
		for _, kv := range []struct {
			name string
			raw  json.RawMessage
		}{{"metadata", d.Metadata}, {"contact_details", d.ContactDetails}, {"expected_details", d.ExpectedDetails}} {
			if len(kv.raw) > 0 {
				field(kv.name, kv.raw)
			}
		}
	}
	for _, f := range Families(s.Kind) {
		field(f, s.Checks.Family(f))
	}
	b.WriteByte('}')
	return b.Bytes()
}
