package ui

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// queueLimit bounds the imports queue read at once; a queue longer than
// this is a staffing problem, and the header shows the true count.
const queueLimit = 500

// queueTab is the imports queue as a work list (review.WorkList): each
// case waiting In Review with its findings, the issuer's status, how long
// it has waited against the application's review service level, who holds
// it and the decision awaiting a second review on it. Decisions awaiting
// this analyst's second review come first, then the oldest; o and r sort
// by waiting time or by findings instead.
type queueTab struct {
	listTab[review.QueueCase]
	ages  int // the chain of queueAgeMsg that counts
	order queueOrder
}

// queueOrder is how the work list is sorted.
type queueOrder int

const (
	orderDefault  queueOrder = iota // second reviews awaiting me first, then the oldest
	orderWaiting                    // the longest waiting first
	orderFindings                   // the worst findings first, then the most
)

// queueAgeMsg redraws the waiting times while the queue shows.
type queueAgeMsg struct{ n int }

func (queueAgeMsg) shownOnly() {}

// ageEvery is how often the shown queue's waiting times are redrawn.
const ageEvery = 30 * time.Second

func newQueueTab(c *Common) *queueTab {
	t := &queueTab{}
	t.listTab = listTab[review.QueueCase]{c: c, changes: queueChanges, handle: t.handle}
	cfg := listConfig[review.QueueCase](c, "the queue")
	cfg.Keys.Refresh = c.Keys.Queue.Refresh // r sorts by findings here
	cfg.Columns = []widget.Column{
		// What an analyst chooses a case by (number, vendor_data, findings,
		// waiting) stays longest on a narrow screen; empty columns go first.
		{Title: "#", Width: 6, Right: true, Keep: 4},
		{Title: "kind", Width: 4, Keep: 1},
		{Title: "vendor_data", Width: 20, Flex: 1, Keep: 4},
		{Title: "findings", Width: 8, Keep: 3},
		{Title: "issuer", Width: 9, Keep: 2},
		{Title: "second review", Width: 20, Keep: 3},
		{Title: "claim", Width: 16, Keep: 1},
		{Title: "imported", Width: 16},
		{Title: "waiting", Width: 8, Right: true, Keep: 4},
	}
	cfg.Empty = "the queue is empty: nothing imported is waiting for review"
	cfg.Input = c.newInput("/ ", "vendor_data or session id", 100)
	cfg.Read = func(widget.Query) func(context.Context) ([]review.QueueCase, error) {
		return func(ctx context.Context) ([]review.QueueCase, error) {
			return c.Svc.WorkList(ctx, c.Caller, queueLimit)
		}
	}
	cfg.Drawer = t.drawer
	cfg.Same = func(a, b review.QueueCase) bool { return a.ID == b.ID }
	cfg.PageSize = queueLimit
	cfg.Match = func(s review.QueueCase, filter string) bool {
		f := strings.ToLower(filter)
		return strings.Contains(strings.ToLower(s.VendorData), f) || strings.HasPrefix(s.ID.String(), f) ||
			fmt.Sprint(s.Number) == strings.TrimPrefix(f, "#")
	}
	t.list = widget.NewListing(cfg)
	t.list.SetOrder(t.awaitingMeFirst)
	return t
}

func (t *queueTab) Title() string { return "Imports queue" }
func (t *queueTab) Init() tea.Cmd { return t.Activate() }

// Activate reloads every time the tab is shown: the queue is what the
// analyst works from, so it is always fresh.
func (t *queueTab) Activate() tea.Cmd {
	t.ages++
	return tea.Batch(t.list.Reload(), t.c.tick(ageEvery, queueAgeMsg{t.ages}))
}

func (t *queueTab) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case queueAgeMsg:
		if msg.n != t.ages {
			return nil
		}
		t.list.Redraw()
		return t.c.tick(ageEvery, queueAgeMsg{t.ages})
	case settingsMsg: // the service level colours the waiting times
		t.list.Redraw()
	case changedMsg:
		return t.list.Reload()
	case tea.KeyMsg:
		return t.handleKey(msg)
	}
	return nil
}

// awaitingMine: a decision someone else proposed, which this analyst can
// confirm or reject.
func (t *queueTab) awaitingMine(s review.QueueCase) bool {
	return s.Proposal != nil && s.Proposal.Proposer != t.c.Caller.Actor()
}

func (t *queueTab) awaitingMeFirst(a, b review.QueueCase) int {
	return boolOrder(t.awaitingMine(a), t.awaitingMine(b))
}

// byFindings puts the worst findings first, then the most.
func byFindings(a, b review.QueueCase) int {
	wa, _ := domain.Worst(a.Findings)
	wb, _ := domain.Worst(b.Findings)
	return cmp.Or(cmp.Compare(wb.Rank(), wa.Rank()), cmp.Compare(len(b.Findings), len(a.Findings)))
}

// byWaiting puts the longest waiting first.
func byWaiting(a, b review.QueueCase) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Number, b.Number))
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// sortBy sorts by o, or back to the default when it already is.
func (t *queueTab) sortBy(o queueOrder) {
	if t.order == o {
		o = orderDefault
	}
	t.order = o
	switch o {
	case orderWaiting:
		t.list.SetOrder(byWaiting)
	case orderFindings:
		t.list.SetOrder(byFindings)
	default:
		t.list.SetOrder(t.awaitingMeFirst)
	}
}

func (t *queueTab) orderLabel() string {
	switch t.order {
	case orderWaiting:
		return "longest waiting first"
	case orderFindings:
		return "worst findings first"
	}
	return "second reviews first"
}

// drawer draws the cases as they wait now.
func (t *queueTab) drawer() func(review.QueueCase) widget.Row {
	st, now, sla := t.c.Styles, t.c.Now(), t.c.Settings
	return func(s review.QueueCase) widget.Row {
		wait := now.Sub(s.CreatedAt)
		waitStyle := st.Plain
		switch sla.SLAOf(wait) {
		case domain.SLANear:
			waitStyle = st.Warning
		case domain.SLAOverdue:
			waitStyle = st.Error
		}
		found, foundStyle := t.findingsLabel(s)
		second, secondStyle := t.proposalLabel(s)
		claim, claimStyle, vendorStyle := t.claimLabel(s)
		issuer := string(s.SourceStatus)
		return widget.Row{
			Cells: []string{fmt.Sprint(s.Number), s.Kind.Label(), s.VendorData, found, issuer, second, claim,
				t.c.stamp(s.CreatedAt), age(wait)},
			Styles: []lipgloss.Style{st.Plain, st.Muted, vendorStyle, foundStyle, st.ForStatus(s.SourceStatus),
				secondStyle, claimStyle, st.Muted, waitStyle},
		}
	}
}

// findingsLabel is a case's findings as the work list shows them: how
// many, and the worst in words (so it reads without colour too).
func (t *queueTab) findingsLabel(s review.QueueCase) (string, lipgloss.Style) {
	st := t.c.Styles
	worst, ok := domain.Worst(s.Findings)
	switch {
	case !ok:
		return "", st.Muted
	case worst == domain.SeverityCritical:
		return fmt.Sprintf("%d crit", len(s.Findings)), st.Error
	case worst == domain.SeverityWarning:
		return fmt.Sprintf("%d warn", len(s.Findings)), st.Warning
	}
	return fmt.Sprintf("%d info", len(s.Findings)), st.Muted
}

// proposalLabel marks a decision awaiting a second review: one this
// analyst may confirm, or their own, waiting for someone else.
func (t *queueTab) proposalLabel(s review.QueueCase) (string, lipgloss.Style) {
	st := t.c.Styles
	p := s.Proposal
	if p == nil {
		return "", st.Muted
	}
	what := "approve"
	if p.Decision.Phase == domain.PhaseDeclined {
		what = "decline"
	}
	if !t.awaitingMine(s) {
		return "⚑ yours: " + what, st.Muted
	}
	return "⚑ " + what + " by " + clean(p.By), st.Review
}

// claimLabel says who holds a case: nobody, the analyst, or someone else
// (whose cases are muted: they are not this analyst's to decide).
func (t *queueTab) claimLabel(s review.QueueCase) (string, lipgloss.Style, lipgloss.Style) {
	st := t.c.Styles
	switch cl := s.Claim; {
	case cl == nil:
		return "", st.Muted, st.Plain
	case cl.Analyst == t.c.Caller.Analyst:
		return "yours", st.OK, st.Plain
	default:
		return "claimed by " + clean(cl.Analyst), st.Warning, st.Muted
	}
}

// heldByOther is the claim another analyst holds on the case, if any.
func (t *queueTab) heldByOther(s review.QueueCase) (review.ClaimInfo, bool) {
	cl := s.Claim
	if cl == nil || cl.Analyst == t.c.Caller.Analyst || !cl.ExpiresAt.After(t.c.Now()) {
		return review.ClaimInfo{}, false
	}
	return *cl, true
}

// Help lists the keys that work on the case selected: a/d on a case
// nobody else holds and nobody has proposed a decision on, y/R on a
// decision someone else proposed (never on the analyst's own).
func (t *queueTab) Help() ([]key.Binding, [][]key.Binding) {
	if t.list.Filtering() {
		return t.listTab.Help()
	}
	k, l := t.c.Keys.Queue, t.c.Keys.List
	var acts []key.Binding
	if s, ok := t.list.Selected(); ok {
		_, other := t.heldByOther(s)
		switch {
		case t.awaitingMine(s) && !other:
			acts = append(acts, k.Confirm, k.Reject)
		case s.Proposal == nil && !other:
			acts = append(acts, k.Approve, k.Decline)
		}
	}
	short := append([]key.Binding{k.Open, k.Next}, acts...)
	short = append(short, k.SortWait, k.SortFindings, k.Import, l.Filter)
	return short, [][]key.Binding{scrollGroup(l.ScrollKeys), append(append([]key.Binding{k.Open, k.Next}, acts...), k.Import, k.Refresh),
		{k.SortWait, k.SortFindings, l.Filter, l.Clear}}
}

func (t *queueTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys.Queue
	switch {
	case key.Matches(msg, k.Open):
		if s, ok := t.list.Selected(); ok {
			return t.c.push(newDetailPage(t.c, s.Session))
		}
	case key.Matches(msg, k.Next):
		return t.c.push(newNextCasePage(t.c, nil))
	case key.Matches(msg, k.SortWait):
		t.sortBy(orderWaiting)
	case key.Matches(msg, k.SortFindings):
		t.sortBy(orderFindings)
	case isCaseAct(msg, k.Approve, k.Decline, k.Confirm, k.Reject):
		s, ok := t.list.Selected()
		if !ok {
			return nil
		}
		if cl, other := t.heldByOther(s); other {
			return cmdOf(statusMsg{text: fmt.Sprintf("Case #%d is claimed by %s until %s; only they can decide it now.",
				s.Number, clean(cl.Analyst), t.c.clock(cl.ExpiresAt)), err: true})
		}
		act, _ := caseActOf(msg, k.Approve, k.Decline, k.Confirm, k.Reject)
		return decideOrSettle(t.c, s.Session, s.Proposal, act, nil)
	case key.Matches(msg, k.Import):
		return t.c.push(newImportPage(t.c))
	}
	return nil
}

func (t *queueTab) View() string {
	st := t.c.Styles
	left := st.Section.Render("Waiting for review") + st.Muted.Render(" · "+t.orderLabel()+" · "+plural(len(t.list.Items()), "case"))
	return t.list.View(left, st.Muted.Render("n next case · i import"))
}
