package review_test

import (
	"context"
	"encoding/json"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// Every status.updated event carries the session's change counter at that
// change: 1 for an import, one more per decision and for the delete, and
// the session row holds the last one.
func TestSessionVersionCountsChanges(t *testing.T) {
	w := newTokenWorld(t)
	ctx := context.Background()
	url, events := "http://127.0.0.1:9/hook", []string{domain.EventStatusUpdated}
	hooks := review.New(w.db, review.WithPrivateWebhooks(true))
	defer hooks.Close()
	if _, err := hooks.CreateDestination(ctx, review.WebhookOperator(w.y), review.DestinationInput{URL: &url, SubscribedEvents: &events}); err != nil {
		t.Fatal(err)
	}
	src := w.session(domain.KindUser)
	imp, err := w.importAs(w.y, w.mint(src.ID, w.y, 600).Token, "wf_kyc")
	if err != nil {
		t.Fatal(err)
	}
	y := review.Analyst(w.y, "ana")
	approve, decline := domain.Approve("t"), domain.Decline(domain.ReasonOther, "t")
	for _, d := range []domain.Decision{approve, approve, decline, approve} { // the repeat changes nothing
		if _, err := w.svc.Decide(ctx, y, imp.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	payloads, err := review.WebhookBodies(ctx, w.svc, w.y, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The delete erases the bodies with the session, and sends nothing.
	if err := w.svc.DeleteSession(ctx, y, imp.ID); err != nil {
		t.Fatal(err)
	}
	var after int
	if err := w.db.Get(&after, `SELECT count(*) FROM webhook_events WHERE application_id = $1 AND session_id = $2`, w.y, imp.ID); err != nil || after != len(payloads) {
		t.Fatalf("%d events after the delete (%v), want the %d before it", after, err, len(payloads))
	}
	want := []struct {
		status  string
		version int64
	}{{"In Review", 1}, {"Approved", 2}, {"Declined", 3}, {"Approved", 4}} // the delete counts (5) but sends nothing, as Didit
	if len(payloads) != len(want) {
		t.Fatalf("%d events, want %d", len(payloads), len(want))
	}
	got := map[int64]string{}
	for _, p := range payloads {
		var ev struct {
			Status         string `json:"status"`
			SessionVersion int64  `json:"session_version"`
			OccurredAt     string `json:"occurred_at"`
		}
		if err := json.Unmarshal([]byte(p), &ev); err != nil || ev.OccurredAt == "" {
			t.Fatalf("event %s: %v", p, err)
		}
		got[ev.SessionVersion] = ev.Status
	}
	for _, w := range want {
		if got[w.version] != w.status {
			t.Errorf("session_version %d: %q, want %q (all: %v)", w.version, got[w.version], w.status, got)
		}
	}
	var version int64
	if err := w.db.Get(&version, `SELECT version FROM sessions WHERE application_id = $1 AND session_id = $2`, w.y, imp.ID); err != nil || version != 5 {
		t.Fatalf("the session's version %d (%v), want 5", version, err)
	}
}
