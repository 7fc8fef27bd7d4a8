package webhookverify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestSignAndVerifySimple(t *testing.T) {
	now := time.Unix(1764600000, 0)
	body := []byte(`{"session_id":"11111111-2222-3333-4444-555555555555","status":"Approved","webhook_type":"status.updated","timestamp":1764600000,"vendor_data":"José"}`)
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write([]byte("1764600000:11111111-2222-3333-4444-555555555555:Approved:status.updated"))
	want := hex.EncodeToString(m.Sum(nil))
	if got := SignSimple("s3cret", 1764600000, "11111111-2222-3333-4444-555555555555", "Approved", "status.updated"); got != want {
		t.Fatalf("SignSimple %s, want %s", got, want)
	}
	h := http.Header{"X-Signature-Simple": {want}}
	if err := VerifySimple("s3cret", h, body, now); err != nil {
		t.Fatal(err)
	}
	// Re-encoded by middleware (é escaped): Simple still verifies, V1 does not.
	mangled := []byte(`{"session_id":"11111111-2222-3333-4444-555555555555","status":"Approved","webhook_type":"status.updated","timestamp":1764600000,"vendor_data":"Jos\u00e9"}`)
	if err := VerifySimple("s3cret", h, mangled, now); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		secret string
		h      http.Header
		body   []byte
		now    time.Time
		err    error
	}{
		"other status": {"s3cret", h, []byte(`{"session_id":"11111111-2222-3333-4444-555555555555","status":"Declined","webhook_type":"status.updated","timestamp":1764600000}`), now, ErrSignature},
		"wrong secret": {"other", h, body, now, ErrSignature},
		"no header":    {"s3cret", http.Header{}, body, now, ErrSignature},
		"stale":        {"s3cret", h, body, now.Add(301 * time.Second), ErrTimestamp},
		"no secret":    {"", h, body, now, ErrNoSecret},
		"not json":     {"s3cret", h, []byte("x"), now, ErrSignature},
		"no timestamp": {"s3cret", h, []byte(`{"session_id":"a"}`), now, ErrSignature},
	} {
		if err := VerifySimple(tc.secret, tc.h, tc.body, tc.now); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", name, err, tc.err)
		}
	}
}
