package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// Four-eyes review in the workstation: the application's policy and
// service level (in the header), decisions awaiting a second review on a
// case (caseProposal), and the keys that act on them. Under a policy a/d
// make a proposal (review.DecideCase decides that); a different analyst
// confirms it (y) or rejects it with a note (R) in a settlePage. Its
// proposer is never offered either, and review refuses them anyway.

// settingsMsg brings the application's review settings.
type settingsMsg struct {
	set domain.AppSettings
	err error
}

// loadSettings reads the application's four-eyes policy and service level.
func (c *Common) loadSettings() tea.Cmd {
	return c.run(func(ctx context.Context) tea.Msg {
		set, err := c.Svc.AppSettings(ctx, c.Caller)
		return settingsMsg{set, err}
	})
}

// policyLabel is the policy as the header names it: "four-eyes declines ·
// SLA 24h" (off: "four-eyes off").
func policyLabel(s domain.AppSettings) string {
	out := "four-eyes " + string(cmpOr(s.FourEyes, domain.FourEyesOff))
	if s.ReviewSLA > 0 {
		out += " · SLA " + durationLabel(s.ReviewSLA)
	}
	return out
}

// compactPolicyLabel is policyLabel for a narrow header: "⚑ declines · 24h".
func compactPolicyLabel(s domain.AppSettings) string {
	out := "⚑ " + string(cmpOr(s.FourEyes, domain.FourEyesOff))
	if s.ReviewSLA > 0 {
		out += " · " + durationLabel(s.ReviewSLA)
	}
	return out
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// durationLabel writes a service level the way it is set: 24h, 90m, 2d.
func durationLabel(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d >= 48*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// proposalWhat is a proposal's decision in words: "Declined —
// sanctions_match".
func proposalWhat(p domain.Proposal) string {
	what := "Approved"
	if p.Decision.Phase == domain.PhaseDeclined {
		what = "Declined"
	}
	if p.Decision.Reason != "" {
		what += " — " + string(p.Decision.Reason)
	}
	return what
}

// caseAct is what a key asks of a case in review.
type caseAct int

const (
	actApprove caseAct = iota
	actDecline
	actConfirm // the decision awaiting a second review
	actReject
)

// caseActOf is the act a/d/y/R ask for; false for any other key.
func caseActOf(msg tea.KeyMsg, approve, decline, confirm, reject key.Binding) (caseAct, bool) {
	for act, b := range []key.Binding{approve, decline, confirm, reject} {
		if key.Matches(msg, b) {
			return caseAct(act), true
		}
	}
	return 0, false
}

func isCaseAct(msg tea.KeyMsg, approve, decline, confirm, reject key.Binding) bool {
	_, ok := caseActOf(msg, approve, decline, confirm, reject)
	return ok
}

// decideOrSettle acts on a case in review: approve and decline decide (or
// propose) when no decision awaits a second review on it, confirm and
// reject settle one someone else proposed. Every other combination says
// why not.
func decideOrSettle(c *Common, s domain.Session, p *domain.Proposal, act caseAct, claim *caseClaim) tea.Cmd {
	settle := act == actConfirm || act == actReject
	switch {
	case p == nil && settle:
		return cmdOf(statusMsg{text: fmt.Sprintf("Case #%d has no decision awaiting a second review.", s.Number), err: true})
	case p == nil:
		return c.push(newDecidePageWith(c, s, act == actDecline, claim))
	case p.Proposer == c.Caller.Actor():
		return cmdOf(statusMsg{text: fmt.Sprintf("You proposed %s on #%d; a different analyst must confirm or reject it.",
			proposalWhat(*p), s.Number), err: true})
	case !settle:
		return cmdOf(statusMsg{text: fmt.Sprintf("Case #%d awaits a second review (%s, by %s): y confirms it, R rejects it.",
			s.Number, proposalWhat(*p), clean(p.By)), err: true})
	}
	return c.push(newSettlePage(c, s, *p, act == actReject, claim))
}

// caseProposal is the decision awaiting a second review on an open case,
// as the case page shows it and offers its keys.
type caseProposal struct {
	c      *Common
	id     uuid.UUID
	p      *domain.Proposal
	gen    int
	loaded bool
}

type proposalMsg struct {
	cp  *caseProposal
	gen int
	p   *domain.Proposal
	err error
}

func newCaseProposal(c *Common, id uuid.UUID) *caseProposal { return &caseProposal{c: c, id: id} }

// load reads the case's proposal again.
func (cp *caseProposal) load() tea.Cmd {
	if cp == nil {
		return nil
	}
	cp.gen++
	c, id, gen := cp.c, cp.id, cp.gen
	return c.run(func(ctx context.Context) tea.Msg {
		p, open, err := c.Svc.Proposal(ctx, c.Caller, id)
		if !open {
			return proposalMsg{cp: cp, gen: gen, err: err}
		}
		return proposalMsg{cp: cp, gen: gen, p: &p}
	})
}

// handle takes the answer to load; false for a message that is not its.
func (cp *caseProposal) handle(msg tea.Msg) (tea.Cmd, bool) {
	m, ok := msg.(proposalMsg)
	if !ok || cp == nil || m.cp != cp {
		return nil, false
	}
	if m.gen != cp.gen {
		return nil, true
	}
	if m.err != nil {
		return cp.c.failure("reading the second review", m.err), true
	}
	cp.p, cp.loaded = m.p, true
	return nil, true
}

// pending: a decision awaits a second review (a/d are not offered).
func (cp *caseProposal) pending() bool { return cp != nil && cp.p != nil }

// canSettle: this analyst (not the proposer) may confirm or reject it.
func (cp *caseProposal) canSettle() bool { return cp.pending() && cp.p.Proposer != cp.c.Caller.Actor() }

// keys are the bindings live on the case for its proposal.
func (cp *caseProposal) keys() []key.Binding {
	if !cp.canSettle() {
		return nil
	}
	k := cp.c.Keys.Detail
	return []key.Binding{k.Confirm, k.Reject}
}

// proposal is the decision awaiting a second review, nil when none.
func (cp *caseProposal) proposal() *domain.Proposal {
	if cp == nil {
		return nil
	}
	return cp.p
}

// shown is the proposal the case page shows: the one y and R act on once
// it has been read, until then the one the case was read with.
func (cp *caseProposal) shown(read *domain.Proposal) *domain.Proposal {
	if cp != nil && cp.loaded {
		return cp.p
	}
	return read
}

// hint says who may settle the proposal, and with which keys ("" when
// none is pending).
func (cp *caseProposal) hint() (string, lipgloss.Style) {
	if !cp.pending() {
		return "", lipgloss.Style{}
	}
	if !cp.canSettle() {
		return "yours: a different analyst must confirm or reject it", cp.c.Styles.Muted
	}
	return "y confirms it, R rejects it", cp.c.Styles.Review
}

// settlePage confirms or rejects a decision someone else proposed: a note
// (required to reject), then a confirmation, then review.ConfirmProposal
// or RejectProposal. Review refuses the proposer, a case someone else
// holds, and a proposal already settled (of two analysts at once, exactly
// one wins).
type settlePage struct {
	noteForm
	sess     domain.Session
	prop     domain.Proposal
	reject   bool
	claim    *caseClaim // the open case's, when opened from it
	finished bool
}

type settledMsg struct {
	page *settlePage
	sess domain.Session
	err  error
}

func newSettlePage(c *Common, s domain.Session, p domain.Proposal, reject bool, claim *caseClaim) *settlePage {
	pg := &settlePage{sess: s, prop: p, reject: reject, claim: claim}
	placeholder := "optional note for the audit trail"
	if reject {
		placeholder = "why it goes back to the queue (required)"
	}
	pg.noteForm = newNoteForm(c, placeholder)
	return pg
}

func (p *settlePage) Title() string {
	if p.reject {
		return fmt.Sprintf("Reject proposal #%d", p.sess.Number)
	}
	return fmt.Sprintf("Confirm #%d", p.sess.Number)
}

func (p *settlePage) Init() tea.Cmd { return p.note.Focus() }

// Refresh warns when someone else settled or decided the case meanwhile;
// review would refuse to settle it again. The proposer's own reviews do
// not count: they cannot settle their proposal, and the proposal's own
// announcement may arrive after this page opened (changes are announced
// after their commit).
func (p *settlePage) Refresh(set *changeSet) tea.Cmd {
	if p.finished || p.busy {
		return nil
	}
	for _, ch := range set.about(p.sess.ID) {
		if ch.By == p.c.Caller.Actor() || (ch.By == p.prop.Proposer && ch.What == review.ChangeSessionReviewed) {
			continue
		}
		if ch.What == review.ChangeSessionDecided || ch.What == review.ChangeSessionReviewed {
			p.err = actorName(ch.By) + " has just reviewed this case; the proposal may be settled already."
			p.confirm = false
		}
	}
	return nil
}

func (p *settlePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case settledMsg:
		if msg.page != p {
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.confirm = false
			p.err = p.c.explain(p.verb(), msg.err)
			return tea.Batch(p.note.Focus(), cmdOf(statusMsg{text: p.err, err: true}))
		}
		p.finished = true
		text := fmt.Sprintf("Session #%d is now %s: %s's decision confirmed by you.", p.sess.Number, msg.sess.Status, clean(p.prop.By))
		if p.reject {
			text = fmt.Sprintf("Session #%d is back in the queue: %s's proposal (%s) rejected.", p.sess.Number, clean(p.prop.By), proposalWhat(p.prop))
		} else {
			p.claim.decided() // confirming released the claim
		}
		return tea.Batch(p.c.pop(), cmdOf(changedMsg{}), status(text))
	case tea.KeyMsg:
		if p.busy || p.finished {
			return nil
		}
		return p.handleKey(msg, p.check, p.settle)
	}
	return nil
}

func (p *settlePage) verb() string {
	if p.reject {
		return "rejecting the proposal"
	}
	return "confirming the proposal"
}

// check is what the note must be before the confirmation: domain's rules,
// checked here so the dialog can say so before it asks to confirm.
func (p *settlePage) check(note string) string {
	validate := domain.ValidateReviewComment
	if p.reject {
		validate = domain.ValidateRejection
	}
	if err := validate(note); err != nil {
		return p.c.explain(p.verb(), err)
	}
	return ""
}

func (p *settlePage) settle(note string) tea.Cmd {
	c, id, reject := p.c, p.sess.ID, p.reject
	return c.run(func(ctx context.Context) tea.Msg {
		var err error
		if reject {
			_, err = c.Svc.RejectProposal(ctx, c.Caller, id, note)
		} else {
			_, err = c.Svc.ConfirmProposal(ctx, c.Caller, id, note)
		}
		if err != nil {
			return settledMsg{page: p, err: err}
		}
		s, err := c.Svc.Session(ctx, c.Caller, id)
		s.Checks = nil
		return settledMsg{page: p, sess: s, err: err}
	})
}

func (p *settlePage) View() string {
	title := "Confirm the decision on " + sessionLabel(p.sess)
	question := fmt.Sprintf("Confirm %s's decision: %s?\nThe case becomes %s; both names go to the audit trail.",
		clean(p.prop.By), proposalWhat(p.prop), domain.StatusOf(p.sess.Kind, p.prop.Decision.Phase))
	if p.reject {
		title = "Reject the proposal on " + sessionLabel(p.sess)
		question = fmt.Sprintf("Reject %s's proposal (%s)?\nThe case stays %s, back in the queue.", clean(p.prop.By),
			proposalWhat(p.prop), p.sess.Status)
	}
	intro := fmt.Sprintf("%s proposed %s at %s.", clean(p.prop.By), proposalWhat(p.prop), p.c.stamp(p.prop.At))
	return p.view(title, intro, clean(p.prop.Decision.Note), question)
}
