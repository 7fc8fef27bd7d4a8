package review_test

import (
	"context"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// A case page's read says how the case arrived (the issuer's Approved,
// not trusted), who decided it and why, and what awaits a second review.
func TestCaseTellsItsDecision(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	ana, bob := review.Analyst(f.y, "ana"), review.Analyst(f.y, "bob")
	decided, proposed := f.queued[0], f.queued[1]

	c, err := f.svc.Case(ctx, ana, decided)
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != nil || c.Proposal != nil {
		t.Fatalf("an undecided case: %+v %+v", c.Decision, c.Proposal)
	}
	if l := c.Landing; l == nil || l.SourceStatus != "Approved" || l.Trusted || l.Status != "In Review" || l.By != "analyst:importer" {
		t.Fatalf("landing: %+v", c.Landing)
	}
	if _, err := f.svc.DecideCase(ctx, ana, decided, domain.Decline(domain.ReasonDocumentExpired, "passport expired")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Note(ctx, ana, decided, "told the partner"); err != nil {
		t.Fatal(err)
	}
	c, err = f.svc.Case(ctx, ana, decided)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Decision; d == nil || d.ActorDisplay != "ana" || d.Reason != domain.ReasonDocumentExpired ||
		d.Comment != "passport expired" || *d.NewStatus != "Declined" {
		t.Fatalf("decision: %+v", c.Decision)
	}
	if n := len(c.Timeline); n != 4 || c.Timeline[n-1].Action != domain.ActionNoteAdded {
		t.Fatalf("timeline: %+v", c.Timeline)
	}

	setFourEyes(t, f, domain.FourEyesDeclines)
	if _, err := f.svc.DecideCase(ctx, bob, proposed, domain.Decline(domain.ReasonSanctionsMatch, "OFAC")); err != nil {
		t.Fatal(err)
	}
	c, err = f.svc.Case(ctx, ana, proposed)
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != nil || c.Proposal == nil || c.Proposal.Summary() != "awaiting second review: Declined — sanctions_match, by bob" {
		t.Fatalf("proposal: %+v %+v", c.Decision, c.Proposal)
	}
	if _, err := f.svc.Case(ctx, review.Analyst(f.x, "ana"), proposed); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's case: %v", err)
	}
}
