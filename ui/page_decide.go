package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// decidePage approves or declines one case in review. It builds a
// domain.Decision: a decline is filed under one of domain's reason codes
// with a note (review refuses an analyst's decline without both); both ask
// for confirmation. The decision goes
// through review.DecideCase: the case must still be in review and nobody
// else may hold it, so of two analysts deciding at once exactly one wins.
// Opened from the open case it works under the case's claim; opened from
// the queue it claims the case itself while it is open.
type decidePage struct {
	c        *Common
	sess     domain.Session
	claim    *caseClaim
	ownClaim bool // taken by this dialog: released when it closes
	decline  bool
	codes    []domain.ReasonCode // the reasons list's codes, in its order
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
	return newDecidePageWith(c, s, decline, nil)
}

// newDecidePageWith decides under claim, the open case's; nil claims the
// case for as long as the dialog is open.
func newDecidePageWith(c *Common, s domain.Session, decline bool, claim *caseClaim) *decidePage {
	p := &decidePage{c: c, sess: s, decline: decline, codes: domain.ReasonCodes(), claim: claim}
	codes := make([]string, len(p.codes))
	p.reasons = widget.NewList(codes, -1)
	for i, code := range p.codes {
		codes[i] = string(code) // what the audit trail records, in words after it
		p.reasons.Notes = append(p.reasons.Notes, code.Label())
	}
	if claim == nil {
		p.claim, p.ownClaim = newCaseClaim(c, s.ID), true
	}
	placeholder := "optional note for the audit trail"
	if decline {
		placeholder = "why, in words (required)"
	}
	p.note = c.newInput("note: ", placeholder, domain.MaxComment-100)
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
func (p *decidePage) Init() tea.Cmd {
	if p.ownClaim {
		return p.claim.take()
	}
	return nil
}

// close leaves the dialog, releasing a claim it took.
func (p *decidePage) close() tea.Cmd {
	if p.ownClaim {
		return tea.Batch(p.claim.release(), p.c.pop())
	}
	return p.c.pop()
}

// Refresh warns when someone else decided or claimed the case meanwhile;
// the dialog stays open, and the service would refuse the decision.
func (p *decidePage) Refresh(set *changeSet) tea.Cmd {
	if p.finished || p.busy {
		return nil
	}
	me := p.c.Caller.Actor()
	for _, ch := range set.about(p.sess.ID) {
		if ch.By == me {
			continue
		}
		switch ch.What {
		case review.ChangeSessionDecided:
			p.err = fmt.Sprintf("%s has just decided this case; it is no longer in review.", actorName(ch.By))
			p.confirm = false
			return nil
		case review.ChangeClaimTaken, review.ChangeClaimReleased:
			if p.ownClaim {
				return p.claim.follow([]review.Change{ch})
			}
		}
	}
	return nil
}

// actorName is an audit actor as a person: "analyst:alice" is alice.
func actorName(actor string) string {
	if name, ok := strings.CutPrefix(actor, "analyst:"); ok {
		return name
	}
	return actor
}
func (p *decidePage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.note.Width = widget.InnerWidth(w) - 8
}

func (p *decidePage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Dialog
	if p.confirm {
		return []key.Binding{k.Confirm, k.Cancel}, [][]key.Binding{{k.Confirm, k.Cancel}}
	}
	submit := k.Submit
	submit.SetHelp("enter", strings.ToLower(p.verb()))
	short := []key.Binding{submit, k.NextField, k.Back}
	if p.decline && !p.onNote {
		short = append([]key.Binding{k.Up, k.Down}, short...)
		return short, [][]key.Binding{append(short, k.Pick)}
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
		p.claim.decided()
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
	k := p.c.Keys.Dialog
	switch {
	case key.Matches(msg, k.Back):
		return p.close()
	case key.Matches(msg, k.Submit):
		return p.submit()
	case key.Matches(msg, k.NextField):
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
	case key.Matches(msg, k.Pick):
		if n := int(msg.Runes[0] - '1'); n < len(p.reasons.Items) {
			p.reasons.Cursor = n
		}
	}
	return nil
}

// submit checks the form and asks for confirmation.
func (p *decidePage) submit() tea.Cmd {
	if p.claim.otherHolder() != "" {
		p.err = p.claim.refusal
		return nil
	}
	// The rules are domain's; the dialog only says which key meets them.
	if err := p.decision().ValidateFor(p.c.Caller); err != nil {
		var de *domain.Error
		errors.As(err, &de)
		switch {
		case de != nil && de.Fields["reason"] != nil:
			p.err = "A decline needs a reason: choose a reason code (↑/↓ or " + p.digits() + ")."
			return nil
		case de != nil && de.Fields["comment"] != nil && strings.TrimSpace(p.note.Value()) == "":
			p.err = "A decline needs a reason in words: add a note (tab to the note field)."
			p.onNote = true
			return p.note.Focus()
		}
		p.err = p.c.explain("deciding", err)
		return nil
	}
	p.err, p.confirm = "", true
	p.note.Blur()
	return nil
}

func (p *decidePage) handleConfirmKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
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

// decision is what the form holds, as the domain value review takes.
func (p *decidePage) decision() domain.Decision {
	note := strings.TrimSpace(p.note.Value())
	if !p.decline {
		if note == "" {
			note = "approved after review"
		}
		return domain.Approve(note)
	}
	d := domain.Decline("", note)
	if i, _, ok := p.reasons.Chosen(); ok {
		d.Reason = p.codes[i]
	}
	return d
}

// digits names the number keys that pick a reason.
func (p *decidePage) digits() string { return fmt.Sprintf("1-%d", min(9, len(p.codes))) }

func (p *decidePage) decide() tea.Cmd {
	p.busy = true
	c, id, d := p.c, p.sess.ID, p.decision()
	return c.run(func(ctx context.Context) tea.Msg {
		s, err := c.Svc.DecideCase(ctx, c.Caller, id, d)
		return decidedMsg{page: p, sess: s, err: err}
	})
}

func (p *decidePage) View() string {
	st := p.c.Styles
	k := p.c.Keys.Dialog
	inner := widget.InnerWidth(p.w)
	d := widget.Dialog{Title: p.verb() + " session " + sessionLabel(p.sess), Error: p.err}
	if d.Error == "" && p.ownClaim && !p.claim.held && p.claim.refusal != "" {
		d.Error = p.claim.refusal // claimed by someone else, or no longer in review
	}
	if p.confirm || p.busy {
		d.Body = fmt.Sprintf("%s session #%d (%s)?\n\nAudit comment:\n%s", p.verb(), p.sess.Number, p.sess.Status,
			st.Accent.Render(widget.Wrap(p.decision().Comment(), inner)))
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
		// As many reasons as fit beside the rest of the dialog (11 rows);
		// the list scrolls with the cursor.
		rows := min(len(p.codes), max(3, p.h-11))
		b.WriteString(label + "\n" + p.reasons.View(st.List, inner, rows, true) + "\n\n")
	}
	b.WriteString(p.note.View())
	d.Body = b.String()
	d.Hint = "enter " + strings.ToLower(p.verb()) + " · esc cancel"
	if p.decline {
		d.Hint = "↑/↓ or " + p.digits() + " reason · tab note · " + d.Hint
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}
