package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// DeclineReasons are the reason codes a decline is filed under; the
// analyst adds a note in words.
var DeclineReasons = []string{"document_forged", "sanctions_match", "identity_mismatch", "high_risk_jurisdiction", "other"}

// decidePage approves or declines one case in review. A decline needs a
// reason code and a note; both ask for confirmation. The decision goes
// through review.Decide, the use case behind PATCH update-status.
type decidePage struct {
	c        *Common
	sess     domain.Session
	decline  bool
	reasons  *widget.List
	note     textinput.Model
	onNote   bool // the note field has the keyboard
	confirm  bool
	busy     bool
	err      string
	w, h     int
	finished bool
}

type decidedMsg struct {
	page *decidePage
	sess domain.Session
	err  error
}

func newDecidePage(c *Common, s domain.Session, decline bool) *decidePage {
	p := &decidePage{c: c, sess: s, decline: decline, reasons: widget.NewList(DeclineReasons, -1)}
	placeholder := "optional note for the audit trail"
	if decline {
		placeholder = "why, in words (required)"
	}
	p.note = c.newInput("note: ", placeholder, review.MaxComment-100)
	if !decline {
		p.onNote = true
		p.note.Focus()
	}
	return p
}

func (p *decidePage) verb() string {
	if p.decline {
		return "Decline"
	}
	return "Approve"
}

func (p *decidePage) Title() string   { return fmt.Sprintf("%s #%d", p.verb(), p.sess.Number) }
func (p *decidePage) Capturing() bool { return p.onNote && !p.confirm }
func (p *decidePage) Loading() bool   { return p.busy }
func (p *decidePage) Init() tea.Cmd   { return nil }
func (p *decidePage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.note.Width = widget.InnerWidth(w) - 8
}

func (p *decidePage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	if p.confirm {
		return []key.Binding{k.Confirm, k.Cancel}, [][]key.Binding{{k.Confirm, k.Cancel}}
	}
	submit := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", strings.ToLower(p.verb())))
	short := []key.Binding{submit, k.NextField, k.Back}
	if p.decline && !p.onNote {
		short = append([]key.Binding{k.Up, k.Down}, short...)
	}
	return short, [][]key.Binding{short}
}

func (p *decidePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case decidedMsg:
		if msg.page != p {
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.confirm = false
			p.err = p.c.explain("deciding", msg.err)
			return cmdOf(statusMsg{text: p.err, err: true})
		}
		p.finished = true
		return tea.Batch(p.c.pop(), cmdOf(changedMsg{}),
			status(fmt.Sprintf("Session #%d is now %s.", msg.sess.Number, msg.sess.Status)))
	case tea.KeyMsg:
		if p.busy || p.finished {
			return nil
		}
		if p.confirm {
			return p.handleConfirmKey(msg)
		}
		return p.handleFormKey(msg)
	}
	return nil
}

func (p *decidePage) handleFormKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch msg.String() {
	case "esc":
		return p.c.pop()
	case "enter":
		return p.submit()
	case "tab", "shift+tab":
		if p.decline {
			p.onNote = !p.onNote
			if p.onNote {
				return p.note.Focus()
			}
			p.note.Blur()
		}
		return nil
	}
	if p.onNote {
		var cmd tea.Cmd
		p.note, cmd = p.note.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Up):
		p.reasons.Up()
		if p.reasons.Cursor < 0 {
			p.reasons.Cursor = 0
		}
	case key.Matches(msg, k.Down):
		p.reasons.Down()
	default:
		if n := msg.String(); len(n) == 1 && n[0] >= '1' && int(n[0]-'0') <= len(DeclineReasons) {
			p.reasons.Cursor = int(n[0] - '1')
		}
	}
	return nil
}

// submit checks the form and asks for confirmation.
func (p *decidePage) submit() tea.Cmd {
	if p.decline {
		if _, _, ok := p.reasons.Chosen(); !ok {
			p.err = "A decline needs a reason: choose a reason code (↑/↓ or 1-5)."
			return nil
		}
		if strings.TrimSpace(p.note.Value()) == "" {
			p.err = "A decline needs a reason in words: add a note (tab to the note field)."
			p.onNote = true
			return p.note.Focus()
		}
	}
	p.err, p.confirm = "", true
	p.note.Blur()
	return nil
}

func (p *decidePage) handleConfirmKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Confirm):
		return p.decide()
	case key.Matches(msg, k.Cancel):
		p.confirm = false
		if p.onNote {
			return p.note.Focus()
		}
	}
	return nil
}

// comment is what goes to the audit trail.
func (p *decidePage) comment() string {
	note := strings.TrimSpace(p.note.Value())
	if !p.decline {
		if note == "" {
			return "approved after review"
		}
		return note
	}
	_, code, _ := p.reasons.Chosen()
	return "reason: " + code + " — " + note
}

func (p *decidePage) decide() tea.Cmd {
	p.busy = true
	c, id, comment := p.c, p.sess.ID, p.comment()
	status := "Approved"
	if p.decline {
		status = "Declined"
	}
	return c.run(func(ctx context.Context) tea.Msg {
		s, err := c.Svc.Decide(ctx, c.Caller, id, status, comment)
		return decidedMsg{page: p, sess: s, err: err}
	})
}

func (p *decidePage) View() string {
	st := p.c.Styles
	k := p.c.Keys
	inner := widget.InnerWidth(p.w)
	d := widget.Dialog{Title: p.verb() + " session " + sessionLabel(p.sess), Error: p.err}
	if p.confirm || p.busy {
		d.Body = fmt.Sprintf("%s session #%d (%s)?\n\nAudit comment:\n%s", p.verb(), p.sess.Number, p.sess.Status,
			st.Accent.Render(widget.Wrap(p.comment(), inner)))
		d.Hint = hints(k.Confirm, k.Cancel)
		if p.busy {
			d.Hint = "saving…"
		}
		return d.View(st.R, st.Dialog, p.w, p.h)
	}
	var b strings.Builder
	if p.decline {
		label := "Reason code:"
		if !p.onNote {
			label = st.Accent.Render(label)
		}
		b.WriteString(label + "\n" + p.reasons.View(st.List, inner, len(DeclineReasons), true) + "\n\n")
	}
	b.WriteString(p.note.View())
	d.Body = b.String()
	d.Hint = "enter " + strings.ToLower(p.verb()) + " · esc cancel"
	if p.decline {
		d.Hint = "↑/↓ or 1-5 reason · tab note · " + d.Hint
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}
