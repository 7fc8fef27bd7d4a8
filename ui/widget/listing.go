package widget

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Listing is a list tab's body: a table of items read from a source, a
// `/` filter prompt, the list keys, and reads that keep the analyst where
// they are. A source is read either a page at a time by keyset (Keyset
// set: the next page is the items after the last one held) or whole in one
// read. A refresh reads the newest items again in place: the cursor stays
// on its item and, for a keyset source, the older pages stay loaded.
//
// The page embedding a Listing supplies the reads and the rows; the
// Listing knows nothing of what the items are.
type Listing[T any] struct {
	cfg   ListingConfig[T]
	table *Table
	input textinput.Model

	all   []T // what was read
	items []T // all, narrowed by the filter when it is applied in memory

	filter    string           // the filter applied ("" none)
	order     func(a, b T) int // the order shown; nil is the source's
	filtering bool             // the prompt is open
	inputErr  string           // why the prompt's text was refused

	gen        int   // bumps on every read asked for, so late answers are dropped
	loading    bool  // a read the analyst waits for (the spinner shows)
	refreshing bool  // a quiet refresh is in flight
	fetching   int64 // the keyset page being read (0: the first)
	ready      bool  // the first answer came
	done       bool  // everything has been read
	loaded     bool  // a first read was asked for
	toEnd      bool  // G: reading page after page to the real end
	stale      bool  // the source changed since the last read
	w          int
}

// Query is one read of a Listing's source.
type Query struct {
	Filter string // the filter applied, when the source filters
	Before int64  // keyset: the items before this key; 0 is the newest
	Limit  int
}

// ScrollKeys move through a list or a page of text.
type ScrollKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// ListKeys are the bindings a Listing acts on.
type ListKeys struct {
	ScrollKeys
	Filter  key.Binding // opens the prompt
	Clear   key.Binding // clears the filter applied
	Refresh key.Binding // reads again from the top
	Apply   key.Binding // in the prompt: apply its text
	Cancel  key.Binding // in the prompt: close it, keeping the filter
}

// ListingStyles are the styles a Listing draws with.
type ListingStyles struct {
	Table         TableStyles
	Muted, Accent lipgloss.Style
	Error         lipgloss.Style
}

// ListingConfig is what a page tells its Listing.
type ListingConfig[T any] struct {
	Columns []Column
	Styles  ListingStyles
	Keys    ListKeys
	Empty   string          // the table's text when nothing shows
	Input   textinput.Model // the filter prompt
	// What names the items in failures: "loading " + What.
	What string
	// Read is called on the update loop for each read, so it may capture
	// the page's state; the function it returns runs off the loop.
	Read func(q Query) func(context.Context) ([]T, error)
	// Run runs fn off the update loop and delivers its message.
	Run func(fn func(context.Context) tea.Msg) tea.Cmd
	// Fail reports a failed read ("loading sessions", err).
	Fail func(doing string, err error) tea.Cmd
	// Drawer returns how to draw each item as a row, once per drawing: a
	// drawing reads what rows share (the clock) once, when it calls Drawer.
	Drawer func() func(item T) Row
	// Same tells whether a and b are the same item (the selection follows
	// it across reads).
	Same func(a, b T) bool
	// PageSize is how many items one read asks for.
	PageSize int
	// Keyset is an item's key, descending through the source; nil reads
	// the source whole in one read of PageSize.
	Keyset func(T) int64
	// Prefetch: the next page is read when the cursor comes this close to
	// the last item held. RefreshMax bounds what a refresh reads again.
	Prefetch, RefreshMax int
	// Match narrows what was read in memory; nil passes the filter to Read.
	Match func(item T, filter string) bool
	// Accept turns the prompt's text into the filter applied, or says why
	// it cannot be; nil trims it. It is called for every filter set.
	Accept func(text string) (string, error)
	// OnReload runs with every read from the top (the audit chain is
	// verified again with it).
	OnReload func() tea.Cmd
	// ClearHint is how the filter is cleared, as the info line says it.
	ClearHint string
	// NoMatch is the table's text when a filter leaves nothing; the
	// default names the filter and how to clear it, so that a filter that
	// matches nothing never reads as an empty list.
	NoMatch func(filter string) string
}

// ReadMsg is the answer to one read, for the Listing that asked (every
// page hears it; only that Listing takes it).
type ReadMsg[T any] struct {
	l       *Listing[T]
	gen     int
	q       Query
	refresh bool
	items   []T
	err     error
}

// NewListing returns an empty Listing; nothing is read until Reload.
func NewListing[T any](cfg ListingConfig[T]) *Listing[T] {
	if cfg.Prefetch == 0 {
		cfg.Prefetch = 30
	}
	if cfg.RefreshMax == 0 {
		cfg.RefreshMax = 500
	}
	if cfg.ClearHint == "" {
		cfg.ClearHint = "esc clears"
	}
	if cfg.NoMatch == nil {
		cfg.NoMatch = func(f string) string { return fmt.Sprintf("nothing matches the filter %q (%s)", f, cfg.ClearHint) }
	}
	l := &Listing[T]{cfg: cfg, input: cfg.Input}
	l.table = NewTable(cfg.Columns, cfg.Styles.Table)
	l.table.Empty = cfg.Empty
	return l
}

// Items are the items shown, in order.
func (l *Listing[T]) Items() []T { return l.items }

// All is everything read, before a filter applied in memory.
func (l *Listing[T]) All() []T { return l.all }

// Table is the table the items are drawn in.
func (l *Listing[T]) Table() *Table { return l.table }

// Selected is the item under the cursor.
func (l *Listing[T]) Selected() (T, bool) {
	if len(l.items) == 0 {
		var zero T
		return zero, false
	}
	return l.items[l.table.Cursor()], true
}

// Filter is the filter applied ("" none).
func (l *Listing[T]) Filter() string { return l.filter }

// Filtering is true while the prompt has the keyboard.
func (l *Listing[T]) Filtering() bool { return l.filtering }

// InputErr is why the prompt's text was refused, if it was.
func (l *Listing[T]) InputErr() string { return l.inputErr }

// Loading is true while a read the analyst waits for is in flight.
func (l *Listing[T]) Loading() bool { return l.loading }

// Awaiting is true until the first answer: there is nothing to act on.
func (l *Listing[T]) Awaiting() bool { return l.loading && !l.ready }

// Done is true when everything has been read.
func (l *Listing[T]) Done() bool { return l.done }

// Loaded is true once a first read was asked for.
func (l *Listing[T]) Loaded() bool { return l.loaded }

// Stale is true when the source changed since the last read.
func (l *Listing[T]) Stale() bool { return l.stale }

// MarkStale notes that the source changed; the next Refresh reads it.
func (l *Listing[T]) MarkStale() { l.stale = true }

// SetSize sets the outer size: the info line, then the table.
func (l *Listing[T]) SetSize(w, h int) {
	l.w = w
	l.table.SetSize(w, h-1)
	l.input.Width = max(w-4, 10)
}

// Update handles the Listing's answers and keys; ok is false for a
// message it does not take (the page's own keys).
func (l *Listing[T]) Update(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case ReadMsg[T]:
		if msg.l != l {
			return nil, false
		}
		if msg.gen != l.gen {
			return nil, true
		}
		return l.answer(msg), true
	case tea.KeyMsg:
		if l.filtering {
			return l.promptKey(msg), true
		}
		return l.listKey(msg)
	}
	return nil, false
}

// View draws the info line, then the table. The info line is the prompt
// while it is open, else left and right at its two ends, with the filter
// applied in place of right.
func (l *Listing[T]) View(left, right string) string {
	return l.InfoLine(left, right) + "\n" + l.table.View()
}

// InfoLine is the line above the table (see View).
func (l *Listing[T]) InfoLine(left, right string) string {
	st := l.cfg.Styles
	if l.filtering {
		if l.inputErr == "" {
			return l.input.View()
		}
		// The field shrinks to its text so that the reason shows beside it.
		in := l.input
		in.Width = min(max(ansi.StringWidth(in.Value())+1, 10), l.input.Width)
		return in.View() + "  " + st.Error.Render(l.inputErr)
	}
	if l.toEnd {
		right = st.Muted.Render(fmt.Sprintf("reading to the end: %d so far (a key stops)", len(l.all)))
	} else if l.filter != "" {
		right = st.Muted.Render("filter ") + st.Accent.Render(l.filter) + st.Muted.Render(" ("+l.cfg.ClearHint+")")
	}
	return JoinEnds(left, right, l.w)
}
