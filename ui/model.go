package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

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

// awaiter is a page that cannot act on keys yet: it has nothing to act on
// until its first answer comes (a list not yet loaded, the next case not
// yet found). The root holds keys typed meanwhile and hands them over when
// it can, so that keys typed ahead are not lost.
type awaiter interface {
	awaitingData() bool
}

// shownOnly marks a tab's own timer message (polling deliveries, ageing
// the queue): it reaches only the tab shown, so a hidden tab's chain of
// timers stops, and showing the tab starts a new one.
type shownOnly interface{ shownOnly() }

// tab is a page that lives in the tab bar.
type tab interface {
	page
	// Activate is called when the tab is shown; it loads what is missing
	// or stale.
	Activate() tea.Cmd
	// Refresh follows changes made anywhere: a shown tab reloads what
	// they affect in place, a hidden one remembers to when shown.
	Refresh(set *changeSet, shown bool) tea.Cmd
}

// Model is the workstation for one analyst in one application.
type Model struct {
	c        *Common
	tabs     []tab
	active   int
	stack    []page
	counts   review.Counts
	hasCount bool
	// hasSettings: the header shows c.Settings once they came.
	hasSettings bool
	status      statusMsg
	statusOn    page // the view the status line is about: leaving it clears the line
	help        help.Model
	fullHelp    bool
	spin        spinner.Spinner
	frame       int
	spinning    bool
	held        []tea.KeyMsg // typed while the focused view awaited its data
	cache       struct{ header, tabs, help lineCache }

	// Live updates (live.go).
	changes      <-chan review.Change
	pending      changeSet
	flushing     bool // a flush is scheduled
	lastFlush    time.Time
	reconnecting bool // the database connection that brings changes is down
	// Header counts: one at a time (live.go).
	counting, countOwed bool
	countTook           time.Duration
}

type (
	appLoadedMsg struct {
		app domain.Application
		err error
	}
	countsMsg struct {
		counts review.Counts
		err    error
		took   time.Duration
	}
	spinMsg struct{}
)

// TabNames name the tabs, in order, for Options.Tab.
var TabNames = []string{"sessions", "queue", "tokens", "audit", "webhooks", "lists"}

// ParseTab checks a tab name (TabNames) and returns its index.
func ParseTab(name string) (int, error) {
	if i := slices.Index(TabNames, name); i >= 0 {
		return i, nil
	}
	return 0, domain.Invalidf("unknown tab %q: use one of %s", name, strings.Join(TabNames, ", "))
}

// New returns the workstation for caller (an analyst: review.Analyst) in
// its application. The SSH server makes one per connection.
func New(ctx context.Context, svc *review.Service, caller domain.Caller, opts Options) tea.Model {
	if opts.Tour != nil {
		opts.tour = newTour(*opts.Tour)
	}
	m := newModel(newCommon(ctx, svc, caller, domain.Application{ID: caller.ApplicationID}, opts))
	if opts.Tab != "" {
		m.active, _ = ParseTab(opts.Tab) // an unknown name (refused by the command) opens Sessions
	}
	return m
}

func newModel(c *Common) *Model {
	m := &Model{c: c, help: help.New(), spin: spinner.MiniDot}
	m.help.Styles = c.Styles.Help
	m.tabs = []tab{newSessionsTab(c), newQueueTab(c), newTokensTab(c), newAuditTab(c), newWebhooksTab(c), newListsTab(c)}
	return m
}

// Init loads the application, the header counts and the first tab, and
// subscribes to the application's changes.
func (m *Model) Init() tea.Cmd {
	c := m.c
	cmds := []tea.Cmd{m.subscribe(), m.loadCounts(), c.loadSettings(), m.tabs[m.active].Activate(), m.startSpinner(),
		c.tick(safetyEvery(0), safetyMsg{})}
	if c.App.Name == "" {
		cmds = append(cmds, c.run(func(ctx context.Context) tea.Msg {
			app, err := c.Svc.Application(ctx, c.Caller, c.Caller.ApplicationID.String())
			return appLoadedMsg{app, err}
		}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) loadCounts() tea.Cmd {
	c := m.c
	m.counting = true
	return c.run(func(ctx context.Context) tea.Msg {
		start := time.Now()
		n, err := c.Svc.Counts(ctx, c.Caller)
		return countsMsg{counts: n, err: err, took: time.Since(start)}
	})
}

// Update routes a message: keys to the focused view, results to whoever
// asked, and the root's own messages here; then the tour, if any, looks
// at what was done.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	if nm, ok := next.(*Model); ok {
		nm.observeTour(msg)
	}
	return next, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if a, ok := msg.(asyncMsg); ok {
		if a.c != m.c || a.c.Ctx.Err() != nil {
			// An answer for the workspace we switched away from, or for
			// one that is ending (its calls were cancelled).
			return m, nil
		}
		msg = a.msg
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		if !key.Matches(msg, m.c.Keys.Global.ForceQuit) && m.awaiting() && len(m.held) < maxHeldKeys {
			m.held = append(m.held, msg)
			return m, nil
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.focused().Capturing() {
			return m.splitKeys(msg)
		}
		next, cmd := m.handleKey(msg)
		cmd = tea.Batch(cmd, m.navigate())
		if next == tea.Model(m) {
			m.dropLeftStatus()
		}
		return next, cmd
	case switchAppMsg:
		return m.switchApp(msg.app)
	case ShutdownMsg:
		m.status = statusMsg{text: "The server is shutting down; your work is saved. Goodbye.", err: true}
		return m, m.quit()
	case IdleMsg:
		m.status = statusMsg{text: "Closed after " + ttlLabel(int(msg.After.Seconds())) + " without a key; your cases are released. Goodbye.", err: true}
		return m, m.quit()
	}
	cmd := m.handleMsg(msg)
	nav := m.navigate()
	m.dropLeftStatus()
	return m, tea.Batch(cmd, nav, m.replayHeld(), m.startSpinner())
}

// dropLeftStatus clears a status line once the analyst has left the view
// it was about (another tab, a closed dialog or case), so that it never
// reads as news about the view now shown.
func (m *Model) dropLeftStatus() {
	switch {
	case m.status.text == "":
	case m.statusOn == nil:
		m.statusOn = m.focused() // set before the first update: about where it was shown
	case m.statusOn != m.focused():
		m.status, m.statusOn = statusMsg{}, nil
	}
}

func (m *Model) handleMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case statusMsg:
		m.status, m.statusOn = msg, m.focused()
		return nil
	case pushMsg:
		return m.open(msg.p)
	case popMsg:
		return m.close()
	case changedMsg:
		return tea.Batch(m.recount(), m.broadcast(msg))
	case claimMsg:
		return msg.cl.handle(msg)
	case renewMsg:
		return msg.cl.handle(msg)
	case settingsMsg:
		if msg.err != nil {
			return m.c.failure("loading the review settings", msg.err)
		}
		m.c.Settings, m.hasSettings = msg.set, true
		return m.broadcast(msg)
	case appLoadedMsg:
		if msg.err != nil {
			return m.c.failure("loading the application", msg.err)
		}
		m.c.App = msg.app
		return nil
	case countsMsg:
		m.counting, m.countTook = false, msg.took
		next := m.settleCounts()
		if msg.err != nil {
			return tea.Batch(next, m.c.failure("counting sessions", msg.err))
		}
		m.counts, m.hasCount = msg.counts, true
		return next
	case spinMsg:
		m.frame++
		if m.loading() {
			return m.c.tick(m.spin.FPS, spinMsg{})
		}
		m.spinning = false
		return nil
	}
	if cmd, ok := m.handleLive(msg); ok {
		return cmd
	}
	if _, ok := msg.(shownOnly); ok {
		if len(m.stack) == 0 {
			return m.tabs[m.active].Update(msg)
		}
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
