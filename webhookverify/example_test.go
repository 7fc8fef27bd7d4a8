package webhookverify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"handoff/webhookverify"
)

// A receiver reads the raw body, verifies it, and only then decodes it.
func Example() {
	secret := "whsec_from_the_destination" // the destination's secret_shared_key

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// 1. The exact bytes, bounded, before any JSON decoding.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		// 2. Signature and timestamp.
		if err := webhookverify.Verify(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		// 3. Only now trust and decode the body (and dedupe on event_id).
		var event struct {
			SessionID   string `json:"session_id"`
			Status      string `json:"status"`
			WebhookType string `json:"webhook_type"`
			EventID     string `json:"event_id"`
		}
		if err := json.Unmarshal(body, &event); err != nil {
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%s %s", event.WebhookType, event.Status)
	})

	body := `{"webhook_type": "status.updated", "status": "In Review", "session_id": "s-1", "event_id": "e-1", "score": 97.0}`
	canonical, _ := webhookverify.Canonicalize([]byte(body))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(canonical)

	for _, b := range []string{body, strings.Replace(body, "In Review", "Approved", 1)} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/didit", strings.NewReader(b))
		req.Header.Set("X-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		req.Header.Set("X-Signature-V2", hex.EncodeToString(mac.Sum(nil)))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 200 status.updated In Review
	// 401 webhookverify: bad signature: signature mismatch
}
