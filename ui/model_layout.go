package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Layout: header, tab bar, body, status line, help line.
const chromeLines = 4

func (m *Model) bodySize() (int, int) {
	return m.c.Width, max(m.c.Height-chromeLines-m.tourHeight(), 3)
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
	parts := []string{m.headerView(), m.tabsView(), body}
	if tv := m.tourView(); tv != "" {
		parts = append(parts, tv)
	}
	return strings.Join(append(parts, m.statusView(), m.helpView()), "\n")
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
