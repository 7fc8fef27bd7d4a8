package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestTypeAhead: a view opens within the keypress that asks for it, so
// keys typed (or pasted) right after it reach the new view even before
// any command has run.
func TestTypeAhead(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2")
	for _, k := range []string{"enter", "d", "3", "tab", "n", "o"} {
		h.m.Update(keyMsg(k)) // commands dropped: nothing round-trips
	}
	d, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("enter then d opened the case then the decline dialog at once, got %T", h.top())
	}
	if _, code, _ := d.reasons.Chosen(); code != "identity_mismatch" || d.note.Value() != "no" {
		t.Fatalf("typed-ahead keys reached the dialog: %q %q", code, d.note.Value())
	}
}

// TestKeysArrivingTogether: over a slow link several typed keys arrive as
// one message; they act one by one.
func TestKeysArrivingTogether(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d3")})
	d, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("d opened the dialog, got %T", h.top())
	}
	if _, code, _ := d.reasons.Chosen(); code != "identity_mismatch" {
		t.Fatalf("3 chose the third reason, got %q", code)
	}
	h.press("tab")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("no q")})
	if d.note.Value() != "no q" || h.quit {
		t.Fatalf("typed text stays text: %q quit %v", d.note.Value(), h.quit)
	}
}
