package ui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/ui/widget"
)

// notePage adds a note to a case without deciding it (review.Note): one
// field, which has every key but enter (save) and esc (cancel). The note
// is a review, so it reaches the audit trail and the case's timeline.
type notePage struct {
	c    *Common
	sess domain.Session
	note textinput.Model
	busy bool
	err  string
	w, h int
}

// notedMsg is the answer to a note; the case it was added to reloads.
type notedMsg struct {
	page    *notePage
	session uuid.UUID
	err     error
}

func newNotePage(c *Common, s domain.Session) *notePage {
	p := &notePage{c: c, sess: s, note: c.newInput("note: ", "what you found or did (required)", domain.MaxReviewComment)}
	p.note.Focus()
	return p
}

func (p *notePage) Title() string   { return fmt.Sprintf("Note on #%d", p.sess.Number) }
func (p *notePage) Capturing() bool { return true }
func (p *notePage) Loading() bool   { return p.busy }
func (p *notePage) Init() tea.Cmd   { return textinput.Blink }

func (p *notePage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.note.Width = widget.InnerWidth(w) - 8
}

func (p *notePage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Note
	live := []key.Binding{k.Save, k.Cancel}
	return live, [][]key.Binding{live}
}

func (p *notePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case notedMsg:
		if msg.page != p {
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.err = p.c.explain("adding the note", msg.err)
			return nil
		}
		return tea.Batch(p.c.pop(), status(fmt.Sprintf("Note added to session #%d.", p.sess.Number)))
	case tea.KeyMsg:
		if p.busy {
			return nil
		}
		k := p.c.Keys.Note
		switch {
		case key.Matches(msg, k.Cancel):
			return p.c.pop()
		case key.Matches(msg, k.Save):
			return p.save()
		}
		var cmd tea.Cmd
		p.note, cmd = p.note.Update(msg)
		p.err = ""
		return cmd
	}
	return nil
}

// save sends the note; review refuses an empty one, and says so.
func (p *notePage) save() tea.Cmd {
	text := p.note.Value()
	p.busy = true
	c, id := p.c, p.sess.ID
	return c.run(func(ctx context.Context) tea.Msg {
		_, err := c.Svc.Note(ctx, c.Caller, id, text)
		return notedMsg{page: p, session: id, err: err}
	})
}

func (p *notePage) View() string {
	st := p.c.Styles
	d := widget.Dialog{Title: "Note on session " + sessionLabel(p.sess), Error: p.err,
		Body: st.Muted.Render(widget.Wrap("Goes to the case's timeline and the audit trail; the status stays "+
			string(p.sess.Status)+".", widget.InnerWidth(p.w))) + "\n\n" + p.note.View(),
		Hint: hints(p.c.Keys.Note.Save, p.c.Keys.Note.Cancel)}
	if p.busy {
		d.Hint = "saving…"
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}
