package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"handoff/review"
)

// Live updates. Each workspace subscribes to its application's changes
// (review.Subscribe: PostgreSQL LISTEN/NOTIFY, shared by every program of
// the process) and turns them into messages with a command that waits on
// the channel and is re-armed after each change. Changes are gathered for
// a moment and applied together: a burst of imports costs one reload per
// view, not one per import. Views reload what a change affects in place,
// keeping the cursor and any open dialog.

const (
	// coalesce is the shortest time between two reloads: changes arriving
	// meanwhile are gathered into the next one.
	coalesce = 200 * time.Millisecond
	// gather is how long a first change after a quiet spell waits for the
	// ones that come with it (a decision also releases its claim).
	gather = 20 * time.Millisecond
	// resubscribeEvery is how soon a failed subscription is tried again.
	resubscribeEvery = 5 * time.Second
)

type (
	subscribedMsg struct {
		ch  <-chan review.Change
		err error
	}
	changeMsg      struct{ review.Change }
	flushMsg       struct{}
	resubscribeMsg struct{}
	safetyMsg      struct{}
)

// changeSet is what changed since views last reloaded.
type changeSet struct {
	all      bool // the connection came back: anything may have changed
	what     map[string]bool
	sessions map[uuid.UUID][]review.Change
}

func (s *changeSet) add(c review.Change) {
	if s.what == nil {
		s.what, s.sessions = map[string]bool{}, map[uuid.UUID][]review.Change{}
	}
	s.what[c.What] = true
	if c.Session != nil {
		s.sessions[*c.Session] = append(s.sessions[*c.Session], c)
	}
}

func (s *changeSet) empty() bool { return !s.all && len(s.what) == 0 }

// any reports whether one of whats happened (or anything may have).
func (s *changeSet) any(whats ...string) bool {
	if s.all {
		return true
	}
	for _, w := range whats {
		if s.what[w] {
			return true
		}
	}
	return false
}

// about lists the changes to one session.
func (s *changeSet) about(id uuid.UUID) []review.Change { return s.sessions[id] }

// What each view shows, by the changes that affect it.
var (
	sessionChanges = []string{review.ChangeSessionCreated, review.ChangeSessionImported, review.ChangeSessionDecided,
		review.ChangeSessionDeleted}
	// The work list shows claims, proposals and findings (list hits).
	queueChanges = append([]string{review.ChangeClaimTaken, review.ChangeClaimReleased, review.ChangeSessionReviewed,
		review.ChangeLists}, sessionChanges...)
	tokenChanges = []string{review.ChangeTokenMinted, review.ChangeTokenImported, review.ChangeTokenRevoked}
	auditChanges = append([]string{review.ChangeApplications}, append(tokenChanges, sessionChanges...)...)
)

// subscribe starts the workspace's subscription; it ends with c.Ctx.
func (m *Model) subscribe() tea.Cmd {
	c := m.c
	return c.run(func(ctx context.Context) tea.Msg {
		ch, err := c.Svc.Subscribe(ctx, c.Caller)
		return subscribedMsg{ch, err}
	})
}

// waitChange delivers the next change. A static program (tests) does not
// wait: the test hands changes in itself.
func (m *Model) waitChange() tea.Cmd {
	if m.changes == nil || m.c.Static {
		return nil
	}
	c, ch := m.c, m.changes
	return func() tea.Msg {
		select {
		case change := <-ch:
			return asyncMsg{c: c, msg: changeMsg{change}}
		case <-c.Ctx.Done():
			return nil
		}
	}
}

// handleLive handles the live-update messages; ok is false for others.
func (m *Model) handleLive(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case subscribedMsg:
		if msg.err != nil {
			m.reconnecting = true
			return tea.Batch(m.c.failure("starting live updates", msg.err),
				m.c.tick(resubscribeEvery, resubscribeMsg{})), true
		}
		if m.reconnecting { // it failed before: what was missed meanwhile
			m.reconnecting = false
			m.pending.all = true
			m.changes = msg.ch
			return tea.Batch(m.waitChange(), m.scheduleFlush()), true
		}
		m.changes = msg.ch
		return m.waitChange(), true
	case resubscribeMsg:
		return m.subscribe(), true
	case changeMsg:
		next := m.waitChange()
		switch msg.What {
		case review.ChangeReconnecting:
			m.reconnecting = true
			return next, true
		case review.ChangeResync:
			if m.reconnecting || m.status.err {
				m.status = statusMsg{text: "Connected to the database again; everything shown was reloaded."}
			}
			m.reconnecting = false
			m.pending.all = true
		default:
			m.reconnecting = false
			m.pending.add(msg.Change)
		}
		return tea.Batch(next, m.scheduleFlush()), true
	case flushMsg:
		m.flushing, m.lastFlush = false, time.Now()
		return m.flush(), true
	case safetyMsg:
		m.pending.all = true
		return tea.Batch(m.flush(), m.c.tick(safetyEvery(m.countTook), safetyMsg{})), true
	}
	return nil, false
}

func (m *Model) scheduleFlush() tea.Cmd {
	if m.flushing {
		return nil
	}
	m.flushing = true
	return m.c.later(max(gather, time.Until(m.lastFlush.Add(coalesce))), flushMsg{})
}

// flush hands the gathered changes to every view. The focused tab reloads
// now; hidden tabs note that they are stale and reload in place when shown.
func (m *Model) flush() tea.Cmd {
	set := m.pending
	m.pending = changeSet{}
	if set.empty() {
		return nil
	}
	var cmds []tea.Cmd
	if set.any(sessionChanges...) {
		cmds = append(cmds, m.recount())
	}
	if set.any(review.ChangeApplications) { // four-eyes and the service level
		cmds = append(cmds, m.c.loadSettings())
	}
	for i, t := range m.tabs {
		cmds = append(cmds, t.Refresh(&set, i == m.active && len(m.stack) == 0))
	}
	for _, p := range m.stack {
		if r, ok := p.(refresher); ok {
			cmds = append(cmds, r.Refresh(&set))
		}
	}
	return tea.Batch(cmds...)
}

// refresher is a view opened over the tabs that follows changes (the open
// case, a decision dialog, the application list).
type refresher interface {
	Refresh(set *changeSet) tea.Cmd
}

// lister is what a tab's list keeps to follow changes (widget.Listing):
// whether it has loaded, and whether a change came while it was hidden.
type lister interface {
	Loaded() bool
	Stale() bool
	MarkStale()
}

// activate loads a tab shown for the first time and refreshes one that went
// stale while hidden.
func activate(l lister, reload, refresh func() tea.Cmd) tea.Cmd {
	switch {
	case !l.Loaded():
		return reload()
	case l.Stale():
		return refresh()
	}
	return nil
}

// onChange follows a change that one of kinds is about: a loaded tab
// refreshes now when shown and is marked stale when hidden (a tab that
// reloads every time it is shown may ignore that).
func onChange(l lister, set *changeSet, shown bool, kinds []string, refresh func() tea.Cmd) tea.Cmd {
	if !l.Loaded() || !set.any(kinds...) {
		return nil
	}
	if !shown {
		l.MarkStale()
		return nil
	}
	return refresh()
}

// recount reloads the header counts after a change, one count at a time:
// a change heard while counting is counted again after. The service shares
// counts among the screens of a process (review.Counts), so fifty screens
// told of one change count once.
func (m *Model) recount() tea.Cmd {
	m.countOwed = true
	return m.settleCounts()
}

// settleCounts starts the owed recount when none is running.
func (m *Model) settleCounts() tea.Cmd {
	if !m.countOwed || m.counting {
		return nil
	}
	m.countOwed = false
	return m.loadCounts()
}

// safetyEvery is how often everything reloads although no change was
// announced (a missed notification, queue ages growing): every five
// minutes, or less often when counting is slow.
func safetyEvery(took time.Duration) time.Duration {
	return max(5*time.Minute, 300*took)
}
