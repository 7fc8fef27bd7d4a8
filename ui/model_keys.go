package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// maxHeldKeys bounds the keys held for a view that awaits its data.
const maxHeldKeys = 64

func (m *Model) awaiting() bool {
	a, ok := m.focused().(awaiter)
	return ok && a.awaitingData()
}

// replayHeld hands held keys on, in order, once the focused view can take
// them (a key may open a view that awaits again: the rest wait for it).
func (m *Model) replayHeld() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.held) > 0 && !m.awaiting() {
		k := m.held[0]
		m.held = m.held[1:]
		_, cmd := m.Update(k)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
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

func (m *Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	g := m.c.Keys.Global
	if key.Matches(msg, g.ForceQuit) {
		return m, m.quit()
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
	case key.Matches(msg, g.Quit):
		return m, m.quit()
	case key.Matches(msg, g.Help):
		m.fullHelp = true
		return m, nil
	case m.c.opts.tour != nil && key.Matches(msg, g.Tour):
		m.toggleTour()
		return m, nil
	}
	if len(m.stack) == 0 {
		for i, b := range []key.Binding{g.Tab1, g.Tab2, g.Tab3, g.Tab4, g.Tab5, g.Tab6} {
			if key.Matches(msg, b) {
				return m, m.showTab(i)
			}
		}
		switch {
		case key.Matches(msg, g.SwitchApp):
			return m, m.open(newAppsPage(m.c))
		case key.Matches(msg, g.NextTab):
			return m, m.showTab((m.active + 1) % len(m.tabs))
		case key.Matches(msg, g.PrevTab):
			return m, m.showTab((m.active + len(m.tabs) - 1) % len(m.tabs))
		}
	}
	return m, tea.Batch(top.Update(msg), m.startSpinner())
}

// globalGroups are the global bindings live in the focused view, as help
// groups: none while a field has the keyboard (but ForceQuit, which `?`
// does not list), Help and Quit over any view, and the tab keys over the
// tabs.
func (m *Model) globalGroups() [][]key.Binding {
	g := m.c.Keys.Global
	always := []key.Binding{g.Help, g.Quit}
	if m.c.opts.tour != nil {
		always = append(always, g.Tour)
	}
	switch {
	case m.focused().Capturing():
		return nil
	case len(m.stack) > 0:
		return [][]key.Binding{always}
	}
	return [][]key.Binding{{g.Tab1, g.Tab2, g.Tab3, g.Tab4, g.Tab5, g.Tab6}, append([]key.Binding{g.NextTab, g.PrevTab, g.SwitchApp}, always...)}
}
