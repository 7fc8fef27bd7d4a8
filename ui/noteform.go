package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/ui/widget"
)

// noteForm is a dialog of one note and a confirmation: two steps with one
// focus each. While the note has the keyboard every key is text but enter
// (on to the confirmation) and esc (close); at the confirmation only y/enter
// and n/esc act. The page embedding it says what the note must be and
// what confirming does.
type noteForm struct {
	c       *Common
	note    textinput.Model
	confirm bool // the confirmation step
	busy    bool
	err     string
	w, h    int
}

func newNoteForm(c *Common, placeholder string) noteForm {
	return noteForm{c: c, note: c.newInput("note: ", placeholder, domain.MaxComment-100)}
}

func (f *noteForm) Capturing() bool { return !f.confirm }
func (f *noteForm) Loading() bool   { return f.busy }

func (f *noteForm) SetSize(w, h int) {
	f.w, f.h = w, h
	f.note.Width = widget.InnerWidth(w) - 8
}

func (f *noteForm) Help() ([]key.Binding, [][]key.Binding) {
	live := f.live()
	return live, [][]key.Binding{live}
}

// live is the bindings that act in the current step.
func (f *noteForm) live() []key.Binding {
	k := f.c.Keys.Dialog
	if f.confirm {
		return []key.Binding{k.Confirm, k.Cancel}
	}
	return []key.Binding{k.Submit, k.Back}
}

// handleKey runs the steps: check says what is wrong with the note (""
// when nothing), submit acts on it once confirmed.
func (f *noteForm) handleKey(msg tea.KeyMsg, check func(note string) string, submit func(note string) tea.Cmd) tea.Cmd {
	k := f.c.Keys.Dialog
	note := strings.TrimSpace(f.note.Value())
	if f.confirm {
		switch {
		case key.Matches(msg, k.Confirm):
			f.busy = true
			return submit(note)
		case key.Matches(msg, k.Cancel):
			f.confirm = false
			return f.note.Focus()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return f.c.pop()
	case key.Matches(msg, k.Submit):
		if f.err = check(note); f.err != "" {
			return nil
		}
		f.confirm = true
		f.note.Blur()
		return nil
	}
	var cmd tea.Cmd
	f.note, cmd = f.note.Update(msg)
	return cmd
}

// view draws the step: intro, quote (highlighted, if any) and the note, or
// the question with the note.
func (f *noteForm) view(title, intro, quote, question string) string {
	st := f.c.Styles
	d := widget.Dialog{Title: title, Error: f.err, Hint: hints(f.live()...)}
	inner := widget.InnerWidth(f.w)
	if f.confirm || f.busy {
		d.Body = widget.Wrap(question, inner)
		if note := strings.TrimSpace(f.note.Value()); note != "" {
			d.Body += "\n\nNote:\n" + st.Accent.Render(widget.Wrap(note, inner))
		}
		if f.busy {
			d.Hint = "saving…"
		}
	} else {
		d.Body = widget.Wrap(intro, inner)
		if quote != "" {
			d.Body += "\n" + st.Accent.Render(widget.Wrap(quote, inner))
		}
		d.Body += "\n\n" + f.note.View()
	}
	return d.View(st.R, st.Dialog, f.w, f.h)
}
