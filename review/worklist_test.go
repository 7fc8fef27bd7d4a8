package review_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// The work list shows each case's findings exactly as the case page lists
// them (a blocklist entry added after the import included), the issuer's
// status at import, the proposal and the claim on it.
func TestWorkList(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindUser, 3)
	alice, bob := review.Analyst(f.y, "alice"), review.Analyst(f.y, "bob")
	var cases []domain.Session
	for i, src := range f.srcs {
		cases = append(cases, f.importInto(t, src, "harbor-user-"+itoa(int64(i)), false))
	}
	dup := f.importInto(t, f.srcs[0], "harbor-user-again", false) // a second clone of the first
	bl := f.systemList(t, domain.EntryDocument)
	if _, err := f.svc.AddEntry(ctx, alice, bl.ID, review.NewEntry{Value: identifier(t, f.srcs[1], domain.EntryDocument).Value,
		Comment: "reported stolen"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Claim(ctx, alice, cases[2].ID); err != nil {
		t.Fatal(err)
	}
	p := domain.FourEyesDeclines
	if _, err := f.svc.SetAppSettings(ctx, review.Operator("test"), f.y, review.SettingsChange{FourEyes: &p}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideCase(ctx, bob, cases[0].ID, domain.Decline(domain.ReasonDuplicateIdentity, "cloned twice")); err != nil {
		t.Fatal(err)
	}

	list, err := f.svc.WorkList(ctx, bob, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []uuid.UUID
	for _, c := range list {
		got = append(got, c.ID)
	}
	if want := []uuid.UUID{cases[0].ID, cases[1].ID, cases[2].ID, dup.ID}; !slices.Equal(got, want) {
		t.Fatalf("work list order %v, want oldest first %v", got, want)
	}
	for i, c := range list {
		want, err := f.svc.Findings(ctx, bob, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Findings, want) {
			t.Errorf("case %d: work list findings %+v, the case's %+v", i, c.Findings, want)
		}
		if want := f.srcs[i%3].Status; c.SourceStatus != want { // the fourth is a clone of the first
			t.Errorf("case %d: issuer's status %q, want %q", i, c.SourceStatus, want)
		}
		if len(c.Checks) != 0 {
			t.Errorf("case %d: the work list holds the payload", i)
		}
	}
	if !findingWith(list[1].Findings, domain.FindingBlocklisted, "reported stolen") {
		t.Errorf("the entry added after the import is not among #%d's findings: %+v", list[1].Number, list[1].Findings)
	}
	if !findingWith(list[3].Findings, domain.FindingDuplicateImport, "already imported as #"+itoa(cases[0].Number)) ||
		!findingWith(list[0].Findings, domain.FindingDuplicateImport, "already imported as #"+itoa(dup.Number)) {
		t.Errorf("the two clones of one origin do not name each other: %+v / %+v", list[0].Findings, list[3].Findings)
	}
	if list[0].Proposal == nil || list[0].Proposal.By != "bob" || list[1].Proposal != nil {
		t.Errorf("proposals: %+v %+v", list[0].Proposal, list[1].Proposal)
	}
	if list[2].Claim == nil || list[2].Claim.Analyst != "alice" || list[1].Claim != nil {
		t.Errorf("claims: %+v %+v", list[2].Claim, list[1].Claim)
	}
	// Another application's queue is its own: Y's cases are not X's.
	if other, err := f.svc.WorkList(ctx, review.Analyst(f.x, "alice"), 100); err != nil || len(other) != 0 {
		t.Fatalf("X's work list: %d cases, %v", len(other), err)
	}
}

// n offers the decisions awaiting a second review to everyone but their
// proposer first, then the oldest case; never the proposer's own.
func TestClaimNextOffersProposalsToOthers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 3)
	setFourEyes(t, f, domain.FourEyesDeclines)
	alice, bob := review.Analyst(f.y, "alice"), review.Analyst(f.y, "bob")
	newest := f.queued[2]
	if _, err := f.svc.DecideCase(ctx, alice, newest, domain.Decline(domain.ReasonSanctionsMatch, "OFAC hit")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Claim(ctx, alice, newest); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("alice holding her own proposal away from its second reviewer: %v", err)
	}
	s, _, err := f.svc.ClaimNext(ctx, bob)
	if err != nil || s.ID != newest {
		t.Fatalf("bob's next case: #%d %v, want the proposal awaiting him", s.Number, err)
	}
	if err := f.svc.Release(ctx, bob, newest); err != nil {
		t.Fatal(err)
	}
	var offered []uuid.UUID
	for range 3 {
		s, _, err := f.svc.ClaimNext(ctx, alice)
		if domain.IsCode(err, domain.CodeNotFound) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		offered = append(offered, s.ID)
	}
	if want := []uuid.UUID{f.queued[0], f.queued[1]}; !slices.Equal(offered, want) {
		t.Fatalf("alice was offered %v, want the two oldest and never her own proposal %v", offered, want)
	}
}
