package domain

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// webhookVector is one entry of testdata/webhook_vectors.json, written by
// scripts/webhook-vectors.js with Node (JSON.stringify + crypto HMAC).
type webhookVector struct {
	Name        string `json:"name"`
	Secret      string `json:"secret"`
	Raw         string `json:"raw"`
	RawBase64   string `json:"raw_base64"` // set instead of raw for bytes that are not UTF-8
	Canonical   string `json:"canonical"`
	SignatureV2 string `json:"signature_v2"`
	SignatureV1 string `json:"signature_v1"`
}

func (v webhookVector) body(t testing.TB) []byte {
	if v.RawBase64 == "" {
		return []byte(v.Raw)
	}
	b, err := base64.StdEncoding.DecodeString(v.RawBase64)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	return b
}

func loadWebhookVectors(t testing.TB) []webhookVector {
	t.Helper()
	data, err := os.ReadFile("testdata/webhook_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []webhookVector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 20 {
		t.Fatalf("only %d vectors; regenerate with node scripts/webhook-vectors.js", len(vs))
	}
	return vs
}

func TestWebhookVectors(t *testing.T) {
	for _, v := range loadWebhookVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			body := v.body(t)
			got, err := CanonicalJSON(body)
			if err != nil {
				t.Fatalf("CanonicalJSON: %v", err)
			}
			if string(got) != v.Canonical {
				t.Errorf("CanonicalJSON\n got %q\nwant %q", got, v.Canonical)
			}
			if sig, err := SignV2(v.Secret, body); err != nil || sig != v.SignatureV2 {
				t.Errorf("SignV2 = %q, %v; want %q", sig, err, v.SignatureV2)
			}
			if sig := SignV1(v.Secret, body); sig != v.SignatureV1 {
				t.Errorf("SignV1 = %q; want %q", sig, v.SignatureV1)
			}
		})
	}
}

func TestCanonicalJSONRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{`, `}`, `{"a":1}x`, `{"a":1}{}`, `[1,]`, `{"a":1,}`, `{,}`, `[,1]`, `{"a" 1}`, `{a:1}`,
		`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x10`, `NaN`, `Infinity`, `-Infinity`, `tru`, `nul`, `True`,
		`"abc`, `"\x"`, `"\u12"`, `"\u12g4"`, `"\U0041"`, "\"\x01\"", "\"a\nb\"", "\xef\xbb\xbf{}", `'a'`,
		"\x00", "[1]\x00", "\u00a0[]", strings.Repeat("[", 10000+1) + strings.Repeat("]", 10000+1),
	} {
		if got, err := CanonicalJSON([]byte(in)); err == nil {
			t.Errorf("CanonicalJSON(%q) = %q, want an error", in, got)
		} else if !IsCode(err, CodeInvalid) {
			t.Errorf("CanonicalJSON(%q) error %v is not CodeInvalid", in, err)
		}
		if _, err := SignV2("k", []byte(in)); err == nil {
			t.Errorf("SignV2(%q) accepted", in)
		}
	}
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	if _, err := CanonicalJSON([]byte(deep)); err != nil {
		t.Errorf("depth %d rejected: %v", 10000, err)
	}
}

// Go's encoding/json escapes <, >, &, U+2028 and U+2029 by default; the JS
// serialisation Didit signs does not, so re-marshalling with Go breaks V2.
func TestCanonicalJSONIsNotEncodingJSON(t *testing.T) {
	body := []byte("{\"html\":\"<b>Tom & Jerry</b>\",\"ls\":\"a\u2028b\u2029c\"}")
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	goOut, _ := json.Marshal(v)
	for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`} {
		if !strings.Contains(string(goOut), esc) {
			t.Errorf("encoding/json output %s lacks %s; this test's premise changed", goOut, esc)
		}
	}
	got, err := CanonicalJSON(body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\"html\":\"<b>Tom & Jerry</b>\",\"ls\":\"a\u2028b\u2029c\"}"; string(got) != want {
		t.Errorf("CanonicalJSON = %q, want %q", got, want)
	}
	if string(got) == string(goOut) {
		t.Error("CanonicalJSON agrees with encoding/json")
	}
	// And Go's byte order of keys is not JS's UTF-16 order.
	got, _ = CanonicalJSON([]byte("{\"\uE000\":1,\"\U0001F600\":2}"))
	if want := "{\"\U0001F600\":2,\"\uE000\":1}"; string(got) != want {
		t.Errorf("UTF-16 key order: got %q, want %q", got, want)
	}
}

func TestVerifyWebhook(t *testing.T) {
	const secret = "whsec_test"
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"status":"Approved","session_id":"s-1","webhook_type":"status.updated","timestamp":1764331200,"score":97.0}`)
	sig, err := SignV2(secret, body)
	if err != nil {
		t.Fatal(err)
	}
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	cases := []struct {
		name, secret, body, ts, sig string
		now                         time.Time
		wantMsg                     string // "" means genuine
	}{
		{"genuine", secret, string(body), ts(0), sig, now, ""},
		{"genuine, reformatted body", secret, `{ "score": 97, "timestamp": 1764331200, "webhook_type": "status.updated", "session_id": "s-1", "status": "Approved" }`, ts(0), sig, now, ""},
		{"uppercase hex", secret, string(body), ts(0), strings.ToUpper(sig), now, ""},
		{"exactly 300s old", secret, string(body), ts(-300 * time.Second), sig, now, ""},
		{"exactly 300s ahead", secret, string(body), ts(300 * time.Second), sig, now, ""},
		{"tampered body", secret, strings.Replace(string(body), "Approved", "Declined", 1), ts(0), sig, now, "signature mismatch"},
		{"wrong secret", "whsec_other", string(body), ts(0), sig, now, "signature mismatch"},
		{"empty signature", secret, string(body), ts(0), "", now, "signature mismatch"},
		{"signature not hex", secret, string(body), ts(0), "zz" + sig[2:], now, "signature mismatch"},
		{"V1 signature in V2 header", secret, string(body), ts(0), SignV1(secret, body), now, "signature mismatch"},
		{"timestamp 301s old", secret, string(body), ts(-301 * time.Second), sig, now, "is 301 seconds away from now (limit 300)"},
		{"300.5s old by sub-second clock", secret, string(body), ts(-300 * time.Second), sig, now.Add(500 * time.Millisecond), "is 300.5 seconds away from now (limit 300)"},
		{"timestamp in the future", secret, string(body), ts(time.Hour), sig, now, "is 3600 seconds away from now (limit 300)"},
		{"timestamp far away", secret, string(body), "-9223372036854775808", sig, now, "seconds away from now (limit 300)"},
		{"timestamp in milliseconds", secret, string(body), strconv.FormatInt(now.UnixMilli(), 10), sig, now, "seconds away from now (limit 300)"},
		{"timestamp not numeric", secret, string(body), "yesterday", sig, now, "X-Timestamp is not a unix time"},
		{"timestamp fractional", secret, string(body), ts(0) + ".5", sig, now, "X-Timestamp is not a unix time"},
		{"timestamp empty", secret, string(body), "", sig, now, "X-Timestamp is not a unix time"},
		{"timestamp overflows", secret, string(body), "99999999999999999999", sig, now, "X-Timestamp is not a unix time"},
		{"body not JSON", secret, `status=Approved`, ts(0), sig, now, "body is not JSON"},
		{"body with trailing data", secret, string(body) + "{}", ts(0), sig, now, "body is not JSON"},
		{"empty secret", "", string(body), ts(0), SignV1("", body), now, "no webhook secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyWebhook(c.secret, []byte(c.body), c.ts, c.sig, c.now)
			if c.wantMsg == "" {
				if err != nil {
					t.Fatalf("rejected a genuine delivery: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want %q", c.wantMsg)
			}
			if !IsCode(err, CodeUnauthorized) || !strings.Contains(err.Error(), c.wantMsg) {
				t.Fatalf("error %q (code %q), want unauthorized containing %q", err, ErrorCode(err), c.wantMsg)
			}
		})
	}
}

func FuzzCanonicalJSON(f *testing.F) {
	for _, v := range loadWebhookVectors(f) {
		f.Add(v.body(f))
		f.Add([]byte(v.Canonical))
	}
	for _, s := range []string{`{"a":1}x`, `[1e400,-0.0,5e-324]`, `{"10":1,"9":2,"__proto__":[]}`, `"\ud800\udc00\udc00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := CanonicalJSON(in)
		if valid := json.Valid(in); (err == nil) != valid {
			t.Fatalf("CanonicalJSON error %v, but json.Valid = %v for %q", err, valid, in)
		}
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output %q of %q is not valid JSON", out, in)
		}
		again, err := CanonicalJSON(out)
		if err != nil {
			t.Fatalf("CanonicalJSON rejects its own output %q: %v", out, err)
		}
		if string(again) != string(out) {
			t.Fatalf("not idempotent for %q:\n once %q\ntwice %q", in, out, again)
		}
	})
}
