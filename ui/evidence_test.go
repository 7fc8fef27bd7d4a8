package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"handoff/demo"
	"handoff/domain"
)

// A case with pictures shows the portrait beside the selfie with the face
// match score, and the document front; the pictures keep every line within
// the screen, at 80 columns and at 200, in each mode.
func TestCaseShowsTheEvidence(t *testing.T) {
	w := newWorld(t)
	err := demo.Generate(context.Background(), w.svc, demo.Options{App: w.x.ID, Count: 2, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 5, Actor: "test", Evidence: 8}, func(domain.Session) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		images string
		w, h   int
		mark   string
	}{
		{"blocks", 80, 60, "▀"}, {"blocks", 200, 60, "▀"}, {"text", 80, 60, "[ " + domain.MediaPortrait}, {"kitty", 120, 60, "\x1b_G"},
	} {
		h := w.openWith(w.x, "ana", c.w, c.h, Options{Images: c.images})
		h.press("enter")
		raw := h.m.View()
		plain := ansi.Strip(raw)
		for _, want := range []string{"Evidence", "document portrait", "selfie", "face match", "document front"} {
			if !strings.Contains(plain, want) {
				t.Fatalf("%s %dx%d: no %q on the case page:\n%s", c.images, c.w, c.h, want, plain)
			}
		}
		if !strings.Contains(raw, c.mark) {
			t.Fatalf("%s: the pictures are not drawn in that mode", c.images)
		}
		for _, l := range strings.Split(raw, "\n") {
			if ansi.StringWidth(l) > c.w {
				t.Fatalf("%s %dx%d: a line of %d cells: %q", c.images, c.w, c.h, ansi.StringWidth(l), ansi.Strip(l))
			}
		}
	}
}
