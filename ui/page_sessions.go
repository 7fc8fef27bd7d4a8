package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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
	listTab[domain.Session]
	filter sessionFilter // the list's filter, parsed
}

func newSessionsTab(c *Common) *sessionsTab {
	t := &sessionsTab{}
	t.listTab = listTab[domain.Session]{c: c, changes: sessionChanges, handle: t.handle}
	t.short, t.full = c.Keys.Sessions.help(c.Keys.Global, c.Keys.List)
	cfg := listConfig[domain.Session](c, "sessions")
	cfg.Columns = []widget.Column{
		{Title: "#", Width: 7, Right: true},
		{Title: "kind", Width: 4},
		{Title: "status", Width: 11},
		{Title: "vendor_data", Width: 12, Flex: 1},
		{Title: "created", Width: 16},
		{Title: "source", Width: 8},
	}
	cfg.Empty = "no finished sessions"
	cfg.Input = c.newInput("/ ", "vendor_data, session id, status:declined, kind:kyb", 200)
	cfg.Read = func(q widget.Query) func(context.Context) ([]domain.Session, error) {
		f := t.filter
		return func(ctx context.Context) ([]domain.Session, error) {
			return c.Svc.FinishedSessions(ctx, c.Caller, review.SessionQuery{Search: f.search, Phase: f.phase,
				Kind: f.kind, Before: q.Before, Limit: q.Limit})
		}
	}
	cfg.Drawer = func() func(domain.Session) widget.Row { return t.row }
	cfg.Same = func(a, b domain.Session) bool { return a.ID == b.ID }
	cfg.Keyset = func(s domain.Session) int64 { return s.Number }
	cfg.PageSize, cfg.Prefetch, cfg.RefreshMax = sessionsPageSize, prefetchRows, refreshRows
	cfg.Accept = func(text string) (string, error) {
		f, err := parseFilter(text)
		if err != nil {
			return "", err
		}
		t.filter = f
		return f.String(), nil
	}
	t.list = widget.NewListing(cfg)
	return t
}

func (t *sessionsTab) Title() string { return "Sessions" }
func (t *sessionsTab) Init() tea.Cmd { return t.Activate() }

// Activate loads the tab, or reads the newest rows again (as many as are
// loaded, up to refreshRows) when they changed while it was hidden: the
// cursor stays on its session and the rows further down stay loaded.
func (t *sessionsTab) Activate() tea.Cmd { return activate(t.list, t.list.Reload, t.list.Refresh) }

func (t *sessionsTab) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case changedMsg:
		t.list.MarkStale()
	case sessionErasedMsg:
		if msg.err != nil {
			return t.c.failure("erasing the session", msg.err)
		}
		return tea.Batch(t.list.Reload(), status(fmt.Sprintf("Erased session #%d: its checks, biometrics and images are gone for good; its number, status and audit trail remain.", msg.sess.Number)))
	case tea.KeyMsg:
		return t.handleKey(msg)
	}
	return nil
}

func (t *sessionsTab) row(s domain.Session) widget.Row {
	st := t.c.Styles
	src := ""
	if s.Imported() {
		src = "imported"
	}
	return widget.Row{
		Cells:  []string{fmt.Sprint(s.Number), s.Kind.Label(), string(s.Status), s.VendorData, t.c.stamp(s.CreatedAt), src},
		Styles: []lipgloss.Style{st.Plain, st.Muted, st.ForStatus(s.Status), st.Plain, st.Muted, st.Accent},
	}
}

func (t *sessionsTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys.Sessions
	switch {
	case key.Matches(msg, k.Open):
		if s, ok := t.list.Selected(); ok {
			return t.c.push(newDetailPage(t.c, s))
		}
	case key.Matches(msg, k.Share):
		if s, ok := t.list.Selected(); ok {
			return shareSession(t.c, s)
		}
	case key.Matches(msg, k.Status):
		f := t.filter
		f.phase = map[domain.Phase]domain.Phase{0: domain.PhaseApproved, domain.PhaseApproved: domain.PhaseDeclined,
			domain.PhaseDeclined: domain.PhaseInReview, domain.PhaseInReview: 0}[f.phase]
		return t.list.SetFilter(f.String())
	case key.Matches(msg, k.Erase):
		if s, ok := t.list.Selected(); ok {
			t.askErase(s)
		}
	case key.Matches(msg, k.Kind):
		f := t.filter
		f.kind = map[domain.Kind]domain.Kind{"": domain.KindUser, domain.KindUser: domain.KindBusiness,
			domain.KindBusiness: ""}[f.kind]
		return t.list.SetFilter(f.String())
	}
	return nil
}

type sessionErasedMsg struct {
	sess domain.Session
	err  error
}

// askErase asks before erasing s for good (as DELETE /v3/session/{id}/delete/).
func (t *sessionsTab) askErase(s domain.Session) {
	c := t.c
	t.ask("Erase", fmt.Sprintf("session #%d %s", s.Number, clean(s.VendorData)),
		" for good? Checks, biometrics and images go; the audit trail stays.",
		func() tea.Cmd {
			return c.run(func(ctx context.Context) tea.Msg {
				return sessionErasedMsg{sess: s, err: c.Svc.DeleteSession(ctx, c.Caller, s.ID)}
			})
		})
}

func (t *sessionsTab) View() string {
	st := t.c.Styles
	if v, ok := t.questionView(); ok {
		return v
	}
	info := fmt.Sprintf("%d loaded", len(t.list.All()))
	if !t.list.Done() {
		info += ", more below"
	}
	left := st.Section.Render("Finished sessions") + st.Muted.Render(" · newest first · "+info)
	if t.list.Filter() != "" {
		left = st.Section.Render("Finished sessions") + st.Muted.Render(" · "+info)
	}
	return t.list.View(left, "")
}

// shareSession opens the share dialog, or says why the session cannot be
// shared.
func shareSession(c *Common, s domain.Session) tea.Cmd {
	if err := domain.CheckShareable(s); err != nil {
		return cmdOf(statusMsg{text: err.Error(), err: true})
	}
	return c.push(newSharePage(c, s))
}
