package widget

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"
)

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
