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
//
// The form is a small state machine with one focused field: the reason
// list (a decline only) or the note. In the list the arrows and digits
// choose and enter moves on to the note; any other character typed there
// goes into the note, so a sentence can never move the chosen reason.
// The hint line and the help are built from the bindings live in the
// focus, so they cannot name a key that does something else.
type decidePage struct {
	c        *Common
	sess     domain.Session
	claim    *caseClaim
	ownClaim bool // taken by this dialog: released when it closes
	decline  bool
	codes    []domain.ReasonCode // the reasons list's codes, in its order
	reasons  *widget.List
	note     textinput.Model
	focus    decideFocus
	confirm  bool
	busy     bool
	err      string
	w, h     int
	finished bool
}

// decideFocus is the form field that has the keyboard.
type decideFocus int

const (
	focusReason decideFocus = iota // the reason list: arrows, digits, enter
	focusNote                      // the note: every key is text but enter, esc, shift+tab
)

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
		p.focusOn(focusNote)
	}
	return p
}

func (p *decidePage) verb() string {
	if p.decline {
		return "Decline"
	}
	return "Approve"
}

func (p *decidePage) Title() string { return fmt.Sprintf("%s #%d", p.verb(), p.sess.Number) }

// Capturing is true over the whole form: in the reason list too a letter
// is text for the note, never q or a tab key.
func (p *decidePage) Capturing() bool { return !p.confirm }
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
	live := p.live()
	return live, [][]key.Binding{live}
}

// live is the bindings that act in the current step and focus, in the
// order the hint line names them.
func (p *decidePage) live() []key.Binding {
	k := p.c.Keys.Dialog
	if p.confirm {
		return []key.Binding{k.Confirm, k.Cancel}
	}
	submit := k.Submit
	if p.focus == focusReason {
		pick := k.Pick
		pick.SetHelp(p.digits(), "pick")
		submit.SetHelp("enter", "choose → note")
		return []key.Binding{k.PickUp, k.PickDown, k.Pick, submit, k.FocusNext, k.Back}
	}
	submit.SetHelp("enter", strings.ToLower(p.verb()))
	if p.decline {
		return []key.Binding{submit, k.FocusPrev, k.Back}
	}
	return []key.Binding{submit, k.Back}
}

// focusOn gives field f the keyboard.
func (p *decidePage) focusOn(f decideFocus) tea.Cmd {
	p.focus = f
	if f == focusNote {
		return p.note.Focus()
	}
	p.note.Blur()
	return nil
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
		text := fmt.Sprintf("Session #%d is now %s.", msg.sess.Number, msg.sess.Status)
		if msg.sess.Status.Phase() == domain.PhaseInReview { // a four-eyes policy made it a proposal
			text = fmt.Sprintf("Session #%d proposed: %s; awaiting a second analyst.", msg.sess.Number, p.proposed())
		}
		return tea.Batch(p.c.pop(), cmdOf(changedMsg{}), status(text))
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
	if key.Matches(msg, p.c.Keys.Dialog.Back) {
		return p.close()
	}
	if p.focus == focusReason {
		return p.handleReasonKey(msg)
	}
	return p.handleNoteKey(msg)
}

// handleReasonKey: arrows and digits choose, enter and tab move on to the
// note, and anything typed goes into the note.
func (p *decidePage) handleReasonKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch {
	case key.Matches(msg, k.PickUp):
		p.reasons.Up()
		if p.reasons.Cursor < 0 {
			p.reasons.Cursor = 0
		}
	case key.Matches(msg, k.PickDown):
		p.reasons.Down()
	case key.Matches(msg, k.Pick):
		if n := int(msg.Runes[0] - '1'); n < len(p.reasons.Items) {
			p.reasons.Cursor = n
		}
		p.err = ""
	case key.Matches(msg, k.Submit):
		if _, _, ok := p.reasons.Chosen(); !ok {
			p.err = p.noReason()
			return nil
		}
		p.err = ""
		return p.focusOn(focusNote)
	case key.Matches(msg, k.FocusNext):
		return p.focusOn(focusNote)
	case msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && isPick(msg.Runes[0]):
		// Keys that arrived together ("5no"): the digit chooses, the rest is text.
		cmd := p.handleReasonKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[:1]})
		return tea.Batch(cmd, p.handleReasonKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[1:]}))
	case msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace:
		return tea.Batch(p.focusOn(focusNote), p.typeNote(msg))
	}
	return nil
}

func isPick(r rune) bool { return r >= '1' && r <= '9' }

// handleNoteKey: enter submits, shift+tab goes back to the reasons, and
// every other key edits the note.
func (p *decidePage) handleNoteKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch {
	case key.Matches(msg, k.Submit):
		return p.submit()
	case p.decline && key.Matches(msg, k.FocusPrev):
		return p.focusOn(focusReason)
	case key.Matches(msg, k.FocusNext):
		return nil // no field after the note; tab is not text either
	}
	return p.typeNote(msg)
}

func (p *decidePage) typeNote(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	p.note, cmd = p.note.Update(msg)
	return cmd
}

func (p *decidePage) noReason() string {
	return "A decline needs a reason: choose a reason code (↑/↓ or " + p.digits() + ", then enter)."
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
			p.err = p.noReason()
			return p.focusOn(focusReason)
		case de != nil && de.Fields["comment"] != nil && strings.TrimSpace(p.note.Value()) == "":
			p.err = "A decline needs a reason in words: type a note, then enter."
			return p.focusOn(focusNote)
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
		return p.focusOn(focusNote)
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

// proposed is the decision in words, as a proposal: "Declined —
// sanctions_match".
func (p *decidePage) proposed() string {
	d := p.decision()
	return proposalWhat(domain.Proposal{Decision: d})
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
	inner := widget.InnerWidth(p.w)
	d := widget.Dialog{Title: p.verb() + " session " + sessionLabel(p.sess), Error: p.err}
	if d.Error == "" && p.ownClaim && !p.claim.held && p.claim.refusal != "" {
		d.Error = p.claim.refusal // claimed by someone else, or no longer in review
	}
	if p.confirm || p.busy {
		d.Body = fmt.Sprintf("%s session #%d (%s)?\n\nAudit comment:\n%s", p.verb(), p.sess.Number, p.sess.Status,
			st.Accent.Render(widget.Wrap(p.decision().Comment(), inner)))
		if policy := p.c.Settings.FourEyes; policy.Requires(p.decision().Phase) {
			d.Body += "\n\n" + st.Review.Render(widget.Wrap("Four-eyes ("+string(policy)+"): this is a proposal; the case stays "+
				string(p.sess.Status)+" until a second analyst confirms it.", inner))
		}
		d.Hint = hints(p.live()...)
		if p.busy {
			d.Hint = "saving…"
		}
		return d.View(st.R, st.Dialog, p.w, p.h)
	}
	var b strings.Builder
	if p.decline {
		label := "Reason code:"
		if p.focus == focusReason {
			label = st.Accent.Render(label)
		}
		// As many reasons as fit beside the rest of the dialog (11 rows);
		// the list scrolls with the cursor.
		rows := min(len(p.codes), max(3, p.h-11))
		b.WriteString(label + "\n" + p.reasons.View(st.List, inner, rows, true) + "\n\n")
	}
	b.WriteString(p.note.View())
	d.Body = b.String()
	d.Hint = hints(p.live()...)
	return d.View(st.R, st.Dialog, p.w, p.h)
}
