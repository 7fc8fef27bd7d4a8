package ui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

type env map[string]string

func (e env) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}
func (e env) Getenv(k string) string { return e[k] }

// TestNoColor: colours come from the program's renderer, and NO_COLOR in
// the terminal's environment turns them off, leaving marks that do not
// need colour (the cursor arrow, the active tab's brackets).
func TestNoColor(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 3, "", 0, 1)
	for _, tc := range []struct {
		env    env
		colour bool
	}{
		{env{"TERM": "xterm-256color"}, true},
		{env{"TERM": "xterm-256color", "NO_COLOR": "1"}, false},
	} {
		r := lipgloss.NewRenderer(io.Discard, termenv.WithTTY(true), termenv.WithEnvironment(tc.env))
		h := w.openWith(w.x, "ana", 80, 24, Options{Renderer: r})
		v := h.m.View()
		if got := strings.Contains(v, "\x1b["); got != tc.colour {
			t.Fatalf("env %v: escape sequences %v, want %v", tc.env, got, tc.colour)
		}
		plain := ansi.Strip(v)
		if !strings.Contains(plain, "[1 Sessions]") || !strings.Contains(plain, "› ") {
			t.Fatalf("marks that need no colour are missing:\n%s", plain)
		}
	}
}

// TestResize: every screen fills the terminal exactly, at any size.
func TestResize(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 80, 24)
	for _, keys := range [][]string{nil, {"2"}, {"2", "enter"}, {"esc", "d"}, {"esc", "3"}, {"4"}, {"?"}} {
		h.press(keys...)
		for _, size := range [][2]int{{80, 24}, {120, 40}, {60, 15}, {200, 60}, {80, 24}} {
			h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			lines := strings.Split(h.view(), "\n")
			if len(lines) != size[1] {
				t.Fatalf("after %v at %dx%d: %d lines", keys, size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if n := ansi.StringWidth(l); n > size[0] {
					t.Fatalf("after %v at %dx%d: line %d is %d wide: %q", keys, size[0], size[1], i, n, l)
				}
			}
		}
	}
	if h.model().c.Width != 80 || h.sessions().list.Table().PageSize() != 24-chromeLines-2 {
		t.Fatalf("sizes follow the terminal: page %d", h.sessions().list.Table().PageSize())
	}
}

func TestSafetyEvery(t *testing.T) {
	if safetyEvery(time.Millisecond) != 5*time.Minute || safetyEvery(1337*time.Millisecond) != 401100*time.Millisecond {
		t.Fatal("the safety refresh runs every 5 minutes, less often when counting is slow")
	}
}
