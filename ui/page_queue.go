package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

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
	liveState
	c         *Common
	table     *widget.Table
	all       []domain.Session
	rows      []domain.Session // all, narrowed by the filter
	claims    map[uuid.UUID]review.ClaimInfo
	filter    string
	input     textinput.Model
	filtering bool
	loading   bool
	ready     bool // the first answer came
	ages      int  // the chain of queueAgeMsg that counts
	w, h      int
}

// queueAgeMsg redraws the waiting times while the queue shows.
type queueAgeMsg struct{ n int }

func (queueAgeMsg) shownOnly() {}

// ageEvery is how often the shown queue's waiting times are redrawn.
const ageEvery = 30 * time.Second

type queueMsg struct {
	gen    int
	rows   []domain.Session
	claims map[uuid.UUID]review.ClaimInfo
	err    error
}

func newQueueTab(c *Common) *queueTab {
	t := &queueTab{c: c, input: c.newInput("/ ", "vendor_data or session id", 100)}
	t.table = widget.NewTable([]widget.Column{
		{Title: "#", Width: 7, Right: true},
		{Title: "kind", Width: 4},
		{Title: "vendor_data", Width: 12, Flex: 1},
		{Title: "claim", Width: 16},
		{Title: "imported", Width: 16},
		{Title: "waiting", Width: 8, Right: true},
		{Title: "status", Width: 11}, // the first to go on a narrow screen
	}, c.Styles.Table)
	t.table.Empty = "the queue is empty: nothing imported is waiting for review"
	return t
}

func (t *queueTab) Title() string   { return "Imports queue" }
func (t *queueTab) Capturing() bool { return t.filtering }
func (t *queueTab) Loading() bool   { return t.loading }
func (t *queueTab) Init() tea.Cmd   { return t.Activate() }

func (t *queueTab) awaitingData() bool { return t.loading && !t.ready }

// Activate reloads every time the tab is shown: the queue is what the
// analyst works from, so it is always fresh.
func (t *queueTab) Activate() tea.Cmd {
	t.ages++
	return tea.Batch(t.load(true), t.c.tick(ageEvery, queueAgeMsg{t.ages}))
}

// Refresh reloads the shown queue, quietly, when cases or claims changed.
func (t *queueTab) Refresh(set *changeSet, shown bool) tea.Cmd {
	return t.onChange(set, shown, queueChanges, func() tea.Cmd { return t.load(false) })
}

func (t *queueTab) SetSize(w, h int) {
	t.w, t.h = w, h
	t.table.SetSize(w, h-1)
	t.input.Width = max(w-4, 10)
}

func (t *queueTab) Help() ([]key.Binding, [][]key.Binding) {
	k := t.c.Keys
	if t.filtering {
		return filterHelp()
	}
	return []key.Binding{k.Open, k.Next, k.Approve, k.Decline, k.Import, k.Filter},
		[][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
			{k.Open, k.Next, k.Approve, k.Decline, k.Import, k.Refresh}, {k.Filter, k.Back}}
}

func filterHelp() ([]key.Binding, [][]key.Binding) {
	apply := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter"))
	cancel := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return []key.Binding{apply, cancel}, [][]key.Binding{{apply, cancel}}
}

func (t *queueTab) reload() tea.Cmd { return t.load(true) }

// load reads the queue and its claims; spin shows the spinner (a reload
// the analyst asked for, not a live refresh).
func (t *queueTab) load(spin bool) tea.Cmd {
	gen := t.bump()
	t.loading = t.loading || spin
	c := t.c
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.Queue(ctx, c.Caller, queueLimit)
		if err != nil {
			return queueMsg{gen: gen, err: err}
		}
		claims, err := c.Svc.Claims(ctx, c.Caller)
		return queueMsg{gen: gen, rows: rows, claims: claims, err: err}
	})
}

func (t *queueTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case queueMsg:
		if msg.gen != t.gen {
			return nil
		}
		t.loading, t.ready = false, true
		if msg.err != nil {
			return t.c.failure("loading the queue", msg.err)
		}
		t.all, t.claims = msg.rows, msg.claims
		t.apply()
		return nil
	case queueAgeMsg:
		if msg.n != t.ages {
			return nil
		}
		t.apply()
		return t.c.tick(ageEvery, queueAgeMsg{t.ages})
	case changedMsg:
		return t.reload()
	case tea.KeyMsg:
		if t.filtering {
			return t.handleFilterKey(msg)
		}
		return t.handleKey(msg)
	}
	return nil
}

// apply narrows the held queue by the filter, keeping the cursor's case.
func (t *queueTab) apply() {
	var keep domain.Session
	from := t.table.Cursor()
	cursor := from // where the cursor stays when its case left
	if len(t.rows) > 0 {
		keep = t.rows[cursor]
	}
	t.rows = t.rows[:0]
	f := strings.ToLower(t.filter)
	for _, s := range t.all {
		if f == "" || strings.Contains(strings.ToLower(s.VendorData), f) || strings.HasPrefix(s.ID.String(), f) ||
			fmt.Sprint(s.Number) == strings.TrimPrefix(f, "#") {
			t.rows = append(t.rows, s)
		}
	}
	st, now := t.c.Styles, t.c.Now()
	rows := make([]widget.Row, len(t.rows))
	for i, s := range t.rows {
		if s.ID == keep.ID {
			cursor = i
		}
		wait := now.Sub(s.CreatedAt)
		waitStyle := st.Muted
		if wait > 24*time.Hour {
			waitStyle = st.Warning
		}
		claim, claimStyle, vendorStyle := t.claimLabel(s.ID)
		rows[i] = widget.Row{
			Cells:  []string{fmt.Sprint(s.Number), s.Kind.Label(), s.VendorData, claim, t.c.stamp(s.CreatedAt), age(wait), string(s.Status)},
			Styles: []lipgloss.Style{st.Plain, st.Muted, vendorStyle, claimStyle, st.Muted, waitStyle, st.ForStatus(s.Status)},
		}
	}
	t.table.SetRows(rows)
	t.table.Follow(from, cursor)
}

// claimLabel says who holds a case: nobody, the analyst, or someone else
// (whose cases are muted: they are not this analyst's to decide).
func (t *queueTab) claimLabel(id uuid.UUID) (string, lipgloss.Style, lipgloss.Style) {
	st := t.c.Styles
	cl, ok := t.claims[id]
	switch {
	case !ok:
		return "", st.Muted, st.Plain
	case cl.Analyst == t.c.Caller.Analyst:
		return "yours", st.OK, st.Plain
	}
	return "claimed by " + clean(cl.Analyst), st.Warning, st.Muted
}

// heldByOther is the claim another analyst holds on the case, if any.
func (t *queueTab) heldByOther(id uuid.UUID) (review.ClaimInfo, bool) {
	cl, ok := t.claims[id]
	if !ok || cl.Analyst == t.c.Caller.Analyst || !cl.ExpiresAt.After(t.c.Now()) {
		return review.ClaimInfo{}, false
	}
	return cl, true
}

func (t *queueTab) selected() (domain.Session, bool) {
	if len(t.rows) == 0 {
		return domain.Session{}, false
	}
	return t.rows[t.table.Cursor()], true
}

func (t *queueTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys
	if navigate(t.table, k, msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if s, ok := t.selected(); ok {
			return t.c.push(newDetailPage(t.c, s))
		}
	case key.Matches(msg, k.Next):
		return t.c.push(newNextCasePage(t.c, nil))
	case key.Matches(msg, k.Approve), key.Matches(msg, k.Decline):
		s, ok := t.selected()
		if !ok {
			return nil
		}
		if cl, other := t.heldByOther(s.ID); other {
			return cmdOf(statusMsg{text: fmt.Sprintf("Case #%d is claimed by %s until %s; only they can decide it now.",
				s.Number, clean(cl.Analyst), t.c.clock(cl.ExpiresAt)), err: true})
		}
		return t.c.push(newDecidePage(t.c, s, key.Matches(msg, k.Decline)))
	case key.Matches(msg, k.Import):
		return t.c.push(newImportPage(t.c))
	case key.Matches(msg, k.Filter):
		t.filtering = true
		t.input.SetValue(t.filter)
		t.input.CursorEnd()
		return t.input.Focus()
	case key.Matches(msg, k.Refresh):
		return t.reload()
	case key.Matches(msg, k.Back):
		if t.filter != "" {
			t.filter = ""
			t.apply()
		}
	}
	return nil
}

func (t *queueTab) handleFilterKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc", "enter":
		t.filtering = false
		t.input.Blur()
		if msg.String() == "enter" {
			t.filter = strings.TrimSpace(t.input.Value())
			t.apply()
		}
		return nil
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

func (t *queueTab) View() string {
	st := t.c.Styles
	var info string
	if t.filtering {
		info = t.input.View()
	} else {
		left := st.Section.Render("Waiting for review") + st.Muted.Render(" · oldest first · "+plural(len(t.rows), "case"))
		right := st.Muted.Render("n next unclaimed · i import a token")
		if t.filter != "" {
			right = st.Muted.Render("filter ") + st.Accent.Render(t.filter) + st.Muted.Render(" (esc clears)")
		}
		info = joinEnds(left, right, t.w)
	}
	return info + "\n" + t.table.View()
}
