package ui

import (
	"context"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// X on the Sessions tab erases the session under the cursor after a
// question that says what goes and what stays; n backs out and erases
// nothing.
func TestSessionsTabErasesASession(t *testing.T) {
	w := newWorld(t)
	ss := w.generate(w.x, 2, domain.KindUser, domain.PhaseApproved, 4)
	newest := ss[len(ss)-1]
	for _, s := range ss {
		if s.Number > newest.Number {
			newest = s
		}
	}
	h := w.open(w.x, "ana", 120, 30)
	h.press("X")
	h.expectView("Erase session #", "for good? Checks, biometrics and images go; the audit trail stays.")
	h.press("n")
	if strings.Contains(h.view(), "for good?") {
		t.Fatal("n leaves the question open")
	}
	ctx := context.Background()
	if _, err := w.svc.Session(ctx, review.Analyst(w.x.ID, "ana"), newest.ID); err != nil {
		t.Fatalf("n erased the session: %v", err)
	}
	h.press("X", "y")
	if st := h.status(); st.err || !strings.Contains(st.text, "Erased session #") {
		t.Fatalf("status: %+v", st)
	}
	if _, err := w.svc.Session(ctx, review.Analyst(w.x.ID, "ana"), newest.ID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("after erasing, the session reads: %v", err)
	}
}
