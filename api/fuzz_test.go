package api

import (
	"testing"

	"handoff/domain"
)

func FuzzDecodeImport(f *testing.F) {
	for _, s := range []string{
		`{"share_token":"eyJ.a.b","workflow_id":"wf_partner_kyc","vendor_data":"partner-user-42","trust_review":true}`,
		`{}`, ``, `[]`, `null`, `{"trust_review":"yes"}`, `{"share_token":1}`, `{"a":{"b":[1,2,{"c":null}]}}`,
		`{"share_token":"x"} {"more":1}`, "{\"vendor_data\":\"\u2028\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var b importBody
		err := decodeJSON(body, &b)
		if err != nil && domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("decode error is not a 400: %v", err)
		}
		if err == nil {
			_ = b.request()
		}
	})
}
