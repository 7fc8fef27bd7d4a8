package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

	"handoff/review"
	"handoff/ui/widget"
)

const tokensLimit = 500

// tokensTab lists the share tokens this application minted, newest first.
type tokensTab struct {
	liveState
	c         *Common
	table     *widget.Table
	all       []review.TokenInfo
	rows      []review.TokenInfo
	filter    string
	input     textinput.Model
	filtering bool
	loading   bool
	ready     bool
	w, h      int
}

type tokensMsg struct {
	gen  int
	rows []review.TokenInfo
	err  error
}

func newTokensTab(c *Common) *tokensTab {
	t := &tokensTab{c: c, input: c.newInput("/ ", "partner, minted by or state", 100)}
	t.table = widget.NewTable([]widget.Column{
		{Title: "partner", Width: 12, Flex: 1},
		{Title: "session", Width: 10},
		{Title: "minted by", Width: 16},
		{Title: "minted", Width: 11},
		{Title: "expires", Width: 11},
		{Title: "state", Width: 8},
	}, c.Styles.Table)
	t.table.Empty = "no share tokens minted yet: press s on a session to share it"
	return t
}

func (t *tokensTab) Title() string     { return "Tokens" }
func (t *tokensTab) Capturing() bool   { return t.filtering }
func (t *tokensTab) Loading() bool     { return t.loading }
func (t *tokensTab) Init() tea.Cmd     { return t.Activate() }
func (t *tokensTab) Activate() tea.Cmd { return t.reload() }

func (t *tokensTab) awaitingData() bool { return t.loading && !t.ready }

// Refresh reloads the shown list, quietly, when tokens were minted or
// imported.
func (t *tokensTab) Refresh(set *changeSet, shown bool) tea.Cmd {
	return t.onChange(set, shown, tokenChanges, func() tea.Cmd { return t.load(false) })
}

func (t *tokensTab) SetSize(w, h int) {
	t.w, t.h = w, h
	t.table.SetSize(w, h-1)
	t.input.Width = max(w-4, 10)
}

func (t *tokensTab) Help() ([]key.Binding, [][]key.Binding) {
	k := t.c.Keys
	if t.filtering {
		return filterHelp()
	}
	return []key.Binding{k.Down, k.Up, k.Filter, k.Refresh},
		[][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, {k.Filter, k.Back, k.Refresh}}
}

func (t *tokensTab) reload() tea.Cmd { return t.load(true) }

func (t *tokensTab) load(spin bool) tea.Cmd {
	gen := t.bump()
	t.loading = t.loading || spin
	c := t.c
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.Tokens(ctx, c.Caller, tokensLimit)
		return tokensMsg{gen: gen, rows: rows, err: err}
	})
}

func (t *tokensTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tokensMsg:
		if msg.gen != t.gen {
			return nil
		}
		t.loading, t.ready = false, true
		if msg.err != nil {
			return t.c.failure("loading tokens", msg.err)
		}
		t.all = msg.rows
		t.apply()
	case changedMsg:
		return t.reload()
	case tea.KeyMsg:
		if t.filtering {
			switch msg.String() {
			case "esc", "enter":
				t.filtering = false
				t.input.Blur()
				if msg.String() == "enter" {
					t.filter = strings.TrimSpace(t.input.Value())
					t.apply()
				}
				return nil
			}
			var cmd tea.Cmd
			t.input, cmd = t.input.Update(msg)
			return cmd
		}
		return t.handleKey(msg)
	}
	return nil
}

func (t *tokensTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys
	if navigate(t.table, k, msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Filter):
		t.filtering = true
		t.input.SetValue(t.filter)
		t.input.CursorEnd()
		return t.input.Focus()
	case key.Matches(msg, k.Refresh):
		return t.reload()
	case key.Matches(msg, k.Back):
		if t.filter != "" {
			t.filter = ""
			t.apply()
		}
	}
	return nil
}

// apply narrows the held tokens by the filter, keeping the cursor's token.
func (t *tokensTab) apply() {
	st, now := t.c.Styles, t.c.Now()
	f := strings.ToLower(t.filter)
	from := t.table.Cursor()
	var keep uuid.UUID
	if from < len(t.rows) {
		keep = t.rows[from].TokenID
	}
	t.rows = t.rows[:0]
	for _, r := range t.all {
		hay := strings.ToLower(r.Partner + " " + r.MintedBy + " " + string(r.State))
		if f == "" || strings.Contains(hay, f) {
			t.rows = append(t.rows, r)
		}
	}
	rows := make([]widget.Row, len(t.rows))
	for i, r := range t.rows {
		if r.State == review.TokenActive && !now.Before(r.ExpiresAt) {
			r.State = review.TokenExpired // it expired while the list was open
		}
		stateStyle := st.Muted
		switch r.State {
		case review.TokenActive:
			stateStyle = st.OK
		case review.TokenImported:
			stateStyle = st.Accent
		}
		exp := relative(r.ExpiresAt, now)
		rows[i] = widget.Row{
			Cells: []string{clean(r.Partner), fmt.Sprintf("#%d %s", r.SessionNumber, r.SessionKind.Label()),
				clean(r.MintedBy), t.c.short(r.MintedAt), exp, string(r.State)},
			Styles: []lipgloss.Style{st.Plain, st.Plain, st.Muted, st.Muted, st.Muted, stateStyle},
		}
	}
	t.table.SetRows(rows)
	t.table.Follow(from, indexOf(t.rows, func(r review.TokenInfo) bool { return r.TokenID == keep }, from))
}

func (t *tokensTab) View() string {
	st := t.c.Styles
	var info string
	if t.filtering {
		info = t.input.View()
	} else {
		active := 0
		for _, r := range t.all {
			if r.State == review.TokenActive {
				active++
			}
		}
		left := st.Section.Render("Share tokens minted here") + st.Muted.Render(fmt.Sprintf(" · newest first · %d, %d active", len(t.all), active))
		right := ""
		if t.filter != "" {
			right = st.Muted.Render("filter ") + st.Accent.Render(t.filter) + st.Muted.Render(" (esc clears)")
		}
		info = joinEnds(left, right, t.w)
	}
	return info + "\n" + t.table.View()
}
