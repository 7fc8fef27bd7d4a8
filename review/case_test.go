package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

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

	c, err := f.svc.Case(ctx, ana, decided, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != nil || c.Proposal != nil {
		t.Fatalf("an undecided case: %+v %+v", c.Decision, c.Proposal)
	}
	if l := c.Landing; l == nil || l.SourceStatus != "Approved" || l.Trusted || l.Status != "In Review" || l.By != "analyst:importer" {
		t.Fatalf("landing: %+v", c.Landing)
	}
	// Claims and releases are in the timeline; a renewal is not.
	for i := 0; i < 2; i++ {
		if _, err := f.svc.Claim(ctx, bob, decided); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.Release(ctx, bob, decided); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideCase(ctx, ana, decided, domain.Decline(domain.ReasonDocumentExpired, "passport expired")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Note(ctx, ana, decided, "told the partner"); err != nil {
		t.Fatal(err)
	}
	c, err = f.svc.Case(ctx, ana, decided, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Decision; d == nil || d.ActorDisplay != "ana" || d.Reason != domain.ReasonDocumentExpired ||
		d.Comment != "passport expired" || *d.NewStatus != "Declined" {
		t.Fatalf("decision: %+v", c.Decision)
	}
	var got []string
	for _, e := range c.Timeline {
		got = append(got, e.Action+" by "+e.Actor)
	}
	want := "share_token.minted by analyst:minter, session.imported by analyst:importer, case.claimed by analyst:bob, " +
		"case.released by analyst:bob, session.status_changed by analyst:ana, session.note_added by analyst:ana"
	if strings.Join(got, ", ") != want {
		t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(got, ", "), want)
	}

	setFourEyes(t, f, domain.FourEyesDeclines)
	if _, err := f.svc.DecideCase(ctx, bob, proposed, domain.Decline(domain.ReasonSanctionsMatch, "OFAC")); err != nil {
		t.Fatal(err)
	}
	c, err = f.svc.Case(ctx, ana, proposed, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != nil || c.Proposal == nil || c.Proposal.Summary() != "awaiting second review: Declined — sanctions_match, by bob" {
		t.Fatalf("proposal: %+v %+v", c.Decision, c.Proposal)
	}
	if _, err := f.svc.Case(ctx, review.Analyst(f.x, "ana"), proposed, review.TimelineSpan{}); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's case: %v", err)
	}
}

// Opening a case page (Case: the session, its findings, decision,
// proposal, how it arrived and the newest page of its timeline) with
// 1,000 events reads what it does with 5: the same queries, each bounded
// by the page. Recorded in docs/BENCHMARKS.md.
func BenchmarkCase(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, 2)
	ana := review.Analyst(f.y, "ana")
	small, big := f.queued[0], f.queued[1]
	for id, n := range map[uuid.UUID]int{small: 3, big: 998} {
		for i := 0; i < n; i++ {
			if _, err := f.svc.Note(ctx, ana, id, fmt.Sprintf("note %d", i)); err != nil {
				b.Fatal(err)
			}
		}
	}
	sealAll(b, f) // as a server's sequencer has them within 200 ms
	for _, c := range []struct {
		name    string
		id      uuid.UUID
		want    int
		earlier bool
	}{{"events=5", small, 5, false}, {"events=1000", big, review.CasePage, true}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cs, err := f.svc.Case(ctx, ana, c.id, review.TimelineSpan{})
				if err != nil || len(cs.Timeline) != c.want || cs.Earlier != c.earlier || cs.Landing == nil {
					b.Fatalf("%d events (earlier %v, landing %v), %v", len(cs.Timeline), cs.Earlier, cs.Landing, err)
				}
			}
		})
	}
}
