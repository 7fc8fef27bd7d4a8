package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

const auditPageSize = 100

// auditTab lists this application's audit events, newest first, paged by
// sequence number, with the result of verifying the hash chain on top.
type auditTab struct {
	listTab[domain.AuditEvent]
	verifying bool
	verifyGen int
	chain     *review.ChainReport
	chainErr  error
}

type chainMsg struct {
	gen    int
	report review.ChainReport
	err    error
}

func newAuditTab(c *Common) *auditTab {
	t := &auditTab{}
	t.listTab = listTab[domain.AuditEvent]{c: c, changes: auditChanges, handle: t.handle}
	t.short, t.full = c.Keys.Audit.help(c.Keys.List)
	cfg := listConfig[domain.AuditEvent](c, "the audit trail")
	cfg.Columns = []widget.Column{
		{Title: "seq", Width: 5, Right: true},
		{Title: "time", Width: 11},
		{Title: "#", Width: 5, Right: true}, // the event's session, so one case's rows read together
		{Title: "actor", Width: 17, Flex: 1},
		{Title: "action", Width: 22},
		{Title: "details", Width: 10, Flex: 4},
	}
	cfg.Empty = "no events"
	cfg.Input = c.newInput("/ ", "action, actor or anything in the details", 100)
	cfg.Read = func(q widget.Query) func(context.Context) ([]domain.AuditEvent, error) {
		return func(ctx context.Context) ([]domain.AuditEvent, error) {
			return c.Svc.Audit(ctx, c.Caller, review.AuditQuery{Search: q.Filter, BeforeSeq: q.Before, Limit: q.Limit})
		}
	}
	cfg.Drawer = func() func(domain.AuditEvent) widget.Row { return t.row }
	// An event keeps its id when it is sealed; chained ones have none.
	cfg.Same = func(a, b domain.AuditEvent) bool {
		if a.ID != uuid.Nil || b.ID != uuid.Nil {
			return a.ID == b.ID
		}
		return a.Seq == b.Seq
	}
	cfg.Keyset = func(e domain.AuditEvent) int64 { return e.Seq }
	cfg.PageSize, cfg.Prefetch, cfg.RefreshMax = auditPageSize, prefetchRows, refreshRows
	cfg.OnReload = t.verify // a reload verifies the chain again
	t.list = widget.NewListing(cfg)
	return t
}

func (t *auditTab) Title() string { return "Audit" }
func (t *auditTab) Loading() bool { return t.list.Loading() || t.verifying }
func (t *auditTab) Init() tea.Cmd { return t.Activate() }

// SetSize leaves the top line to the chain's state.
func (t *auditTab) SetSize(w, h int) { t.list.SetSize(w, h-1) }

// Activate loads the tab, or refreshes it in place when it went stale. The
// chain is verified again when the tab is shown or on r, not on every
// change: verifying reads every event.
func (t *auditTab) Activate() tea.Cmd {
	return activate(t.list, t.list.Reload, func() tea.Cmd { return tea.Batch(t.list.Refresh(), t.verify()) })
}

func (t *auditTab) verify() tea.Cmd {
	t.verifying = true
	t.verifyGen++
	c, gen := t.c, t.verifyGen
	return c.run(func(ctx context.Context) tea.Msg {
		r, err := c.Svc.VerifyAudit(ctx, c.Caller)
		return chainMsg{gen: gen, report: r, err: err}
	})
}

func (t *auditTab) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case chainMsg:
		if msg.gen == t.verifyGen {
			t.verifying, t.chainErr = false, msg.err
			if msg.err == nil {
				r := msg.report
				t.chain = &r
			}
		}
	case changedMsg:
		t.list.MarkStale()
	case tea.KeyMsg:
		if key.Matches(msg, t.c.Keys.Audit.Open) {
			if e, ok := t.list.Selected(); ok {
				return t.c.push(newTextPage(t.c, fmt.Sprintf("Event %d", e.Seq), eventText(t.c, e)))
			}
		}
	}
	return nil
}

// actionStyle colours the actions worth noticing in the trail.
func actionStyle(st *Styles, action string) lipgloss.Style {
	switch action {
	case domain.ActionStatusChanged:
		return st.Review
	case domain.ActionTokenMinted, domain.ActionSessionImported, domain.ActionTokenImported:
		return st.Accent
	case domain.ActionSessionDeleted, domain.ActionKeyRevoked:
		return st.Warning
	}
	return st.Plain
}

func (t *auditTab) row(e domain.AuditEvent) widget.Row {
	st := t.c.Styles
	return widget.Row{
		Cells:  []string{seqCell(e.Seq), t.c.short(e.At), sessionCell(e.SessionNumber), clean(e.Actor), e.Action, summarizeDetails(e)},
		Styles: []lipgloss.Style{st.Muted, st.Muted, st.Accent, st.Plain, actionStyle(st, e.Action), st.Plain},
	}
}

// sessionCell is an event's session number, blank for events about no
// session of this application (a key, a webhook destination, a mint's
// source seen from the partner).
func sessionCell(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("#%d", n)
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

// seqCell shows a pending event's missing number.
func seqCell(seq int64) string {
	if seq == 0 {
		return "…"
	}
	return fmt.Sprint(seq)
}

// eventText is one audit event in full.
func eventText(c *Common, e domain.AuditEvent) string {
	st := c.Styles
	var b strings.Builder
	row := func(k, v string) { b.WriteString(st.Label.Render(widget.Fit(k, 12, false)) + " " + v + "\n") }
	if e.Seq == 0 {
		row("seq", "pending (the sequencer seals it within a second)")
	} else {
		row("seq", fmt.Sprint(e.Seq))
	}
	row("at", e.At.In(c.Loc).Format("2006-01-02 15:04:05.000000 MST"))
	row("actor", clean(e.Actor))
	row("action", e.Action)
	if e.SessionID != nil {
		row("session_id", e.SessionID.String())
	}
	if e.RequestID != "" { // the API request's X-Request-Id, as in the request log
		row("request_id", clean(e.RequestID))
	}
	row("leaf_hash", fmt.Sprintf("%x", e.LeafHash()))
	if e.SealedAt != nil {
		row("sealed_at", e.SealedAt.In(c.Loc).Format("2006-01-02 15:04:05.000000 MST"))
	}
	if e.Hash != nil { // chained before the trees
		row("hash", fmt.Sprintf("%x", e.Hash))
		row("prev_hash", fmt.Sprintf("%x", e.PrevHash))
	}
	b.WriteString("\n" + st.Section.Render("details") + "\n")
	var pretty any
	if v, err := decodeJSON(e.Details); err == nil {
		pretty = v
	}
	out, _ := json.MarshalIndent(pretty, "", "  ")
	b.WriteString(clean2(string(out)))
	return b.String()
}

func breakAt(b *domain.AuditBreak) string {
	if b.Seq == 0 {
		return fmt.Sprintf("checkpoint %d", b.Checkpoint)
	}
	return fmt.Sprintf("event %d", b.Seq)
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
		chain = st.Muted.Render("verifying the audit log…")
	case t.chainErr != nil:
		chain = st.Error.Render("✗ " + t.c.explain("verifying the chain", t.chainErr))
	case t.chain != nil && t.chain.Break == nil:
		chain = st.OK.Render(fmt.Sprintf("✓ log verified: %s sealed · %s pending", groupDigits(t.chain.Checked), groupDigits(t.chain.Pending)))
		if cp := t.chain.Latest; cp != nil {
			chain += st.Muted.Render(fmt.Sprintf(" · checkpoint %s signed %s", groupDigits(cp.Size), t.c.short(cp.CreatedAt)))
		}
	case t.chain != nil:
		chain = st.Error.Render(fmt.Sprintf("✗ log broken at %s: %s (%s events checked)",
			breakAt(t.chain.Break), t.chain.Break.Reason, groupDigits(t.chain.Checked)))
	}
	left := st.Section.Render("Audit trail") + st.Muted.Render(fmt.Sprintf(" · newest first · %d loaded", len(t.list.All())))
	return chain + "\n" + t.list.View(left, "")
}
