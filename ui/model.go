package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"handoff/domain"
	"handoff/review"
)

// page is one screen: a tab's list, or a view opened over it (a session,
// a dialog). Pages are pointers updated in place by the root model, which
// owns the size, the header, the footer and the stack of open views.
type page interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	Title() string
	// Help lists the page's bindings: short for the footer, full for `?`.
	Help() ([]key.Binding, [][]key.Binding)
	// Capturing is true while a text field has the keyboard, so that keys
	// like q and 1..4 are typed rather than acted on.
	Capturing() bool
	Loading() bool
}

// tab is a page that lives in the tab bar.
type tab interface {
	page
	// Activate is called when the tab is shown; it loads what is missing
	// or stale.
	Activate() tea.Cmd
}

// Model is the workstation for one analyst in one application.
type Model struct {
	c        *Common
	tabs     []tab
	active   int
	stack    []page
	counts   review.Counts
	hasCount bool
	status   statusMsg
	help     help.Model
	fullHelp bool
	spin     spinner.Spinner
	frame    int
	spinning bool
}

type (
	appLoadedMsg struct {
		app domain.Application
		err error
	}
	countsMsg struct {
		counts   review.Counts
		err      error
		took     time.Duration
		periodic bool // from the periodic refresh, which schedules the next
	}
	refreshCountsMsg struct{}
	spinMsg          struct{}
)

// New returns the workstation for caller (an analyst: review.Analyst) in
// its application. The SSH server makes one per connection.
func New(ctx context.Context, svc *review.Service, caller domain.Caller, opts Options) tea.Model {
	return newModel(newCommon(ctx, svc, caller, domain.Application{ID: caller.ApplicationID}, opts))
}

func newModel(c *Common) *Model {
	m := &Model{c: c, help: help.New(), spin: spinner.MiniDot}
	m.help.Styles = c.Styles.Help
	m.tabs = []tab{newSessionsTab(c), newQueueTab(c), newTokensTab(c), newAuditTab(c)}
	return m
}

// Init loads the application, the header counts and the first tab.
func (m *Model) Init() tea.Cmd {
	c := m.c
	cmds := []tea.Cmd{m.loadCounts(true), m.tabs[m.active].Activate(), m.startSpinner()}
	if c.App.Name == "" {
		cmds = append(cmds, c.run(func(ctx context.Context) tea.Msg {
			app, err := c.Svc.Application(ctx, c.Caller.ApplicationID.String())
			return appLoadedMsg{app, err}
		}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) loadCounts(periodic bool) tea.Cmd {
	c := m.c
	return c.run(func(ctx context.Context) tea.Msg {
		start := time.Now()
		n, err := c.Svc.Counts(ctx, c.Caller)
		return countsMsg{counts: n, err: err, took: time.Since(start), periodic: periodic}
	})
}

// countsEvery is how long the header waits before counting again: 30
// seconds, or longer when counting is slow (a million sessions take about
// a third of a second), so that many open programs spend at most a few
// thousandths of a core each on their headers. Changes made here recount
// at once.
func countsEvery(took time.Duration) time.Duration {
	return max(30*time.Second, 300*took)
}

// Update routes a message: keys to the focused view, results to whoever
// asked, and the root's own messages here.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if a, ok := msg.(asyncMsg); ok {
		if a.c != m.c {
			return m, nil // an answer for the workspace we switched away from
		}
		msg = a.msg
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.focused().Capturing() {
			return m.splitKeys(msg)
		}
		next, cmd := m.handleKey(msg)
		return next, tea.Batch(cmd, m.navigate())
	case switchAppMsg:
		return m.switchApp(msg.app)
	case ShutdownMsg:
		m.status = statusMsg{text: "The server is shutting down; your work is saved. Goodbye.", err: true}
		return m, tea.Quit
	}
	cmd := m.handleMsg(msg)
	return m, tea.Batch(cmd, m.navigate(), m.startSpinner())
}

// splitKeys handles keys that arrived together (typed ahead, or over a
// slow SSH link: Bubble Tea reads them as one message) one at a time, so
// "d1" is d, then 1.
func (m *Model) splitKeys(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// navigate applies the views pages opened and closed during this update.
func (m *Model) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.c.nav) > 0 {
		op := m.c.nav[0]
		m.c.nav = m.c.nav[1:]
		if op.p != nil {
			cmds = append(cmds, m.open(op.p))
		} else {
			cmds = append(cmds, m.close())
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) open(p page) tea.Cmd {
	m.stack = append(m.stack, p)
	w, h := m.bodySize()
	p.SetSize(w, h)
	return p.Init()
}

func (m *Model) close() tea.Cmd {
	if len(m.stack) > 0 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	if len(m.stack) == 0 {
		return m.tabs[m.active].Activate()
	}
	return nil
}

func (m *Model) handleMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case statusMsg:
		m.status = msg
		return nil
	case pushMsg:
		return m.open(msg.p)
	case popMsg:
		return m.close()
	case changedMsg:
		return tea.Batch(m.loadCounts(false), m.broadcast(msg))
	case appLoadedMsg:
		if msg.err != nil {
			return m.c.failure("loading the application", msg.err)
		}
		m.c.App = msg.app
		return nil
	case countsMsg:
		var next tea.Cmd
		if msg.periodic {
			next = m.c.tick(countsEvery(msg.took), refreshCountsMsg{})
		}
		if msg.err != nil {
			return tea.Batch(next, m.c.failure("counting sessions", msg.err))
		}
		m.counts, m.hasCount = msg.counts, true
		return next
	case refreshCountsMsg:
		return m.loadCounts(true)
	case spinMsg:
		m.frame++
		if m.loading() {
			return m.c.tick(m.spin.FPS, spinMsg{})
		}
		m.spinning = false
		return nil
	}
	return m.broadcast(msg)
}

// broadcast hands a result to every open page; each keeps what it asked for.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		cmds = append(cmds, t.Update(msg))
	}
	for _, p := range m.stack {
		cmds = append(cmds, p.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (m *Model) startSpinner() tea.Cmd {
	if m.spinning || !m.loading() || m.c.Static {
		return nil
	}
	m.spinning = true
	return m.c.tick(m.spin.FPS, spinMsg{})
}

func (m *Model) loading() bool { return m.focused().Loading() }

func (m *Model) focused() page {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.tabs[m.active]
}

func (m *Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	if msg.String() == "ctrl+c" {
		return m, tea.Quit
	}
	top := m.focused()
	if top.Capturing() {
		return m, tea.Batch(top.Update(msg), m.startSpinner())
	}
	if m.fullHelp {
		m.fullHelp = false
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.fullHelp = true
		return m, nil
	}
	if len(m.stack) == 0 {
		switch {
		case key.Matches(msg, k.SwitchApp):
			return m, m.open(newAppsPage(m.c))
		case key.Matches(msg, k.Tab1):
			return m, m.showTab(0)
		case key.Matches(msg, k.Tab2):
			return m, m.showTab(1)
		case key.Matches(msg, k.Tab3):
			return m, m.showTab(2)
		case key.Matches(msg, k.Tab4):
			return m, m.showTab(3)
		case key.Matches(msg, k.NextTab):
			return m, m.showTab((m.active + 1) % len(m.tabs))
		case key.Matches(msg, k.PrevTab):
			return m, m.showTab((m.active + len(m.tabs) - 1) % len(m.tabs))
		}
	}
	return m, tea.Batch(top.Update(msg), m.startSpinner())
}

func (m *Model) showTab(i int) tea.Cmd {
	m.active = i
	return tea.Batch(m.tabs[i].Activate(), m.startSpinner())
}

func (m *Model) switchApp(app domain.Application) (tea.Model, tea.Cmd) {
	c := m.c
	next := newModel(newCommon(c.Ctx, c.Svc, review.Analyst(app.ID, c.Caller.Analyst), app, c.opts))
	next.resize(c.Width, c.Height)
	next.status = statusMsg{text: "Now working in " + app.Name + " as " + c.Caller.Analyst}
	return next, next.Init()
}

// Layout: header, tab bar, body, status line, help line.
const chromeLines = 4

func (m *Model) bodySize() (int, int) {
	return m.c.Width, max(m.c.Height-chromeLines, 3)
}

func (m *Model) resize(w, h int) {
	m.c.Width, m.c.Height = max(w, 20), max(h, 8)
	bw, bh := m.bodySize()
	for _, t := range m.tabs {
		t.SetSize(bw, bh)
	}
	for _, p := range m.stack {
		p.SetSize(bw, bh)
	}
}

// View draws the whole screen, exactly the terminal's size.
func (m *Model) View() string {
	w, h := m.bodySize()
	body := m.focused().View()
	if m.fullHelp {
		body = m.fullHelpView()
	}
	body = fitBlock(body, w, h)
	return strings.Join([]string{m.headerView(), m.tabsView(), body, m.statusView(), m.helpView()}, "\n")
}

// fitBlock makes s exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// joinEnds puts left and right at the two ends of a w-cell line.
func joinEnds(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		if rw+1 >= w {
			return ansi.Truncate(left, w, "…")
		}
		left = ansi.Truncate(left, w-rw-1, "…")
		lw = ansi.StringWidth(left)
	}
	return left + strings.Repeat(" ", max(w-lw-rw, 1)) + right
}

func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
