package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

const auditPageSize = 100

// auditTab lists this application's audit events, newest first, paged by
// sequence number, with the result of verifying the hash chain on top.
type auditTab struct {
	liveState
	c          *Common
	table      *widget.Table
	rows       []domain.AuditEvent
	search     string
	input      textinput.Model
	filtering  bool
	loading    bool
	refreshing bool // a live refresh is in flight
	fetching   int64
	verifying  bool
	done       bool
	ready      bool
	verifyGen  int
	chain      *review.ChainReport
	chainErr   error
	w, h       int
}

type (
	auditMsg struct {
		gen     int
		before  int64
		rows    []domain.AuditEvent
		err     error
		refresh int // a live refresh of the newest events, this many at most
	}
	chainMsg struct {
		gen    int
		report review.ChainReport
		err    error
	}
)

func newAuditTab(c *Common) *auditTab {
	t := &auditTab{c: c, input: c.newInput("/ ", "action, actor or anything in the details", 100)}
	t.table = widget.NewTable([]widget.Column{
		{Title: "seq", Width: 5, Right: true},
		{Title: "time", Width: 11},
		{Title: "actor", Width: 17, Flex: 1},
		{Title: "action", Width: 22},
		{Title: "details", Width: 10, Flex: 4},
	}, c.Styles.Table)
	t.table.Empty = "no events"
	return t
}

func (t *auditTab) Title() string   { return "Audit" }
func (t *auditTab) Capturing() bool { return t.filtering }
func (t *auditTab) Loading() bool   { return t.loading || t.verifying }
func (t *auditTab) Init() tea.Cmd   { return t.Activate() }

func (t *auditTab) awaitingData() bool { return t.loading && !t.ready }

func (t *auditTab) Activate() tea.Cmd {
	return t.activate(t.reload, func() tea.Cmd { return tea.Batch(t.refresh(), t.verify()) })
}

// Refresh reads the newest events again when the application's data
// changed. The chain is verified again when the tab is next shown or on r,
// not on every change: verifying reads every event.
func (t *auditTab) Refresh(set *changeSet, shown bool) tea.Cmd {
	return t.onChange(set, shown, auditChanges, t.refresh)
}

// refresh reads the newest events again, as many as are loaded (up to
// refreshRows), keeping the cursor on its event and the older ones loaded.
func (t *auditTab) refresh() tea.Cmd {
	if t.loading && t.fetching == 0 {
		return nil // the first page is on its way, fresh
	}
	gen := t.bump()
	t.refreshing, t.loading = true, false
	n := min(max(len(t.rows), auditPageSize), refreshRows)
	c, search := t.c, t.search
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.Audit(ctx, c.Caller.ApplicationID, review.AuditQuery{Search: search, Limit: n})
		return auditMsg{gen: gen, rows: rows, err: err, refresh: n}
	})
}

func (t *auditTab) handleRefresh(msg auditMsg) tea.Cmd {
	t.refreshing = false
	if msg.err != nil {
		return t.c.failure("refreshing the audit trail", msg.err)
	}
	rows := msg.rows
	if len(rows) < msg.refresh {
		t.done = true
	} else if len(rows) > 0 {
		last, kept := rows[len(rows)-1].Seq, 0
		for _, e := range t.rows {
			if e.Seq < last {
				rows = append(rows, e)
				kept++
			}
		}
		if kept == 0 {
			t.done = false
		}
	}
	from := t.table.Cursor()
	to := from
	if from < len(t.rows) {
		seq := t.rows[from].Seq
		to = indexOf(rows, func(e domain.AuditEvent) bool { return e.Seq == seq }, from)
	}
	t.rows = rows
	t.table.SetRows(t.tableRows(rows))
	t.table.Follow(from, to)
	return t.more()
}

func (t *auditTab) SetSize(w, h int) {
	t.w, t.h = w, h
	t.table.SetSize(w, h-2)
	t.input.Width = max(w-4, 10)
}

func (t *auditTab) Help() ([]key.Binding, [][]key.Binding) {
	k := t.c.Keys
	if t.filtering {
		return filterHelp()
	}
	return []key.Binding{k.Open, k.Filter, k.Refresh},
		[][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, {k.Open, k.Filter, k.Back, k.Refresh}}
}

// reload reads the newest page and verifies the chain again.
func (t *auditTab) reload() tea.Cmd {
	t.bump()
	t.done, t.refreshing = false, false
	return tea.Batch(t.fetch(0), t.verify())
}

func (t *auditTab) verify() tea.Cmd {
	t.verifying = true
	t.verifyGen++
	c, gen := t.c, t.verifyGen
	return c.run(func(ctx context.Context) tea.Msg {
		r, err := c.Svc.VerifyAudit(ctx, c.Caller.ApplicationID)
		return chainMsg{gen: gen, report: r, err: err}
	})
}

func (t *auditTab) fetch(before int64) tea.Cmd {
	t.loading, t.fetching = true, before
	c, gen, search := t.c, t.gen, t.search
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.Audit(ctx, c.Caller.ApplicationID, review.AuditQuery{Search: search, BeforeSeq: before, Limit: auditPageSize})
		return auditMsg{gen: gen, before: before, rows: rows, err: err}
	})
}

func (t *auditTab) more() tea.Cmd {
	if t.loading || t.refreshing || t.done || len(t.rows) == 0 || t.table.Cursor() < len(t.rows)-prefetchRows {
		return nil
	}
	return t.fetch(t.rows[len(t.rows)-1].Seq)
}

func (t *auditTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case auditMsg:
		if msg.gen != t.gen {
			return nil
		}
		t.ready = true
		if msg.refresh > 0 {
			return t.handleRefresh(msg)
		}
		t.loading = false
		if msg.err != nil {
			return t.c.failure("loading the audit trail", msg.err)
		}
		if msg.before == 0 {
			t.rows = nil
			t.table.SetRows(nil)
		}
		t.rows = append(t.rows, msg.rows...)
		t.table.AppendRows(t.tableRows(msg.rows))
		t.done = len(msg.rows) < auditPageSize
		return t.more()
	case chainMsg:
		if msg.gen != t.verifyGen {
			return nil
		}
		t.verifying = false
		t.chainErr = msg.err
		if msg.err == nil {
			r := msg.report
			t.chain = &r
		}
		return nil
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

func (t *auditTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys
	if navigate(t.table, k, msg) {
		return t.more()
	}
	switch {
	case key.Matches(msg, k.Open):
		if len(t.rows) > 0 {
			e := t.rows[t.table.Cursor()]
			return t.c.push(newTextPage(t.c, fmt.Sprintf("Event %d", e.Seq), eventText(t.c, e)))
		}
	case key.Matches(msg, k.Filter):
		t.filtering = true
		t.input.SetValue(t.search)
		t.input.CursorEnd()
		return t.input.Focus()
	case key.Matches(msg, k.Refresh):
		return t.reload()
	case key.Matches(msg, k.Back):
		if t.search != "" {
			t.search = ""
			return t.reload()
		}
	}
	return nil
}

func (t *auditTab) handleFilterKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.filtering = false
		t.input.Blur()
		return nil
	case "enter":
		t.filtering = false
		t.input.Blur()
		t.search = strings.TrimSpace(t.input.Value())
		return t.reload()
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

func (t *auditTab) tableRows(events []domain.AuditEvent) []widget.Row {
	st := t.c.Styles
	out := make([]widget.Row, len(events))
	for i, e := range events {
		actStyle := st.Plain
		switch e.Action {
		case domain.ActionStatusChanged:
			actStyle = st.Review
		case domain.ActionTokenMinted, domain.ActionSessionImported, domain.ActionTokenImported:
			actStyle = st.Accent
		case domain.ActionSessionDeleted, domain.ActionKeyRevoked:
			actStyle = st.Warning
		}
		out[i] = widget.Row{
			Cells:  []string{fmt.Sprint(e.Seq), t.c.short(e.At), clean(e.Actor), e.Action, summarizeDetails(e)},
			Styles: []lipgloss.Style{st.Muted, st.Muted, st.Plain, actStyle, st.Plain},
		}
	}
	return out
}

// summarizeDetails writes an event's details on one line, the telling
// fields first.
func summarizeDetails(e domain.AuditEvent) string {
	var d map[string]any
	if v, err := decodeJSON(e.Details); err == nil {
		d, _ = v.(map[string]any)
	}
	if d == nil {
		return ""
	}
	switch e.Action {
	case domain.ActionStatusChanged:
		s := scalar(d["from"]) + " → " + scalar(d["to"])
		if c := str(d["comment"]); c != "" {
			s += " · " + clean(c)
		}
		return s
	case domain.ActionTokenMinted:
		return "ttl " + ttlLabel(int(num(d["ttl_in_seconds"]))) + " · for app " + shortID(str(d["for_application_id"]))
	case domain.ActionSessionImported, domain.ActionTokenImported:
		return fmt.Sprintf("%s · trust_review %s · from %s", scalar(d["status"]), onOff(d["trust_review"] == true), shortID(str(d["source_session_id"])))
	case domain.ActionSessionCreated:
		if d["generated"] != nil {
			return fmt.Sprintf("generated %s · #%s–#%s", scalar(d["generated"]), scalar(d["first_session_number"]), scalar(d["last_session_number"]))
		}
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := d[k]
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			continue
		}
		parts = append(parts, k+"="+scalar(v))
	}
	return strings.Join(parts, " ")
}

// eventText is one audit event in full.
func eventText(c *Common, e domain.AuditEvent) string {
	st := c.Styles
	var b strings.Builder
	row := func(k, v string) { b.WriteString(st.Label.Render(widget.Fit(k, 12, false)) + " " + v + "\n") }
	row("seq", fmt.Sprint(e.Seq))
	row("at", e.At.In(c.Loc).Format("2006-01-02 15:04:05.000000 MST"))
	row("actor", clean(e.Actor))
	row("action", e.Action)
	if e.SessionID != nil {
		row("session_id", e.SessionID.String())
	}
	row("hash", fmt.Sprintf("%x", e.Hash))
	row("prev_hash", fmt.Sprintf("%x", e.PrevHash))
	b.WriteString("\n" + st.Section.Render("details") + "\n")
	var pretty any
	if v, err := decodeJSON(e.Details); err == nil {
		pretty = v
	}
	out, _ := json.MarshalIndent(pretty, "", "  ")
	b.WriteString(clean2(string(out)))
	return b.String()
}

// clean2 is clean for multi-line text: it keeps the line breaks.
func clean2(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean(l)
	}
	return strings.Join(lines, "\n")
}

func (t *auditTab) View() string {
	st := t.c.Styles
	var chain string
	switch {
	case t.verifying:
		chain = st.Muted.Render("verifying the hash chain…")
	case t.chainErr != nil:
		chain = st.Error.Render("✗ " + t.c.explain("verifying the chain", t.chainErr))
	case t.chain != nil && t.chain.Break == nil:
		chain = st.OK.Render(fmt.Sprintf("✓ chain verified: %s events", groupDigits(t.chain.Checked)))
	case t.chain != nil:
		chain = st.Error.Render(fmt.Sprintf("✗ chain broken at event %d: %s (%s events checked)",
			t.chain.Break.Seq, t.chain.Break.Reason, groupDigits(t.chain.Checked)))
	}
	var info string
	if t.filtering {
		info = t.input.View()
	} else {
		left := st.Section.Render("Audit trail") + st.Muted.Render(fmt.Sprintf(" · newest first · %d loaded", len(t.rows)))
		right := ""
		if t.search != "" {
			right = st.Muted.Render("filter ") + st.Accent.Render(t.search) + st.Muted.Render(" (esc clears)")
		}
		info = joinEnds(left, right, t.w)
	}
	return chain + "\n" + info + "\n" + t.table.View()
}
