package ui

import (
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// copyToClipboard sets the terminal's clipboard with OSC 52, which the
// terminal honours locally and over SSH alike. Inside tmux or screen the
// sequence is wrapped so that the multiplexer passes it on to the terminal
// outside (tmux needs `set -g allow-passthrough on` for that).
func (c *Common) copyToClipboard(text, done string) tea.Cmd {
	seq := osc52.New(text).Mode(clipboardMode(c.opts.Environ))
	out := c.Out
	return func() tea.Msg {
		if _, err := seq.WriteTo(out); err != nil {
			return statusMsg{text: "Could not write to the terminal to copy: " + err.Error(), err: true}
		}
		return statusMsg{text: done}
	}
}

// clipboardMode tells, from the terminal's environment, whether the
// program runs inside tmux or screen: TMUX or STY is set there, and TERM
// names them (over SSH only TERM comes, from the client's terminal).
func clipboardMode(environ []string) osc52.Mode {
	env := func(name string) string {
		for _, kv := range environ {
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				return v
			}
		}
		return ""
	}
	term := env("TERM")
	switch {
	case env("TMUX") != "" || strings.HasPrefix(term, "tmux"):
		return osc52.TmuxMode
	case env("STY") != "" || strings.HasPrefix(term, "screen"):
		return osc52.ScreenMode
	}
	return osc52.DefaultMode
}
