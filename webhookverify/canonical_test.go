package webhookverify_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"handoff/webhookverify"
)

func TestCanonicalizeRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{`, `}`, `{"a":1}x`, `{"a":1}{}`, `[1,]`, `{"a":1,}`, `{,}`, `[,1]`, `{"a" 1}`, `{a:1}`,
		`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x10`, `NaN`, `Infinity`, `-Infinity`, `tru`, `nul`, `True`,
		`"abc`, `"\x"`, `"\u12"`, `"\u12g4"`, `"\U0041"`, "\"\x01\"", "\"a\nb\"", "\xef\xbb\xbf{}", `'a'`,
		"\x00", "[1]\x00", "\u00a0[]", strings.Repeat("[", 10000+1) + strings.Repeat("]", 10000+1),
	} {
		if got, err := webhookverify.Canonicalize([]byte(in)); err == nil {
			t.Errorf("Canonicalize(%q) = %q, want an error", in, got)
		}
		if _, err := webhookverify.SignV2("k", []byte(in)); err == nil {
			t.Errorf("SignV2(%q) accepted", in)
		}
	}
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	if _, err := webhookverify.Canonicalize([]byte(deep)); err != nil {
		t.Errorf("depth %d rejected: %v", 10000, err)
	}
}

// Go's encoding/json escapes <, >, &, U+2028 and U+2029 by default; the JS
// serialisation Didit signs does not, so re-marshalling with Go breaks V2.
func TestCanonicalizeIsNotEncodingJSON(t *testing.T) {
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
	got, err := webhookverify.Canonicalize(body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\"html\":\"<b>Tom & Jerry</b>\",\"ls\":\"a\u2028b\u2029c\"}"; string(got) != want {
		t.Errorf("Canonicalize = %q, want %q", got, want)
	}
	if string(got) == string(goOut) {
		t.Error("Canonicalize agrees with encoding/json")
	}
	// And Go's byte order of keys is not JS's UTF-16 order.
	got, _ = webhookverify.Canonicalize([]byte("{\"\uE000\":1,\"\U0001F600\":2}"))
	if want := "{\"\U0001F600\":2,\"\uE000\":1}"; string(got) != want {
		t.Errorf("UTF-16 key order: got %q, want %q", got, want)
	}
}

// The X-Signature-V2 checks with their messages (these cases were
// domain.VerifyWebhook's, the verifier this package replaced).
func TestVerifyV2Messages(t *testing.T) {
	const secret = "whsec_test"
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"status":"Approved","session_id":"s-1","webhook_type":"status.updated","timestamp":1764331200,"score":97.0}`)
	sig, err := webhookverify.SignV2(secret, body)
	if err != nil {
		t.Fatal(err)
	}
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	cases := []struct {
		name, secret, body, ts, sig string
		now                         time.Time
		kind                        error  // nil means genuine
		wantMsg                     string // and the error says so
	}{
		{"genuine", secret, string(body), ts(0), sig, now, nil, ""},
		{"genuine, reformatted body", secret, `{ "score": 97, "timestamp": 1764331200, "webhook_type": "status.updated", "session_id": "s-1", "status": "Approved" }`, ts(0), sig, now, nil, ""},
		{"uppercase hex", secret, string(body), ts(0), strings.ToUpper(sig), now, nil, ""},
		{"exactly 300s old", secret, string(body), ts(-300 * time.Second), sig, now, nil, ""},
		{"exactly 300s ahead", secret, string(body), ts(300 * time.Second), sig, now, nil, ""},
		{"tampered body", secret, strings.Replace(string(body), "Approved", "Declined", 1), ts(0), sig, now, webhookverify.ErrSignature, "signature mismatch"},
		{"wrong secret", "whsec_other", string(body), ts(0), sig, now, webhookverify.ErrSignature, "signature mismatch"},
		{"empty signature", secret, string(body), ts(0), "", now, webhookverify.ErrSignature, "no X-Signature-V2 or X-Signature header"},
		{"signature not hex", secret, string(body), ts(0), "zz" + sig[2:], now, webhookverify.ErrSignature, "signature mismatch"},
		{"V1 signature in V2 header", secret, string(body), ts(0), webhookverify.SignV1(secret, body), now, webhookverify.ErrSignature, "signature mismatch"},
		{"timestamp 301s old", secret, string(body), ts(-301 * time.Second), sig, now, webhookverify.ErrTimestamp, "is 301 seconds away from now (limit 300)"},
		{"300.5s old by sub-second clock", secret, string(body), ts(-300 * time.Second), sig, now.Add(500 * time.Millisecond), webhookverify.ErrTimestamp, "is 300.5 seconds away from now (limit 300)"},
		{"timestamp in the future", secret, string(body), ts(time.Hour), sig, now, webhookverify.ErrTimestamp, "is 3600 seconds away from now (limit 300)"},
		{"timestamp far away", secret, string(body), "-9223372036854775808", sig, now, webhookverify.ErrTimestamp, "seconds away from now (limit 300)"},
		{"timestamp in milliseconds", secret, string(body), strconv.FormatInt(now.UnixMilli(), 10), sig, now, webhookverify.ErrTimestamp, "seconds away from now (limit 300)"},
		{"timestamp not numeric", secret, string(body), "yesterday", sig, now, webhookverify.ErrTimestamp, "X-Timestamp is not a unix time"},
		{"timestamp fractional", secret, string(body), ts(0) + ".5", sig, now, webhookverify.ErrTimestamp, "X-Timestamp is not a unix time"},
		{"timestamp empty", secret, string(body), "", sig, now, webhookverify.ErrTimestamp, "X-Timestamp is not a unix time"},
		{"timestamp overflows", secret, string(body), "99999999999999999999", sig, now, webhookverify.ErrTimestamp, "X-Timestamp is not a unix time"},
		{"body not JSON", secret, `status=Approved`, ts(0), sig, now, webhookverify.ErrSignature, "body is not JSON"},
		{"body with trailing data", secret, string(body) + "{}", ts(0), sig, now, webhookverify.ErrSignature, "body is not JSON"},
		{"empty secret", "", string(body), ts(0), webhookverify.SignV1("", body), now, webhookverify.ErrNoSecret, "no webhook secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"X-Timestamp": {c.ts}, "X-Signature-V2": {c.sig}}
			err := webhookverify.Verify(c.secret, h, []byte(c.body), c.now)
			if c.kind == nil {
				if err != nil {
					t.Fatalf("rejected a genuine delivery: %v", err)
				}
				return
			}
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.wantMsg) {
				t.Fatalf("error %v, want %v containing %q", err, c.kind, c.wantMsg)
			}
		})
	}
}

func FuzzCanonicalize(f *testing.F) {
	for _, v := range vectors(f) {
		f.Add([]byte(v.Raw))
		f.Add([]byte(v.Canonical))
	}
	for _, s := range []string{`{"a":1}x`, `[1e400,-0.0,5e-324]`, `{"10":1,"9":2,"__proto__":[]}`, `"\ud800\udc00\udc00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := webhookverify.Canonicalize(in)
		if valid := json.Valid(in); (err == nil) != valid {
			t.Fatalf("Canonicalize error %v, but json.Valid = %v for %q", err, valid, in)
		}
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output %q of %q is not valid JSON", out, in)
		}
		again, err := webhookverify.Canonicalize(out)
		if err != nil {
			t.Fatalf("Canonicalize rejects its own output %q: %v", out, err)
		}
		if string(again) != string(out) {
			t.Fatalf("not idempotent for %q:\n once %q\ntwice %q", in, out, again)
		}
	})
}
