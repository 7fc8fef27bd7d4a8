package widget

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// begin starts a read: answers to earlier ones are dropped from now on.
func (l *Listing[T]) begin() int {
	l.gen++
	l.loaded, l.stale = true, false
	return l.gen
}

// Reload reads again from the top, with the spinner.
func (l *Listing[T]) Reload() tea.Cmd {
	l.begin()
	l.toEnd = false
	l.done, l.refreshing = false, false
	var hook tea.Cmd
	if l.cfg.OnReload != nil {
		hook = l.cfg.OnReload()
	}
	return tea.Batch(l.read(Query{Limit: l.cfg.PageSize}, false), hook)
}

// Refresh reads the newest items again without moving the analyst and
// without the spinner.
func (l *Listing[T]) Refresh() tea.Cmd {
	if l.cfg.Keyset == nil {
		l.begin()
		return l.read(Query{Limit: l.cfg.PageSize}, true)
	}
	if l.loading && l.fetching == 0 {
		return nil // the first page is on its way, fresh
	}
	l.begin() // a page in flight is dropped; it is asked for again after
	l.refreshing, l.loading = true, false
	n := min(max(len(l.all), l.cfg.PageSize), l.cfg.RefreshMax)
	return l.read(Query{Limit: n}, true)
}

// read asks the source for q; a keyset refresh or a quiet whole read
// leaves the spinner as it is.
func (l *Listing[T]) read(q Query, quiet bool) tea.Cmd {
	if !quiet {
		l.loading, l.fetching = true, q.Before
	}
	if l.cfg.Match == nil {
		q.Filter = l.filter
	}
	gen, fn := l.gen, l.cfg.Read(q)
	refresh := quiet && l.cfg.Keyset != nil
	return l.cfg.Run(func(ctx context.Context) tea.Msg {
		items, err := fn(ctx)
		return ReadMsg[T]{l: l, gen: gen, q: q, refresh: refresh, items: items, err: err}
	})
}

// more reads the next keyset page when the cursor nears the end held.
func (l *Listing[T]) more() tea.Cmd {
	if l.cfg.Keyset == nil || l.loading || l.refreshing || l.done || len(l.all) == 0 ||
		l.table.Cursor() < len(l.all)-l.cfg.Prefetch {
		return nil
	}
	return l.read(Query{Before: l.cfg.Keyset(l.all[len(l.all)-1]), Limit: l.cfg.PageSize}, false)
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

func (l *Listing[T]) answer(msg ReadMsg[T]) tea.Cmd {
	l.ready = true
	if msg.refresh {
		return l.answerRefresh(msg)
	}
	l.loading = false
	if msg.err != nil {
		return l.cfg.Fail("loading "+l.cfg.What, msg.err)
	}
	if l.cfg.Keyset == nil {
		l.done = true
		l.replace(msg.items)
		return nil
	}
	if msg.q.Before == 0 {
		l.all, l.items = nil, nil
		l.table.SetRows(nil)
		l.table.Top()
	}
	l.all = append(l.all, msg.items...)
	if l.order != nil { // a page read joins the items in their order
		l.replace(l.all)
	} else {
		l.items = l.all
		l.table.AppendRows(l.rows(msg.items))
	}
	l.done = len(msg.items) < l.cfg.PageSize
	if l.toEnd {
		l.table.Bottom() // on to the next page, or the real end
		l.toEnd = !l.done
	}
	return l.more()
}

// answerRefresh puts the newest items in place of the old ones, keeps the
// items below them, and the cursor on the item it was on.
func (l *Listing[T]) answerRefresh(msg ReadMsg[T]) tea.Cmd {
	l.refreshing = false
	if msg.err != nil {
		return l.cfg.Fail("refreshing "+l.cfg.What, msg.err)
	}
	items := msg.items
	if len(items) < msg.q.Limit {
		l.done = true // the newest items are all the items
	} else if len(items) > 0 {
		// The held items go on below the refreshed ones only if the two
		// meet: when more new items came than a refresh reads, keeping the
		// held ones would leave a gap, so the list is read on from the
		// refreshed ones instead.
		last, kept := l.cfg.Keyset(items[len(items)-1]), 0
		if len(l.all) > 0 && last <= l.cfg.Keyset(l.all[0]) {
			for _, it := range l.all {
				if l.cfg.Keyset(it) < last {
					items = append(items, it)
					kept++
				}
			}
		}
		if kept == 0 {
			l.done = false
		}
	}
	l.replace(items)
	return l.more()
}

// replace shows all, narrowed by the filter, keeping the cursor on its
// item and, unless at the top, on its screen line.
func (l *Listing[T]) replace(all []T) {
	from := l.table.Cursor()
	to := from
	sel, had := l.Selected()
	l.all = all
	l.items = all
	if l.cfg.Match != nil && l.filter != "" {
		l.items = nil
		for _, it := range all {
			if l.cfg.Match(it, l.filter) {
				l.items = append(l.items, it)
			}
		}
	}
	if l.order != nil {
		if len(l.items) == len(all) {
			l.items = slices.Clone(all) // all stays in the source's order
		}
		slices.SortStableFunc(l.items, l.order)
	}
	if had {
		to = from
		for i, it := range l.items {
			if l.cfg.Same(it, sel) {
				to = i
				break
			}
		}
	}
	l.table.SetRows(l.rows(l.items))
	l.table.Follow(from, to)
}

func (l *Listing[T]) rows(items []T) []Row {
	draw := l.cfg.Drawer()
	out := make([]Row, len(items))
	for i, it := range items {
		out[i] = draw(it)
	}
	return out
}

// SetOrder shows the items in cmp's order (stable: items it holds equal
// keep the source's order), nil in the source's. Only what is shown is
// reordered: reads, keyset pages and refreshes still follow the source's
// order (the next page is the one after the last item read), so a keyset
// list sorted this way sorts what has been read so far. The cursor stays
// on its item.
func (l *Listing[T]) SetOrder(cmp func(a, b T) int) {
	l.order = cmp
	l.replace(l.all)
}

// Redraw draws the rows again (what they show depends on the time).
func (l *Listing[T]) Redraw() { l.replace(l.all) }

// SetFilter applies a filter: in memory, or by reading again.
func (l *Listing[T]) SetFilter(text string) tea.Cmd {
	f, err := l.accept(text)
	if err != nil {
		return l.cfg.Fail("filtering "+l.cfg.What, err)
	}
	return l.apply(f)
}

func (l *Listing[T]) accept(text string) (string, error) {
	if l.cfg.Accept == nil {
		return strings.TrimSpace(text), nil
	}
	return l.cfg.Accept(text)
}

func (l *Listing[T]) apply(f string) tea.Cmd {
	l.filter = f
	l.table.Empty = l.cfg.Empty
	if f != "" {
		l.table.Empty = l.cfg.NoMatch(f)
	}
	if l.cfg.Match != nil {
		l.replace(l.all)
		return nil
	}
	return l.Reload()
}

func (l *Listing[T]) listKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k, tb := &l.cfg.Keys, l.table
	l.toEnd = false // any key stops G's reading on
	switch {
	case key.Matches(msg, k.Up):
		tb.Move(-1)
	case key.Matches(msg, k.Down):
		tb.Move(1)
	case key.Matches(msg, k.PageUp):
		tb.Move(-tb.PageSize())
	case key.Matches(msg, k.PageDown):
		tb.Move(tb.PageSize())
	case key.Matches(msg, k.Top):
		tb.Top()
	case key.Matches(msg, k.Bottom):
		// The real end, not the end of what is held: pages are read on
		// until the last (a key stops it).
		tb.Bottom()
		l.toEnd = l.cfg.Keyset != nil && !l.done
	case key.Matches(msg, k.Filter):
		l.filtering, l.inputErr = true, ""
		l.input.SetValue(l.filter)
		l.input.CursorEnd()
		return l.input.Focus(), true
	case key.Matches(msg, k.Refresh):
		return l.Reload(), true
	case key.Matches(msg, k.Clear) && l.filter != "":
		return l.SetFilter(""), true
	default:
		return nil, false
	}
	return l.more(), true
}

// promptKey handles a key typed in the open prompt.
func (l *Listing[T]) promptKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, l.cfg.Keys.Cancel):
		l.close()
		return nil
	case key.Matches(msg, l.cfg.Keys.Apply):
		f, err := l.accept(l.input.Value())
		if err != nil {
			l.inputErr = err.Error()
			return nil
		}
		l.close()
		return l.apply(f)
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	return cmd
}

func (l *Listing[T]) close() {
	l.filtering, l.inputErr = false, ""
	l.input.Blur()
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
