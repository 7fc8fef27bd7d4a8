package review_test

import (
	"context"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// Every front end's decision is a review and an audit event; a note
// leaves the status alone and an empty one is refused.
func TestDecisionsAndNotesAreReviews(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	ana := review.Analyst(f.y, "ana")
	id := f.queued[0]

	if _, err := f.svc.Note(ctx, ana, id, "  "); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("empty note: %v", err)
	}
	n, err := f.svc.Note(ctx, ana, id, "asked the issuer for the POA")
	if err != nil {
		t.Fatal(err)
	}
	if n.Activity != domain.ActivityNoteAdded || n.ActorType != domain.ActorConsoleUser || n.ActorDisplay != "ana" || n.NewStatus != nil {
		t.Fatalf("note: %+v", n)
	}
	if _, err := f.svc.DecideCase(ctx, ana, id, domain.Decline(domain.ReasonSanctionsMatch, "OFAC hit confirmed")); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Reviews(ctx, ana, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != n.ID || list[1].Activity != domain.ActivityStatusUpdated ||
		list[1].Reason != domain.ReasonSanctionsMatch || list[1].Comment != "OFAC hit confirmed" ||
		*list[1].PreviousStatus != "In Review" || *list[1].NewStatus != "Declined" {
		t.Fatalf("reviews: %+v", list)
	}
	events, err := f.svc.Audit(ctx, ana, review.AuditQuery{SessionID: &id, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Action] = true
	}
	if !seen[domain.ActionNoteAdded] || !seen[domain.ActionStatusChanged] {
		t.Fatalf("audit of the case: %v", seen)
	}
	// Another application's session is not found.
	if _, err := f.svc.Note(ctx, review.Analyst(f.x, "ana"), id, "peek"); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("cross note: %v", err)
	}
	if _, err := f.svc.Reviews(ctx, review.Analyst(f.x, "ana"), id); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("cross list: %v", err)
	}
}

// Searching the audit trail for a session's id finds all of its events
// (the decline as well as the import), each with the session's number.
func TestAuditSearchFindsAllOfASession(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	ana := review.Analyst(f.y, "ana")
	id := f.queued[0]
	if _, err := f.svc.DecideCase(ctx, ana, id, domain.Decline(domain.ReasonFaceMismatch, "selfie is someone else")); err != nil {
		t.Fatal(err)
	}
	sess, err := f.svc.Session(ctx, ana, id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.svc.Audit(ctx, ana, review.AuditQuery{Search: id.String(), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Action] = true
		if e.SessionID == nil || *e.SessionID != id || e.SessionNumber != sess.Number || sess.Number == 0 {
			t.Fatalf("an event of another session, or without the number %d: %+v", sess.Number, e)
		}
	}
	if !seen[domain.ActionSessionImported] || !seen[domain.ActionStatusChanged] {
		t.Fatalf("search for the session found %v", seen)
	}
}
