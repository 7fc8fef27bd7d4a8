package ui

import (
	"testing"

	"handoff/domain"
)

// Options.Tab opens the program on a tab (make demo opens the queue); an
// application switch opens the next workspace on Sessions.
func TestOpensOnTheTabAskedFor(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.openWith(w.y, "sam", 100, 30, Options{Tab: "queue"})
	if h.model().active != 1 {
		t.Fatalf("opened on tab %d, want the queue", h.model().active)
	}
	h.expectView("case-1")
	if _, err := ParseTab("inbox"); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("an unknown tab: %v", err)
	}
	h.press("A")
	h.expectView("Service X")
	h.press("up", "enter") // X is listed first
	if h.model().c.App.ID != w.x.ID || h.model().active != 0 {
		t.Fatalf("after switching: app %s tab %d", h.model().c.App.Name, h.model().active)
	}
}
