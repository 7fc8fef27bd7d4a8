package demo

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"handoff/webhookverify"
)

// Receiver is the demo's webhook receiver, what a partner's back end
// would run: it accepts a delivery (200) only when its signatures verify
// with the destination's secret, and refuses it (401) otherwise, so a
// delivery the workstation shows as delivered is one whose signature was
// checked.
type Receiver struct {
	// Secret is the destination's current secret; it is read for every
	// delivery, so a new `handoff demo` run (which rotates it) is picked
	// up by a receiver already running.
	Secret func() (string, error)
	Log    *slog.Logger
	Now    func() time.Time
}

func (rc Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a webhook delivery here", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "reading the body", http.StatusBadRequest)
		return
	}
	now := time.Now
	if rc.Now != nil {
		now = rc.Now
	}
	secret, err := rc.Secret()
	if err == nil {
		err = webhookverify.Verify(secret, r.Header, body, now())
	}
	var ev struct {
		EventID     string `json:"event_id"`
		WebhookType string `json:"webhook_type"`
		SessionID   string `json:"session_id"`
		Status      string `json:"status"`
	}
	json.Unmarshal(body, &ev) // for the log line only
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		rc.log().Warn("demo receiver: refused a delivery", "err", err, "event_id", ev.EventID)
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"verified": false, "detail": err.Error()})
		return
	}
	rc.log().Info("demo receiver: signature verified", "event_id", ev.EventID, "webhook_type", ev.WebhookType,
		"session_id", ev.SessionID, "status", ev.Status)
	json.NewEncoder(w).Encode(map[string]any{"verified": true, "event_id": ev.EventID})
}

func (rc Receiver) log() *slog.Logger {
	if rc.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return rc.Log
}
