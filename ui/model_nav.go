package ui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
)

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

func (m *Model) showTab(i int) tea.Cmd {
	m.active = i
	return tea.Batch(m.tabs[i].Activate(), m.startSpinner())
}

// switchApp leaves this workspace (its subscription ends, the analyst's
// claims in it are released) for a new one in app.
func (m *Model) switchApp(app domain.Application) (tea.Model, tea.Cmd) {
	c := m.c
	if c.opts.Apps != nil && !slices.Contains(c.opts.Apps, app.ID) {
		// The picker offers only these; this guards the switch itself.
		m.status = statusMsg{text: "You are not registered for " + app.Name + ".", err: true}
		return m, nil
	}
	next := newModel(newCommon(c.parent, c.Svc, review.Analyst(app.ID, c.Caller.Analyst), app, c.opts))
	next.resize(c.Width, c.Height)
	next.status = statusMsg{text: "Now working in " + app.Name + " as " + c.Caller.Analyst}
	return next, tea.Batch(m.leave(), next.Init())
}

// leave ends the workspace: its calls in flight and its subscription stop,
// and the claims the analyst holds in it are released.
func (m *Model) leave() tea.Cmd {
	c := m.c
	c.cancel()
	return func() tea.Msg {
		ctx, cancel := c.detached()
		defer cancel()
		if err := c.Svc.ReleaseAll(ctx, c.Caller); err != nil {
			c.Log.Error("releasing claims", "err", err, "app", c.App.ID, "analyst", c.Caller.Analyst)
		}
		return nil
	}
}

// quit releases the analyst's claims, then ends the program.
func (m *Model) quit() tea.Cmd {
	leave := m.leave()
	return func() tea.Msg {
		leave()
		return tea.Quit()
	}
}
