package webhookverify_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"handoff/webhookverify"
)

type vector struct {
	Name        string `json:"name"`
	Secret      string `json:"secret"`
	Raw         string `json:"raw"`
	RawBase64   string `json:"raw_base64"`
	Canonical   string `json:"canonical"`
	SignatureV2 string `json:"signature_v2"`
	SignatureV1 string `json:"signature_v1"`
}

// vectors reads testdata/webhook_vectors.json, written by
// scripts/webhook-vectors.js with Node (JSON.stringify + crypto HMAC).
func vectors(t testing.TB) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/webhook_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 20 {
		t.Fatalf("only %d vectors; regenerate with node scripts/webhook-vectors.js", len(vs))
	}
	for i, v := range vs {
		if v.RawBase64 != "" {
			b, err := base64.StdEncoding.DecodeString(v.RawBase64)
			if err != nil {
				t.Fatal(err)
			}
			vs[i].Raw = string(b)
		}
	}
	return vs
}

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func headers(ts time.Time, v2, v1 string) http.Header {
	h := http.Header{}
	h.Set("X-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	if v2 != "" {
		h.Set("X-Signature-V2", v2)
	}
	if v1 != "" {
		h.Set("X-Signature", v1)
	}
	return h
}

func TestVectors(t *testing.T) {
	for _, v := range vectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			body := []byte(v.Raw)
			got, err := webhookverify.Canonicalize(body)
			if err != nil || string(got) != v.Canonical {
				t.Fatalf("Canonicalize = %q, %v; want %q", got, err, v.Canonical)
			}
			if sig, err := webhookverify.SignV2(v.Secret, body); err != nil || sig != v.SignatureV2 {
				t.Errorf("SignV2 = %q, %v; want %q", sig, err, v.SignatureV2)
			}
			if sig := webhookverify.SignV1(v.Secret, body); sig != v.SignatureV1 {
				t.Errorf("SignV1 = %q; want %q", sig, v.SignatureV1)
			}
			for _, h := range []http.Header{
				headers(now, v.SignatureV2, ""), headers(now, "", v.SignatureV1), headers(now, v.SignatureV2, v.SignatureV1),
			} {
				if err := webhookverify.Verify(v.Secret, h, body, now); err != nil {
					t.Errorf("Verify(%v) = %v", h, err)
				}
			}
		})
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec_test"
	body := `{"session_id":"s-1","status":"In Review","webhook_type":"status.updated","timestamp":1764331200,"score":97.0}`
	v2, err := webhookverify.SignV2(secret, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	v1 := webhookverify.SignV1(secret, []byte(body))
	wrongV2, _ := webhookverify.SignV2("other", []byte(body))
	cases := []struct {
		name, secret, body string
		header             http.Header
		want               error // nil means genuine
	}{
		{"V2", secret, body, headers(now, v2, ""), nil},
		{"V2, body re-encoded by a proxy", secret, "{\n  \"score\": 97, \"timestamp\": 1764331200, \"webhook_type\": \"status.updated\", \"status\": \"In Review\", \"session_id\": \"s-1\"\n}", headers(now, v2, ""), nil},
		{"V1 when V2 is absent", secret, body, headers(now, "", v1), nil},
		{"V1 after a V2 mismatch", secret, body, headers(now, wrongV2, v1), nil},
		{"V1 over a body that is not JSON", secret, "a=1", headers(now, "", webhookverify.SignV1(secret, []byte("a=1"))), nil},
		{"exactly 300s old", secret, body, headers(now.Add(-300*time.Second), v2, ""), nil},
		{"exactly 300s ahead", secret, body, headers(now.Add(300*time.Second), v2, ""), nil},
		{"tampered body", secret, strings.Replace(body, "In Review", "Approved", 1), headers(now, v2, v1), webhookverify.ErrSignature},
		{"wrong secret", "whsec_other", body, headers(now, v2, v1), webhookverify.ErrSignature},
		{"V1 value in the V2 header", secret, body, headers(now, v1, ""), webhookverify.ErrSignature},
		{"no signature headers", secret, body, headers(now, "", ""), webhookverify.ErrSignature},
		{"V2 over a body that is not JSON", secret, "a=1", headers(now, v2, ""), webhookverify.ErrSignature},
		{"timestamp 301s old", secret, body, headers(now.Add(-301*time.Second), v2, ""), webhookverify.ErrTimestamp},
		{"timestamp 301s ahead", secret, body, headers(now.Add(301*time.Second), v2, ""), webhookverify.ErrTimestamp},
		{"timestamp missing", secret, body, http.Header{"X-Signature-V2": {v2}}, webhookverify.ErrTimestamp},
		{"timestamp not numeric", secret, body, http.Header{"X-Timestamp": {"now"}, "X-Signature-V2": {v2}}, webhookverify.ErrTimestamp},
		{"timestamp extreme", secret, body, http.Header{"X-Timestamp": {"9223372036854775807"}, "X-Signature-V2": {v2}}, webhookverify.ErrTimestamp},
		{"empty secret", "", body, headers(now, "", webhookverify.SignV1("", []byte(body))), webhookverify.ErrNoSecret},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := webhookverify.Verify(c.secret, c.header, []byte(c.body), now)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}
