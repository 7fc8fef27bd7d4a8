package ui

import (
	"context"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// pickLine moves the open pick down to the line holding want.
func (h *harness) pickLine(p *entryPage, want string) {
	h.t.Helper()
	for i, ch := range p.choices {
		if strings.Contains(ch.String(), want) {
			for range i {
				h.press("down")
			}
			return
		}
	}
	h.t.Fatalf("no %q among %v", want, p.choices)
}

// a on the Lists tab adds an entry: the list, a value the list's type
// accepts (normalised as the domain says), and a reason that is required.
func TestListsTabAddsAnEntry(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	h := w.open(w.x, "ana", 120, 30)
	h.press("6", "a")
	p, ok := h.top().(*entryPage)
	if !ok {
		t.Fatalf("a opened %T", h.top())
	}
	h.expectView("The list to add to:", "Email Blocklist")
	h.pickLine(p, "Email Blocklist")
	h.press("enter")
	h.typeText("not an address")
	h.press("enter")
	if p.step != entryValue || p.err == "" {
		t.Fatalf("a bad e-mail address went through: step %d, %q", p.step, p.err)
	}
	for range len("not an address") {
		h.press("backspace")
	}
	h.typeText("Fraud.Ring@Example.COM")
	h.press("enter")
	h.press("enter") // no reason yet
	h.expectView("Say why")
	h.typeText("chargebacks in March")
	h.press("enter")
	h.expectView("Add fraud.ring@example.com to Email Blocklist", "why chargebacks in March")
	h.press("y")
	if st := h.status(); st.err || !strings.Contains(st.text, "Added") {
		t.Fatalf("status: %+v", st)
	}
	if _, ok := h.top().(*entryPage); ok {
		t.Fatal("the dialog stays open after adding")
	}
	ls, _, _ := w.svc.Lists(ctx, review.Analyst(w.x.ID, "ana"), review.ListsQuery{ListType: "blocklist", EntryType: "email", Limit: 1})
	es, n, err := w.svc.ListEntries(ctx, review.Analyst(w.x.ID, "ana"), ls[0].ID, "", 10, 0)
	if err != nil || n != 1 || es[0].Value != "fraud.ring@example.com" || es[0].Comment != "chargebacks in March" || es[0].AddedBy != "analyst:ana" {
		t.Fatalf("entries: %+v %v", es, err)
	}
	h.expectView("Email Blocklist 1", "fraud.ring@example.com", "chargebacks in March")
}

// b on a case puts one of its identifiers (here the user, its
// vendor_data) on that type's system blocklist with a reason; the session
// is the entry's reference, and its findings say it is blocklisted at once.
func TestBlocklistFromACase(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := queued(w)
	h := w.open(w.y, "ana", 120, 30)
	h.press("2", "enter")
	h.expectView("case-1")
	h.press("b")
	p, ok := h.top().(*entryPage)
	if !ok {
		t.Fatalf("b opened %T", h.top())
	}
	h.expectView("Which of session #", "user: case-1")
	for _, ch := range p.choices {
		if !ch.list.System || ch.list.Type != domain.ListBlocklist || ch.list.EntryType != ch.id.Type {
			t.Fatalf("offered %s on %+v", ch, ch.list)
		}
	}
	h.pickLine(p, "user: case-1")
	h.press("enter")
	h.typeText("account takeover")
	h.press("enter", "y")
	if st := h.status(); st.err || !strings.Contains(st.text, "User Blocklist") {
		t.Fatalf("status: %+v", st)
	}
	dec, err := w.svc.Decision(ctx, review.Analyst(w.y.ID, "ana"), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	fs := dec.Findings
	var hit bool
	for _, f := range fs {
		hit = hit || f.Code == domain.FindingBlocklisted
	}
	if !hit {
		t.Fatalf("findings after blocklisting: %+v", fs)
	}
	ls, _, _ := w.svc.Lists(ctx, review.Analyst(w.y.ID, "ana"), review.ListsQuery{ListType: "blocklist", EntryType: "user", Limit: 1})
	es, _, _ := w.svc.ListEntries(ctx, review.Analyst(w.y.ID, "ana"), ls[0].ID, "", 10, 0)
	if len(es) != 1 || es[0].ReferenceSessionID == nil || *es[0].ReferenceSessionID != s.ID || es[0].Comment != "account takeover" {
		t.Fatalf("entry: %+v", es)
	}
}

// In the running program, the entry dialog refuses an analyst's entry
// without a reason with the domain's message (review holds the add to the
// same rule), and adds it once there is one.
func TestFlowListEntryNeedsAReason(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	lists, _, err := w.svc.Lists(ctx, review.Analyst(w.x.ID, "ana"), review.ListsQuery{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	s := w.screen(t, w.x, "ana")
	s.keys("6")
	s.wait("no list entries yet")
	s.keys("a")
	s.wait("The list to add to:", "Document Blocklist")
	for _, l := range lists { // down to the e-mail blocklist, in the dialog's order
		if l.Name == "Email Blocklist" {
			break
		}
		s.keys("down")
	}
	s.keys("enter")
	s.wait("On Email Blocklist, a e-mail:")
	s.typeText("Fraud.Ring@Example.COM")
	s.keys("enter")
	s.wait("why:")
	s.keys("enter")
	s.wait("Say why: the reason is kept with the entry")
	s.never("Add it?")
	s.typeText("forged, seen in March")
	s.keys("enter")
	s.wait("Add it? Imports are matched against it from now on.")
	s.keys("y")
	s.wait("Added fr…@example.com to Email Blocklist.")
	s.quit()
	ls, _, _ := w.svc.Lists(ctx, review.Analyst(w.x.ID, "ana"), review.ListsQuery{ListType: "blocklist", EntryType: "email", Limit: 1})
	es, n, err := w.svc.ListEntries(ctx, review.Analyst(w.x.ID, "ana"), ls[0].ID, "", 10, 0)
	if err != nil || n != 1 || es[0].Comment != "forged, seen in March" || es[0].AddedBy != "analyst:ana" {
		t.Fatalf("entries: %d %+v %v", n, es, err)
	}
}
