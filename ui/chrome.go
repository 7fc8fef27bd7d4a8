package ui

import (
	"fmt"
	"handoff/domain"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"handoff/ui/widget"
)

// The chrome around the focused view: header, tab bar, status line, help.
// A program draws after every message, and most messages change none of
// these lines, so each is kept until what it shows changes.

// lineCache keeps one drawn line for the inputs it was drawn from.
type lineCache struct{ key, line string }

func (lc *lineCache) get(key string, draw func() string) string {
	if lc.key != key || lc.line == "" {
		lc.key, lc.line = key, draw()
	}
	return lc.line
}

func (m *Model) headerView() string {
	c := m.c
	key := fmt.Sprint(c.App.Name, "\x00", domain.RetentionLabel(c.App.RetentionDays), c.Width, m.hasCount, m.counts, m.loading(), m.frame, m.reconnecting,
		m.hasSettings, c.Settings)
	return m.cache.header.get(key, m.drawHeader)
}

func (m *Model) drawHeader() string {
	st, c := m.c.Styles, m.c
	name := c.App.Name
	if name == "" {
		name = c.App.ID.String()[:8] + "…"
	}
	left := st.Title.Render("handoff") + st.Muted.Render(" │ ") + st.Header.Render(name)
	if c.App.RetentionDays != nil { // unlimited, the default, goes unsaid
		left += st.Muted.Render(" · retention " + domain.RetentionLabel(c.App.RetentionDays))
	}
	left += st.Muted.Render(" │ analyst ") + st.Accent.Render(c.Caller.Analyst)
	right := ""
	if m.hasCount {
		q := st.Muted.Render(fmt.Sprintf("%s in queue", groupDigits(m.counts.Queue)))
		if m.counts.Queue > 0 {
			q = st.Review.Render(fmt.Sprintf("%s in queue", groupDigits(m.counts.Queue)))
		}
		right = q
		// The four-eyes policy and the service level, and the finished
		// count, as far as the width allows: a policy in force always
		// (compact when it must be: the name is cut before it is), the
		// count next, "four-eyes off" last.
		fits := func(s string) bool { return lipgloss.Width(left)+lipgloss.Width(s)+1 <= c.Width }
		finished := st.Muted.Render(groupDigits(m.counts.Finished) + " finished · ")
		sep := st.Muted.Render(" · ")
		set := c.Settings
		switch inForce := set.FourEyes != domain.FourEyesOff && set.FourEyes != "" || set.ReviewSLA > 0; {
		case m.hasSettings && inForce:
			policy := st.Accent.Render(policyLabel(set)) + sep
			if !fits(policy + right) {
				policy = st.Accent.Render(compactPolicyLabel(set)) + sep
			}
			if fits(policy + finished + right) {
				right = finished + right
			}
			right = policy + right
		case fits(finished + right):
			right = finished + right
			if policy := st.Muted.Render(policyLabel(set)) + sep; m.hasSettings && fits(policy+right) {
				right = policy + right
			}
		}
	}
	if m.loading() {
		right = st.Accent.Render(m.spin.Frames[m.frame%len(m.spin.Frames)]) + " " + right
	}
	if m.reconnecting {
		right = st.Warning.Render("reconnecting…") + st.Muted.Render(" · ") + right
	}
	return widget.JoinEnds(left, right, c.Width)
}

func (m *Model) tabsView() string {
	key := fmt.Sprint(m.active, m.c.Width, m.hasCount, m.counts.Queue, len(m.stack))
	if n := len(m.stack); n > 0 {
		key += m.stack[n-1].Title()
	}
	return m.cache.tabs.get(key, m.drawTabs)
}

func (m *Model) drawTabs() string {
	line := m.tabsLine(false)
	if ansi.StringWidth(line) > m.c.Width {
		line = m.tabsLine(true) // only the active tab named
	}
	return widget.Fit(line, m.c.Width, false)
}

func (m *Model) tabsLine(compact bool) string {
	st := m.c.Styles
	var parts []string
	for i, t := range m.tabs {
		label := fmt.Sprintf("%d %s", i+1, t.Title())
		if compact && i != m.active {
			label = fmt.Sprint(i + 1)
		}
		if i == 1 && m.hasCount && m.counts.Queue > 0 {
			label += fmt.Sprintf(" (%d)", m.counts.Queue)
		}
		// Brackets mark the active tab without colour too (NO_COLOR).
		if i == m.active {
			parts = append(parts, "["+st.ActiveTab.Render(label)+"]")
		} else {
			parts = append(parts, " "+st.Tab.Render(label)+" ")
		}
	}
	line := strings.Join(parts, st.Muted.Render(" │ "))
	if n := len(m.stack); n > 0 {
		line += st.Muted.Render("  › ") + st.Bold.Render(m.stack[n-1].Title())
	}
	return line
}

func (m *Model) statusView() string {
	st := m.c.Styles
	if m.status.text == "" {
		return ""
	}
	if m.status.err {
		return st.StatusErr.Render(widget.Fit("✗ "+m.status.text, m.c.Width, false))
	}
	return st.StatusInfo.Render(widget.Fit(m.status.text, m.c.Width, false))
}

// helpView is the focused view's short help, truncated to fit, then the
// keys that work everywhere (not while typing: they would be typed).
func (m *Model) helpView() string {
	short, _ := m.focused().Help()
	var sig strings.Builder
	fmt.Fprint(&sig, m.c.Width, m.focused().Capturing())
	for _, b := range short {
		sig.WriteString("\x00" + b.Help().Key + "\x01" + b.Help().Desc)
	}
	return m.cache.help.get(sig.String(), func() string { return m.drawHelp(short) })
}

func (m *Model) drawHelp(short []key.Binding) string {
	if m.focused().Capturing() {
		return m.shortHelp(short, m.c.Width)
	}
	g := m.c.Keys.Global
	global := m.shortHelp([]key.Binding{g.Help, g.Quit}, m.c.Width)
	return m.shortHelp(short, m.c.Width-lipgloss.Width(global)-3) + m.c.Styles.Muted.Render(" • ") + global
}

// shortHelp writes as many of the enabled bindings as fit in width, then
// an ellipsis.
func (m *Model) shortHelp(all []key.Binding, width int) string {
	bs := make([]key.Binding, 0, len(all))
	for _, b := range all {
		if b.Enabled() {
			bs = append(bs, b)
		}
	}
	for n := len(bs); n > 0; n-- {
		s := m.help.ShortHelpView(bs[:n])
		if n < len(bs) {
			s += m.c.Styles.Muted.Render(" …")
		}
		if lipgloss.Width(s) <= width {
			return s
		}
	}
	return ""
}

func (m *Model) fullHelpView() string {
	_, full := m.focused().Help()
	groups := append(full, m.globalGroups()...)
	st := m.c.Styles
	// Columns of bindings, wrapped onto more rows when the screen is narrow.
	var rows []string
	var row []string
	width := 0
	for _, g := range groups {
		col := st.R.NewStyle().PaddingRight(4).Render(m.help.FullHelpView([][]key.Binding{g}))
		w := lipgloss.Width(col)
		if width+w > m.c.Width && len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, width = nil, 0
		}
		row = append(row, col)
		width += w
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	return st.Section.Render("Keys — "+m.focused().Title()) + "\n\n" + strings.Join(rows, "\n\n") +
		"\n\n" + st.Muted.Render("press any key to close")
}
