package ui

import (
	"context"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
	"handoff/vault"
)

// The Lists tab shows entries with their list, label, who and why; / filters;
// x removes one after a confirmation, and n backs out.
func TestListsTabShowsAndRemovesEntries(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	alice := review.Analyst(w.x.ID, "alice")
	ls, _, err := w.svc.Lists(ctx, alice, review.ListsQuery{ListType: "blocklist", EntryType: "email", Limit: 1})
	if err != nil || len(ls) != 1 {
		t.Fatal(ls, err)
	}
	for _, v := range []string{"fraud@example.com", "other@example.org"} {
		if _, err := w.svc.AddEntry(ctx, alice, ls[0].ID, review.NewEntry{Value: v, DisplayLabel: "ring", Comment: "chargebacks " + v[:5]}); err != nil {
			t.Fatal(err)
		}
	}
	h := w.open(w.x, "ana", 120, 24)
	h.press("6")
	h.expectView("Email Blocklist 2", "fraud@example.com", "alice", "chargebacks fraud")

	h.press("/")
	h.typeText("other")
	h.press("enter")
	if v := h.view(); strings.Contains(v, "fraud@example.com") || !strings.Contains(v, "other@example.org") {
		t.Fatalf("filter: %s", v)
	}
	h.press("x")
	h.expectView("Remove other@example.org from Email Blocklist?", "y/enter remove")
	h.press("n")
	if strings.Contains(h.view(), "Remove other@") {
		t.Fatal("n cancels the question")
	}
	h.press("x", "y")
	if st := h.status(); st.err || !strings.Contains(st.text, "Removed") {
		t.Fatalf("status after removing: %+v", st)
	}
	es, n, _ := w.svc.ListEntries(ctx, alice, ls[0].ID, "", 10, 0)
	if n != 1 || es[0].Value != "fraud@example.com" {
		t.Fatalf("left on the list: %v", es)
	}
}

// A face entry that this server cannot open (it runs without the
// biometric key, so the entry's value, label and reason read blank) shows
// a marker in its row instead of an empty value; the e-mail entry beside
// it reads as ever.
func TestFlowListsTabMarksUnavailableFace(t *testing.T) {
	ctx := context.Background()
	db := pgtest.DB(t)
	keys := review.Keys{Master: vault.NewMemorySource("master"), Biometric: vault.NewMemorySource("biometric")}
	w := &world{t: t, clock: &clock{now: t0}}
	w.svc = review.New(db, review.WithKeys(keys), review.WithClock(w.clock.Now), review.WithLogger(quietLogger()))
	t.Cleanup(w.svc.Close)
	w.x = w.app("Service X", "wf_x_kyc", "wf_x_kyb")
	alice := review.Analyst(w.x.ID, "alice")
	for _, e := range []struct {
		et    domain.EntryType
		value string
	}{{domain.EntryFace, "face-abc123"}, {domain.EntryEmail, "fraud@example.com"}} {
		ls, _, err := w.svc.Lists(ctx, alice, review.ListsQuery{ListType: "blocklist", EntryType: string(e.et), Limit: 1})
		if err != nil || len(ls) != 1 {
			t.Fatal(ls, err)
		}
		if _, err := w.svc.AddEntry(ctx, alice, ls[0].ID, review.NewEntry{Value: e.value, DisplayLabel: "Jana Novak",
			Comment: "seen twice"}); err != nil {
			t.Fatal(err)
		}
	}

	// The workstation's server has the master key only.
	noBio := review.New(db, review.WithKeys(review.Keys{Master: keys.Master}), review.WithClock(w.clock.Now),
		review.WithLogger(quietLogger()))
	t.Cleanup(noBio.Close)
	w.svc = noBio
	s := w.screen(t, w.x, "ana")
	s.keys("6")
	s.wait("Face Blocklist 1", "face unavailable", "fraud@example.com", "Jana Novak")
	s.never("face-abc123")
	s.quit()
}
