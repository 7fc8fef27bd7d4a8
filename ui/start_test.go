package ui

import (
	"testing"

	"handoff/domain"
	"handoff/ui/widget/picture"
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

// The picture mode: forced by Images, else decided from the environment
// and the terminal's answers to the capability queries.
func TestPictureModeFromTheTerminalsAnswers(t *testing.T) {
	env := []string{"TERM=xterm-256color"}
	for _, tc := range []struct {
		opts Options
		want picture.Mode
	}{
		{Options{Environ: env}, picture.Blocks},
		{Options{Environ: env, Answers: &picture.Answers{Replied: true, Kitty: true}}, picture.Kitty},
		{Options{Environ: env, Answers: &picture.Answers{Replied: true, Sixel: true}}, picture.Sixel},
		{Options{Environ: env, Answers: &picture.Answers{Replied: true, Kitty: true}, Images: "blocks"}, picture.Blocks},
		{Options{Environ: []string{"TERM=xterm-kitty", "NO_COLOR=1"}, Answers: &picture.Answers{Replied: true, Kitty: true}}, picture.Text},
	} {
		if got := pictures(tc.opts).Mode(); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.opts, got, tc.want)
		}
	}
}
