package ui

import (
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

// queueTab lists imported sessions waiting In Review, oldest first, with
// who holds each (review.Claims).
type queueTab struct {
	listTab[queueCase]
	ages int // the chain of queueAgeMsg that counts
}

// queueCase is a case in the queue and the claim on it, if any.
type queueCase struct {
	domain.Session
	claim   review.ClaimInfo
	claimed bool
}

// queueAgeMsg redraws the waiting times while the queue shows.
type queueAgeMsg struct{ n int }

func (queueAgeMsg) shownOnly() {}

// ageEvery is how often the shown queue's waiting times are redrawn.
const ageEvery = 30 * time.Second

func newQueueTab(c *Common) *queueTab {
	t := &queueTab{}
	t.listTab = listTab[queueCase]{c: c, changes: queueChanges, handle: t.handle}
	t.short, t.full = c.Keys.Queue.help(c.Keys.List)
	cfg := listConfig[queueCase](c, "the queue")
	cfg.Columns = []widget.Column{
		// What an analyst chooses a case by (number, vendor_data, waiting)
		// stays longest on a narrow screen; an empty claim column goes first.
		{Title: "#", Width: 7, Right: true, Keep: 3},
		{Title: "kind", Width: 4, Keep: 1},
		{Title: "vendor_data", Width: 12, Flex: 1, Keep: 3},
		{Title: "claim", Width: 16, Keep: 1},
		{Title: "imported", Width: 16},
		{Title: "waiting", Width: 8, Right: true, Keep: 2},
		{Title: "status", Width: 11},
	}
	cfg.Empty = "the queue is empty: nothing imported is waiting for review"
	cfg.Input = c.newInput("/ ", "vendor_data or session id", 100)
	cfg.Read = func(widget.Query) func(context.Context) ([]queueCase, error) {
		return func(ctx context.Context) ([]queueCase, error) { return readQueue(ctx, c) }
	}
	cfg.Drawer = t.drawer
	cfg.Same = func(a, b queueCase) bool { return a.ID == b.ID }
	cfg.PageSize = queueLimit
	cfg.Match = func(s queueCase, filter string) bool {
		f := strings.ToLower(filter)
		return strings.Contains(strings.ToLower(s.VendorData), f) || strings.HasPrefix(s.ID.String(), f) ||
			fmt.Sprint(s.Number) == strings.TrimPrefix(f, "#")
	}
	t.list = widget.NewListing(cfg)
	return t
}

// readQueue reads the queue and the claims on it.
func readQueue(ctx context.Context, c *Common) ([]queueCase, error) {
	rows, err := c.Svc.Queue(ctx, c.Caller, queueLimit)
	if err != nil {
		return nil, err
	}
	claims, err := c.Svc.Claims(ctx, c.Caller)
	if err != nil {
		return nil, err
	}
	out := make([]queueCase, len(rows))
	for i, s := range rows {
		cl, ok := claims[s.ID]
		out[i] = queueCase{Session: s, claim: cl, claimed: ok}
	}
	return out, nil
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
	case changedMsg:
		return t.list.Reload()
	case tea.KeyMsg:
		return t.handleKey(msg)
	}
	return nil
}

// drawer draws the cases as they wait now.
func (t *queueTab) drawer() func(queueCase) widget.Row {
	st, now := t.c.Styles, t.c.Now()
	return func(s queueCase) widget.Row {
		wait := now.Sub(s.CreatedAt)
		waitStyle := st.Muted
		if wait > 24*time.Hour {
			waitStyle = st.Warning
		}
		claim, claimStyle, vendorStyle := t.claimLabel(s)
		return widget.Row{
			Cells:  []string{fmt.Sprint(s.Number), s.Kind.Label(), s.VendorData, claim, t.c.stamp(s.CreatedAt), age(wait), string(s.Status)},
			Styles: []lipgloss.Style{st.Plain, st.Muted, vendorStyle, claimStyle, st.Muted, waitStyle, st.ForStatus(s.Status)},
		}
	}
}

// claimLabel says who holds a case: nobody, the analyst, or someone else
// (whose cases are muted: they are not this analyst's to decide).
func (t *queueTab) claimLabel(s queueCase) (string, lipgloss.Style, lipgloss.Style) {
	st := t.c.Styles
	cl := s.claim
	switch {
	case !s.claimed:
		return "", st.Muted, st.Plain
	case cl.Analyst == t.c.Caller.Analyst:
		return "yours", st.OK, st.Plain
	}
	return "claimed by " + clean(cl.Analyst), st.Warning, st.Muted
}

// heldByOther is the claim another analyst holds on the case, if any.
func (t *queueTab) heldByOther(s queueCase) (review.ClaimInfo, bool) {
	cl := s.claim
	if !s.claimed || cl.Analyst == t.c.Caller.Analyst || !cl.ExpiresAt.After(t.c.Now()) {
		return review.ClaimInfo{}, false
	}
	return cl, true
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
	case key.Matches(msg, k.Approve), key.Matches(msg, k.Decline):
		s, ok := t.list.Selected()
		if !ok {
			return nil
		}
		if cl, other := t.heldByOther(s); other {
			return cmdOf(statusMsg{text: fmt.Sprintf("Case #%d is claimed by %s until %s; only they can decide it now.",
				s.Number, clean(cl.Analyst), t.c.clock(cl.ExpiresAt)), err: true})
		}
		return t.c.push(newDecidePage(t.c, s.Session, key.Matches(msg, k.Decline)))
	case key.Matches(msg, k.Import):
		return t.c.push(newImportPage(t.c))
	}
	return nil
}

func (t *queueTab) View() string {
	st := t.c.Styles
	left := st.Section.Render("Waiting for review") + st.Muted.Render(" · oldest first · "+plural(len(t.list.Items()), "case"))
	return t.list.View(left, st.Muted.Render("n next unclaimed · i import a token"))
}
