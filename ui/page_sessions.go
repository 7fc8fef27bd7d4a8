package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// Sessions are read from the database a page at a time, by keyset on the
// session number: opening the tab and scrolling cost the same with a
// thousand sessions or a million.
const (
	sessionsPageSize = 100
	// prefetchRows: the next page is asked for when the cursor comes this
	// close to the last row held.
	prefetchRows = 30
	// refreshRows bounds what a live refresh reads again: the newest rows,
	// up to as many as were loaded. Rows further down are kept as they
	// were (new sessions arrive on top).
	refreshRows = 500
)

// sessionFilter narrows the Sessions tab. Written as text it is the
// filter prompt's syntax: "status:declined kind:kyb harbor".
type sessionFilter struct {
	search string
	phase  domain.Phase
	kind   domain.Kind
}

func (f sessionFilter) empty() bool { return f == sessionFilter{} }

func (f sessionFilter) String() string {
	var parts []string
	if f.phase != 0 {
		parts = append(parts, "status:"+phaseWord(f.phase))
	}
	if f.kind != "" {
		parts = append(parts, "kind:"+strings.ToLower(f.kind.Label()))
	}
	if f.search != "" {
		parts = append(parts, f.search)
	}
	return strings.Join(parts, " ")
}

func phaseWord(p domain.Phase) string {
	switch p {
	case domain.PhaseApproved:
		return "approved"
	case domain.PhaseDeclined:
		return "declined"
	case domain.PhaseInReview:
		return "review"
	}
	return "any"
}

// parseFilter reads the filter prompt. Words "status:…" and "kind:…" set
// those filters; the rest is searched in vendor_data and the session id.
func parseFilter(s string) (sessionFilter, error) {
	var f sessionFilter
	var rest []string
	for _, w := range strings.Fields(s) {
		name, val, ok := strings.Cut(w, ":")
		switch {
		case ok && strings.EqualFold(name, "status"):
			switch strings.ToLower(strings.ReplaceAll(val, "_", "")) {
			case "approved":
				f.phase = domain.PhaseApproved
			case "declined":
				f.phase = domain.PhaseDeclined
			case "review", "inreview":
				f.phase = domain.PhaseInReview
			case "any", "":
			default:
				return f, fmt.Errorf("status:%s — use status:approved, status:declined or status:review", val)
			}
		case ok && strings.EqualFold(name, "kind"):
			switch strings.ToLower(val) {
			case "kyc", "user":
				f.kind = domain.KindUser
			case "kyb", "business":
				f.kind = domain.KindBusiness
			case "any", "":
			default:
				return f, fmt.Errorf("kind:%s — use kind:kyc or kind:kyb", val)
			}
		default:
			rest = append(rest, w)
		}
	}
	f.search = strings.Join(rest, " ")
	return f, nil
}

type sessionsTab struct {
	liveState
	c          *Common
	table      *widget.Table
	rows       []domain.Session
	filter     sessionFilter
	input      textinput.Model
	filtering  bool
	inputErr   string
	loading    bool
	refreshing bool  // a live refresh is in flight
	fetching   int64 // the page being read: rows before this number (0: the first)
	ready      bool  // the first answer came
	done       bool  // the last page has been read
	w, h       int
}

type sessionsMsg struct {
	gen     int
	before  int64
	rows    []domain.Session
	err     error
	refresh int // a live refresh of the newest rows, read this many at most
}

func newSessionsTab(c *Common) *sessionsTab {
	t := &sessionsTab{c: c, input: c.newInput("/ ", "vendor_data, session id, status:declined, kind:kyb", 200)}
	t.table = widget.NewTable([]widget.Column{
		{Title: "#", Width: 7, Right: true},
		{Title: "kind", Width: 4},
		{Title: "status", Width: 11},
		{Title: "vendor_data", Width: 12, Flex: 1},
		{Title: "created", Width: 16},
		{Title: "source", Width: 8},
	}, c.Styles.Table)
	t.table.Empty = "no finished sessions"
	return t
}

func (t *sessionsTab) Title() string   { return "Sessions" }
func (t *sessionsTab) Capturing() bool { return t.filtering }
func (t *sessionsTab) Loading() bool   { return t.loading }
func (t *sessionsTab) Init() tea.Cmd   { return t.Activate() }

func (t *sessionsTab) awaitingData() bool { return t.loading && !t.ready }

func (t *sessionsTab) Activate() tea.Cmd { return t.activate(t.reload, t.refresh) }

func (t *sessionsTab) Refresh(set *changeSet, shown bool) tea.Cmd {
	return t.onChange(set, shown, sessionChanges, t.refresh)
}

// refresh reads the newest rows again, as many as are loaded (up to
// refreshRows), without moving the analyst: the cursor stays on its
// session and the rows further down stay loaded.
func (t *sessionsTab) refresh() tea.Cmd {
	if t.loading && t.fetching == 0 {
		return nil // the first page is on its way, fresh
	}
	gen := t.bump() // a page in flight is dropped; it is asked for again after
	t.refreshing, t.loading = true, false
	n := min(max(len(t.rows), sessionsPageSize), refreshRows)
	c, f := t.c, t.filter
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.FinishedSessions(ctx, c.Caller, review.SessionQuery{Search: f.search, Phase: f.phase,
			Kind: f.kind, Limit: n})
		return sessionsMsg{gen: gen, rows: rows, err: err, refresh: n}
	})
}

func (t *sessionsTab) SetSize(w, h int) {
	t.w, t.h = w, h
	t.table.SetSize(w, h-1)
	t.input.Width = max(w-4, 10)
}

func (t *sessionsTab) Help() ([]key.Binding, [][]key.Binding) {
	k := t.c.Keys
	if t.filtering {
		apply := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter"))
		cancel := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
		return []key.Binding{apply, cancel}, [][]key.Binding{{apply, cancel}}
	}
	return []key.Binding{k.Open, k.Share, k.Filter, k.Status, k.Kind, k.SwitchApp},
		[][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
			{k.Open, k.Share, k.Refresh},
			{k.Filter, k.Status, k.Kind, k.Back}}
}

// reload starts again from the newest session with the current filter.
func (t *sessionsTab) reload() tea.Cmd {
	t.bump()
	t.done, t.refreshing = false, false
	return t.fetch(0)
}

func (t *sessionsTab) fetch(before int64) tea.Cmd {
	t.loading, t.fetching = true, before
	c, gen, f := t.c, t.gen, t.filter
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.FinishedSessions(ctx, c.Caller, review.SessionQuery{Search: f.search, Phase: f.phase,
			Kind: f.kind, Before: before, Limit: sessionsPageSize})
		return sessionsMsg{gen: gen, before: before, rows: rows, err: err}
	})
}

// more asks for the next page when the cursor nears the end of what is held.
func (t *sessionsTab) more() tea.Cmd {
	if t.loading || t.refreshing || t.done || len(t.rows) == 0 || t.table.Cursor() < len(t.rows)-prefetchRows {
		return nil
	}
	return t.fetch(t.rows[len(t.rows)-1].Number)
}

func (t *sessionsTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sessionsMsg:
		return t.handleRows(msg)
	case changedMsg:
		t.stale = true
		return nil
	case tea.KeyMsg:
		if t.filtering {
			return t.handleFilterKey(msg)
		}
		return t.handleKey(msg)
	}
	return nil
}

func (t *sessionsTab) handleRows(msg sessionsMsg) tea.Cmd {
	if msg.gen != t.gen {
		return nil
	}
	t.ready = true
	if msg.refresh > 0 {
		return t.handleRefresh(msg)
	}
	t.loading = false
	if msg.err != nil {
		return t.c.failure("loading sessions", msg.err)
	}
	if msg.before == 0 {
		t.rows = nil
		t.table.SetRows(nil)
		t.table.Top()
	}
	t.rows = append(t.rows, msg.rows...)
	t.table.AppendRows(t.tableRows(msg.rows))
	t.done = len(msg.rows) < sessionsPageSize
	return t.more()
}

// handleRefresh puts the newest rows in place of the old ones, keeps the
// rows below them, and the cursor on the session it was on.
func (t *sessionsTab) handleRefresh(msg sessionsMsg) tea.Cmd {
	t.refreshing = false
	if msg.err != nil {
		return t.c.failure("refreshing sessions", msg.err)
	}
	rows := msg.rows
	if len(rows) < msg.refresh {
		t.done = true // the newest rows are all the rows
	} else if len(rows) > 0 {
		last := rows[len(rows)-1].Number
		kept := 0
		for _, r := range t.rows {
			if r.Number < last {
				rows = append(rows, r)
				kept++
			}
		}
		if kept == 0 {
			t.done = false
		}
	}
	from := t.table.Cursor()
	to := from
	if sel, ok := t.selected(); ok {
		to = indexOf(rows, func(s domain.Session) bool { return s.ID == sel.ID }, from)
	}
	t.rows = rows
	t.table.SetRows(t.tableRows(rows))
	t.table.Follow(from, to)
	return t.more()
}

// indexOf is the index of the first element that matches, else def.
func indexOf[T any](xs []T, match func(T) bool, def int) int {
	for i, x := range xs {
		if match(x) {
			return i
		}
	}
	return def
}

func (t *sessionsTab) tableRows(rows []domain.Session) []widget.Row {
	st := t.c.Styles
	out := make([]widget.Row, len(rows))
	for i, s := range rows {
		src := ""
		if s.Imported() {
			src = "imported"
		}
		out[i] = widget.Row{
			Cells:  []string{fmt.Sprint(s.Number), s.Kind.Label(), string(s.Status), s.VendorData, t.c.stamp(s.CreatedAt), src},
			Styles: []lipgloss.Style{st.Plain, st.Muted, st.ForStatus(s.Status), st.Plain, st.Muted, st.Accent},
		}
	}
	return out
}

func (t *sessionsTab) selected() (domain.Session, bool) {
	if len(t.rows) == 0 {
		return domain.Session{}, false
	}
	return t.rows[t.table.Cursor()], true
}

func (t *sessionsTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys
	if navigate(t.table, k, msg) {
		return t.more()
	}
	switch {
	case key.Matches(msg, k.Open):
		if s, ok := t.selected(); ok {
			return t.c.push(newDetailPage(t.c, s))
		}
	case key.Matches(msg, k.Share):
		if s, ok := t.selected(); ok {
			return shareSession(t.c, s)
		}
	case key.Matches(msg, k.Filter):
		t.filtering, t.inputErr = true, ""
		t.input.SetValue(t.filter.String())
		t.input.CursorEnd()
		return t.input.Focus()
	case key.Matches(msg, k.Status):
		t.filter.phase = map[domain.Phase]domain.Phase{0: domain.PhaseApproved, domain.PhaseApproved: domain.PhaseDeclined,
			domain.PhaseDeclined: domain.PhaseInReview, domain.PhaseInReview: 0}[t.filter.phase]
		return t.reload()
	case key.Matches(msg, k.Kind):
		t.filter.kind = map[domain.Kind]domain.Kind{"": domain.KindUser, domain.KindUser: domain.KindBusiness,
			domain.KindBusiness: ""}[t.filter.kind]
		return t.reload()
	case key.Matches(msg, k.Refresh):
		return t.reload()
	case key.Matches(msg, k.Back):
		if !t.filter.empty() {
			t.filter = sessionFilter{}
			return t.reload()
		}
	}
	return nil
}

func (t *sessionsTab) handleFilterKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.filtering, t.inputErr = false, ""
		t.input.Blur()
		return nil
	case "enter":
		f, err := parseFilter(t.input.Value())
		if err != nil {
			t.inputErr = err.Error()
			return nil
		}
		t.filtering, t.inputErr = false, ""
		t.input.Blur()
		t.filter = f
		return t.reload()
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

func (t *sessionsTab) View() string {
	return t.infoLine() + "\n" + t.table.View()
}

func (t *sessionsTab) infoLine() string {
	st := t.c.Styles
	if t.filtering {
		line := t.input.View()
		if t.inputErr != "" {
			line += "  " + st.Error.Render(t.inputErr)
		}
		return line
	}
	info := fmt.Sprintf("%d loaded", len(t.rows))
	if !t.done {
		info += ", more below"
	}
	left := st.Section.Render("Finished sessions") + st.Muted.Render(" · newest first · "+info)
	right := ""
	if !t.filter.empty() {
		left = st.Section.Render("Finished sessions") + st.Muted.Render(" · "+info)
		right = st.Muted.Render("filter ") + st.Accent.Render(t.filter.String()) + st.Muted.Render(" (esc clears)")
	}
	return joinEnds(left, right, t.w)
}

// navigate moves a table's cursor for the list keys; false when msg is
// not one of them.
func navigate(tb *widget.Table, k *KeyMap, msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, k.Up):
		tb.Move(-1)
	case key.Matches(msg, k.Down):
		tb.Move(1)
	case key.Matches(msg, k.PageUp):
		tb.Move(-tb.PageSize())
	case key.Matches(msg, k.PageDown):
		tb.Move(tb.PageSize())
	case key.Matches(msg, k.Top):
		tb.Top()
	case key.Matches(msg, k.Bottom):
		tb.Bottom()
	default:
		return false
	}
	return true
}

// shareSession opens the share dialog, or says why the session cannot be
// shared.
func shareSession(c *Common, s domain.Session) tea.Cmd {
	if !s.Status.Finished() {
		return cmdOf(statusMsg{text: fmt.Sprintf("Only finished sessions can be shared (this one is %s).", s.Status), err: true})
	}
	return c.push(newSharePage(c, s))
}
