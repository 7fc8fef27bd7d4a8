package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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
}

func (t *listTab[T]) Capturing() bool    { return t.list.Filtering() }
func (t *listTab[T]) Loading() bool      { return t.list.Loading() }
func (t *listTab[T]) awaitingData() bool { return t.list.Awaiting() }
func (t *listTab[T]) SetSize(w, h int)   { t.list.SetSize(w, h) }

// Refresh follows the changes the tab shows: in place when shown, else
// when next shown.
func (t *listTab[T]) Refresh(set *changeSet, shown bool) tea.Cmd {
	return onChange(t.list, set, shown, t.changes, t.list.Refresh)
}

func (t *listTab[T]) Help() ([]key.Binding, [][]key.Binding) {
	if t.list.Filtering() {
		k := t.c.Keys.List
		return []key.Binding{k.Apply, k.Cancel}, [][]key.Binding{{k.Apply, k.Cancel}}
	}
	return t.short, t.full
}

func (t *listTab[T]) Update(msg tea.Msg) tea.Cmd {
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
