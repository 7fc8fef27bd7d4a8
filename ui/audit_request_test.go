package ui

import (
	"context"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// An event an API request wrote shows the request's id, so an analyst can
// find the request log line a partner's support ticket quotes.
func TestAuditEventShowsRequestID(t *testing.T) {
	w := newWorld(t)
	src := w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 3)[0]
	caller := review.Analyst(w.x.ID, "partner-api")
	caller.RequestID = "ticket-4711"
	if _, err := w.svc.Share(context.Background(), caller, src.ID, w.y.ID, 600); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.x, "alice", 120, 40)
	h.press("4")
	h.expectView("share_token.minted")
	h.press("enter")
	h.expectView("request_id", "ticket-4711")
}
