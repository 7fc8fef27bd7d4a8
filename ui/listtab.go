package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/ui/widget"
)

// listTab is what the list tabs (Sessions, Queue, Tokens, Audit, Webhooks)
// share: a widget.Listing that reads, pages, filters and refreshes, and the
// tab methods that only hand over to it. Each tab embeds one and adds its
// own keys and info line.
type listTab[T any] struct {
	c    *Common
	list *widget.Listing[T]
	// changes are the changes that refresh the tab in place.
	changes []string
	// handle takes the messages the list does not (the tab's own keys,
	// timers and answers).
	handle func(msg tea.Msg) tea.Cmd
	// short and full are the tab's bindings, for the footer and for `?`.
	short []key.Binding
	full  [][]key.Binding
	// asking is the question awaiting y or n before the tab acts on a row.
	asking *question
	width  int
}

// question is a yes-or-no question about one row: what it says (verb,
// the row's name, what follows) and what yes runs.
type question struct {
	verb, object, consequence string
	yes                       func() tea.Cmd
}

// ask puts a question to the analyst; yes runs only on confirmation.
func (t *listTab[T]) ask(verb, object, consequence string, yes func() tea.Cmd) {
	t.asking = &question{verb: verb, object: object, consequence: consequence, yes: yes}
}

// Capturing holds the keyboard while the filter or a question is open, so
// q or a tab key cannot leave the question dangling.
func (t *listTab[T]) Capturing() bool    { return t.list.Filtering() || t.asking != nil }
func (t *listTab[T]) Loading() bool      { return t.list.Loading() }
func (t *listTab[T]) awaitingData() bool { return t.list.Awaiting() }
func (t *listTab[T]) SetSize(w, h int)   { t.width = w; t.list.SetSize(w, h) }

// Refresh follows the changes the tab shows: in place when shown, else
// when next shown.
func (t *listTab[T]) Refresh(set *changeSet, shown bool) tea.Cmd {
	return onChange(t.list, set, shown, t.changes, t.list.Refresh)
}

func (t *listTab[T]) Help() ([]key.Binding, [][]key.Binding) {
	if d := t.c.Keys.Dialog; t.asking != nil {
		return []key.Binding{d.Confirm, d.Cancel}, [][]key.Binding{{d.Confirm, d.Cancel}}
	}
	if t.list.Filtering() {
		k := t.c.Keys.List
		return []key.Binding{k.Apply, k.Cancel}, [][]key.Binding{{k.Apply, k.Cancel}}
	}
	return t.short, t.full
}

func (t *listTab[T]) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok && t.asking != nil {
		q, d := t.asking, t.c.Keys.Dialog
		switch {
		case key.Matches(k, d.Confirm):
			t.asking = nil
			return q.yes()
		case key.Matches(k, d.Cancel):
			t.asking = nil
		}
		return nil
	}
	if cmd, ok := t.list.Update(msg); ok {
		return cmd
	}
	if t.handle == nil {
		return nil
	}
	return t.handle(msg)
}

// listConfig is the part of a list tab's widget.ListingConfig that comes
// from the program: styles, keys, where reads run and how failures show.
func listConfig[T any](c *Common, what string) widget.ListingConfig[T] {
	return widget.ListingConfig[T]{Styles: c.Styles.Listing, Keys: c.Keys.List, What: what, Run: c.run, Fail: c.failure}
}

// questionView is the open question above the table, or false.
func (t *listTab[T]) questionView() (string, bool) {
	q := t.asking
	if q == nil {
		return "", false
	}
	st := t.c.Styles
	line := st.Error.Render(q.verb) + " " + st.Accent.Render(q.object) + q.consequence
	// The hint only where it fits: the footer names the same keys.
	if hint := " y/enter " + strings.ToLower(q.verb) + " · n/esc cancel"; lipgloss.Width(line+hint) <= t.width {
		line += st.Muted.Render(hint)
	}
	return widget.Fit(line, t.width, false) + "\n" + t.list.Table().View(), true
}
