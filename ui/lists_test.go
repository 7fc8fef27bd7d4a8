package ui

import (
	"context"
	"strings"
	"testing"

	"handoff/review"
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
