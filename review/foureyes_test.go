package review_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

func setFourEyes(t *testing.T, f *fixture, p domain.FourEyes) {
	t.Helper()
	if _, err := f.svc.SetAppSettings(context.Background(), review.Operator("test"), f.y, review.SettingsChange{FourEyes: &p}); err != nil {
		t.Fatal(err)
	}
}

func statusOf(t *testing.T, f *fixture, id uuid.UUID) domain.Status {
	t.Helper()
	s, err := f.svc.Session(context.Background(), review.Analyst(f.y, "reader"), id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Status
}

// Under a declines policy alice's decline is a proposal; she can never
// confirm it (at the workstation, by deciding again, by rejecting, or
// with a key); bob confirms, and both names are in the trail.
func TestFourEyesProposerCannotConfirm(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	setFourEyes(t, f, domain.FourEyesDeclines)
	alice, bob := review.Analyst(f.y, "alice"), review.Analyst(f.y, "bob")
	id := f.queued[0]

	if _, err := f.svc.DecideCase(ctx, alice, id, domain.Decline(domain.ReasonSanctionsMatch, "OFAC hit")); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, f, id); got != "In Review" {
		t.Fatalf("a proposal changed the status to %s", got)
	}
	p, open, err := f.svc.Proposal(ctx, bob, id)
	if err != nil || !open || p.Summary() != "awaiting second review: Declined — sanctions_match, by alice" {
		t.Fatalf("proposal: %+v %v %v", p, open, err)
	}
	if _, err := f.svc.ConfirmProposal(ctx, alice, id, ""); !domain.IsCode(err, domain.CodeForbidden) {
		t.Fatalf("alice confirming her own proposal: %v", err)
	}
	if _, err := f.svc.DecideCase(ctx, alice, id, domain.Decline(domain.ReasonSanctionsMatch, "again")); !domain.IsCode(err, domain.CodeForbidden) {
		t.Fatalf("alice deciding again: %v", err)
	}
	if _, err := f.svc.RejectProposal(ctx, alice, id, "never mind"); !domain.IsCode(err, domain.CodeForbidden) {
		t.Fatalf("alice rejecting her own proposal: %v", err)
	}
	key := uuid.New()
	apiKey := domain.Caller{ApplicationID: f.y, KeyID: &key, Privileges: domain.AllPrivileges}
	if _, err := f.svc.Decide(ctx, apiKey, id, domain.Decision{Phase: domain.PhaseDeclined}); !domain.IsCode(err, domain.CodeForbidden) {
		t.Fatalf("a key confirming: %v", err)
	}
	if _, err := f.svc.DecideCase(ctx, bob, id, domain.Approve("looks fine")); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("bob deciding otherwise while a proposal is open: %v", err)
	}
	if got := statusOf(t, f, id); got != "In Review" {
		t.Fatalf("refused attempts changed the status to %s", got)
	}

	r, err := f.svc.ConfirmProposal(ctx, bob, id, "agree")
	if err != nil {
		t.Fatal(err)
	}
	if r.Activity != domain.ActivityProposalApproved || r.ActorDisplay != "bob" || r.Reason != domain.ReasonSanctionsMatch {
		t.Fatalf("confirmation: %+v", r)
	}
	if got := statusOf(t, f, id); got != "Declined" {
		t.Fatalf("after confirmation: %s", got)
	}
	events, err := f.svc.Audit(ctx, bob, review.AuditQuery{SessionID: &id, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var decided string
	for _, e := range events {
		if e.Action == domain.ActionStatusChanged {
			decided = string(e.Details)
		}
	}
	if !strings.Contains(decided, `"proposed_by":"analyst:alice"`) || !strings.Contains(decided, `"confirmed_by":"analyst:bob"`) {
		t.Fatalf("the decision's audit event does not name both: %s", decided)
	}
	list, _ := f.svc.Reviews(ctx, bob, id)
	var acts []string
	for _, r := range list {
		acts = append(acts, string(r.Activity)+":"+r.ActorDisplay)
	}
	if got := strings.Join(acts, " "); got != "DECISION_PROPOSED:alice DECISION_CONFIRMED:bob" {
		t.Fatalf("reviews: %s", got)
	}

	// An approval needs no second reviewer under declines; a rejection
	// sends a proposal back to the queue.
	if _, err := f.svc.DecideCase(ctx, alice, f.queued[1], domain.Decline(domain.ReasonOther, "unsure")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RejectProposal(ctx, bob, f.queued[1], ""); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("reject without a note: %v", err)
	}
	if _, err := f.svc.RejectProposal(ctx, bob, f.queued[1], "evidence is fine"); err != nil {
		t.Fatal(err)
	}
	if _, open, _ := f.svc.Proposal(ctx, bob, f.queued[1]); open {
		t.Fatal("a rejected proposal is still open")
	}
	if _, err := f.svc.DecideCase(ctx, alice, f.queued[1], domain.Approve("")); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, f, f.queued[1]); got != "Approved" {
		t.Fatalf("an approval under declines: %s", got)
	}
}

// Two analysts confirming at once: exactly one wins, the other is told
// there is nothing left to confirm, and the status changes once.
func TestFourEyesRacingConfirmers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 1)
	setFourEyes(t, f, domain.FourEyesAll)
	id := f.queued[0]
	if _, err := f.svc.DecideCase(ctx, review.Analyst(f.y, "alice"), id, domain.Approve("clean")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = f.svc.ConfirmProposal(ctx, review.Analyst(f.y, "confirmer"+string(rune('a'+i))), id, "")
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !domain.IsCode(err, domain.CodeConflict):
			t.Fatalf("a losing confirmer: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d confirmers won: %v", wins, errs)
	}
	list, _ := f.svc.Reviews(ctx, review.Analyst(f.y, "x"), id)
	if len(list) != 2 || statusOf(t, f, id) != "Approved" {
		t.Fatalf("after the race: %d reviews, %s", len(list), statusOf(t, f, id))
	}
}

// A confirmation and a rejection at once, with the proposer trying to
// confirm beside them: exactly one of the two others wins, the proposer
// never does, and the case ends either decided or back in the queue.
func TestFourEyesConfirmRejectRace(t *testing.T) {
	ctx := context.Background()
	for round := range 3 {
		f := newFixture(t, 1)
		setFourEyes(t, f, domain.FourEyesDeclines)
		id := f.queued[0]
		alice := review.Analyst(f.y, "alice")
		if _, err := f.svc.DecideCase(ctx, alice, id, domain.Decline(domain.ReasonSanctionsMatch, "OFAC hit")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var confirmErr, rejectErr, selfErr error
		wg.Add(3)
		go func() {
			defer wg.Done()
			_, confirmErr = f.svc.ConfirmProposal(ctx, review.Analyst(f.y, "bob"), id, "agree")
		}()
		go func() {
			defer wg.Done()
			_, rejectErr = f.svc.RejectProposal(ctx, review.Analyst(f.y, "carol"), id, "the hit is a namesake")
		}()
		go func() {
			defer wg.Done()
			_, selfErr = f.svc.ConfirmProposal(ctx, alice, id, "")
		}()
		wg.Wait()
		if (confirmErr == nil) == (rejectErr == nil) {
			t.Fatalf("round %d: confirm %v, reject %v: want exactly one to win", round, confirmErr, rejectErr)
		}
		for _, err := range []error{confirmErr, rejectErr} {
			if err != nil && !domain.IsCode(err, domain.CodeConflict) {
				t.Fatalf("round %d: the loser was told %v, want a conflict", round, err)
			}
		}
		if selfErr == nil || !(domain.IsCode(selfErr, domain.CodeForbidden) || domain.IsCode(selfErr, domain.CodeConflict)) {
			t.Fatalf("round %d: the proposer confirming: %v", round, selfErr)
		}
		want := domain.Status("Declined")
		if rejectErr == nil {
			want = "In Review"
		}
		if got := statusOf(t, f, id); got != want {
			t.Fatalf("round %d: status %s, want %s", round, got, want)
		}
	}
}
