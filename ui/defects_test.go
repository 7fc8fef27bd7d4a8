package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"handoff/domain"
	"handoff/review"
)

// Issue 10: a and d are not offered on a case another analyst holds (they
// would only be refused); they come back once the claim is released.
func TestCaseClaimedByOtherOffersNoDecision(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	ctx := context.Background()
	if _, err := w.svc.Claim(ctx, review.Analyst(w.y.ID, "alice"), sess.ID); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.y, "sam", 120, 40)
	h.press("2", "enter")
	h.expectView("claimed by alice")
	if offered(h, "approve") || offered(h, "decline") {
		t.Fatalf("a/d offered on alice's case:\n%s", h.view())
	}
	h.press("d")
	if _, ok := h.top().(*decidePage); ok {
		t.Fatal("d opened the decline dialog on alice's case")
	}
	if err := w.svc.Release(ctx, review.Analyst(w.y.ID, "alice"), sess.ID); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("release", changeOf(review.ChangeClaimReleased, &sess.ID))
	h.expectView("yours while the case is open")
	if !offered(h, "approve") || !offered(h, "decline") {
		t.Fatalf("a/d offered again once the case is ours:\n%s", h.view())
	}
}

// offered reports whether the focused view's help lists a binding with desc.
func offered(h *harness, desc string) bool {
	short, full := h.top().Help()
	all := append([]key.Binding{}, short...)
	for _, g := range full {
		all = append(all, g...)
	}
	for _, b := range all {
		if strings.EqualFold(b.Help().Desc, desc) {
			return true
		}
	}
	return false
}

// Issue 10: a status line is about the view it was shown on; leaving that
// view (another tab, or out of a case) clears it. It stays while the
// analyst stays.
func TestStatusClearsWhenLeavingItsView(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	if _, err := w.svc.Claim(context.Background(), review.Analyst(w.y.ID, "alice"), sess.ID); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.y, "sam", 120, 40)
	h.press("2")
	h.expectView("case-1", "claimed by alice")
	h.press("a")
	h.expectView("claimed by alice until")
	h.press("down") // still on the queue: the line stays
	if !strings.Contains(h.status().text, "claimed by alice") {
		t.Fatalf("the status stays while on its view: %+v", h.status())
	}
	h.press("1")
	if st := h.status(); st.text != "" || strings.Contains(h.view(), "only they can decide it now") {
		t.Fatalf("leaving the queue clears its status: %+v\n%s", st, h.view())
	}
	h.press("2", "enter", "d") // inside the case: d is refused there too
	if st := h.status(); !strings.Contains(st.text, "alice") {
		t.Fatalf("d on alice's case says why: %+v", st)
	}
	h.press("esc")
	if st := h.status(); st.text != "" {
		t.Fatalf("closing the case clears what was said in it: %+v", st)
	}
}

// Issue 10: a filter that cannot match says so. Sessions refuses a word it
// does not know (kind:foo) with the ones it does; the queue, which
// searches text, says that nothing matches the filter instead of showing
// "the queue is empty".
func TestBadFilterSaysWhy(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 120, 40)
	h.press("/")
	h.typeText("kind:foo")
	h.press("enter")
	h.expectView("kind:foo — use kind:kyc or kind:kyb")
	h.press("esc", "2", "/")
	h.typeText("kind:foo")
	h.press("enter")
	h.expectView(`nothing matches the filter "kind:foo" (esc clears)`)
	if strings.Contains(h.view(), "the queue is empty") {
		t.Fatalf("a filter matching nothing is not an empty queue:\n%s", h.view())
	}
	h.press("esc")
	h.expectView("case-1")
}

// Issue 10: the Audit filter on a session's id brings up all of that
// case's history, the decline as well as the import, and each row names
// the session's number.
func TestAuditFilterBringsUpOneCase(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	queued2 := importCase(w, "case-2", 9) // another case's events stay out
	if _, err := w.svc.DecideCase(context.Background(), review.Analyst(w.y.ID, "alice"), sess.ID,
		domain.Decline(domain.ReasonFaceMismatch, "selfie is someone else")); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.y, "sam", 120, 40)
	h.press("4", "/")
	h.typeText(sess.ID.String())
	h.press("enter")
	num := fmt.Sprintf("#%d", sess.Number)
	h.expectView("seq time", " # ", "session.imported", "session.status_changed", num)
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, "session.") && !strings.Contains(l, num+" ") {
			t.Fatalf("a row of the case without its number %s: %q", num, l)
		}
	}
	if strings.Contains(h.view(), fmt.Sprintf("#%d ", queued2.Number)) {
		t.Fatalf("another case's events in the filter:\n%s", h.view())
	}
}
