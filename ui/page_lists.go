package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// listEntriesLimit bounds the entries read per list.
const listEntriesLimit = 200

// listRow is one entry with the list it is on.
type listRow struct {
	List  domain.List
	Entry domain.ListEntry
}

// listsTab shows every entry of the application's lists, with who put it
// there, when and why; x takes one off after a confirmation.
type listsTab struct {
	listTab[listRow]
}

type entryRemovedMsg struct {
	row listRow
	err error
}

func newListsTab(c *Common) *listsTab {
	t := &listsTab{}
	t.listTab = listTab[listRow]{c: c, changes: []string{review.ChangeLists}, handle: t.handle}
	t.short, t.full = c.Keys.Lists.help(c.Keys.List)
	cfg := listConfig[listRow](c, "list entries")
	cfg.Columns = []widget.Column{
		{Title: "list", Width: 18},
		{Title: "value", Width: 22, Flex: 1},
		{Title: "label", Width: 12},
		{Title: "added by", Width: 14},
		{Title: "added", Width: 11},
		{Title: "why", Width: 16, Flex: 1},
	}
	cfg.Empty = "no list entries yet: press a to add one (or handoff list add, or POST /v3/lists/{list_uuid}/entries/)"
	cfg.Input = c.newInput("/ ", "value, label, list or reason", 100)
	cfg.Read = func(widget.Query) func(context.Context) ([]listRow, error) {
		return func(ctx context.Context) ([]listRow, error) {
			ls, _, err := c.Svc.Lists(ctx, c.Caller, review.ListsQuery{Limit: 200})
			if err != nil {
				return nil, err
			}
			var out []listRow
			for _, l := range ls {
				if l.EntryCount == 0 {
					continue
				}
				es, _, err := c.Svc.ListEntries(ctx, c.Caller, l.ID, "", listEntriesLimit, 0)
				if err != nil {
					return nil, err
				}
				for _, e := range es {
					out = append(out, listRow{List: l, Entry: e})
				}
			}
			return out, nil
		}
	}
	cfg.Drawer = t.drawer
	cfg.Same = func(a, b listRow) bool { return a.Entry.ID == b.Entry.ID }
	cfg.PageSize = 10000
	cfg.Match = func(r listRow, filter string) bool {
		hay := strings.ToLower(r.List.Name + " " + r.Entry.Value + " " + r.Entry.DisplayLabel + " " + r.Entry.Comment)
		return strings.Contains(hay, strings.ToLower(filter))
	}
	t.list = widget.NewListing(cfg)
	return t
}

func (t *listsTab) Title() string     { return "Lists" }
func (t *listsTab) Init() tea.Cmd     { return t.Activate() }
func (t *listsTab) Activate() tea.Cmd { return t.list.Reload() }

func (t *listsTab) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case changedMsg:
		return t.list.Reload()
	case entryRemovedMsg:
		if msg.err != nil {
			return t.c.failure("removing the entry", msg.err)
		}
		return tea.Batch(t.list.Reload(), status(fmt.Sprintf("Removed %s from %s.",
			domain.MaskValue(msg.row.List.EntryType, msg.row.Entry.Value), clean(msg.row.List.Name))))
	case tea.KeyMsg:
		if key.Matches(msg, t.c.Keys.Lists.Add) {
			return t.c.push(newEntryPage(t.c))
		}
		if key.Matches(msg, t.c.Keys.Lists.Remove) {
			if r, ok := t.list.Selected(); ok {
				c := t.c
				t.ask("Remove", clean(r.Entry.Value), " from "+clean(r.List.Name)+"? Imports stop matching it.", func() tea.Cmd {
					return c.run(func(ctx context.Context) tea.Msg {
						return entryRemovedMsg{row: r, err: c.Svc.RemoveEntry(ctx, c.Caller, r.List.ID, r.Entry.ID)}
					})
				})
			}
		}
	}
	return nil
}

func (t *listsTab) drawer() func(listRow) widget.Row {
	st := t.c.Styles
	return func(r listRow) widget.Row {
		ls := st.Plain
		if r.List.Type == domain.ListBlocklist {
			ls = st.Error
		}
		who, _ := strings.CutPrefix(r.Entry.AddedBy, "analyst:")
		value, vs := clean(r.Entry.Value), st.Plain
		if r.Entry.Unavailable {
			// Sealed under the biometric key this server runs without: its
			// value, label and reason are blank, but it still matches.
			value, vs = "face unavailable", st.Muted
		}
		return widget.Row{
			Cells:  []string{clean(r.List.Name), value, clean(r.Entry.DisplayLabel), clean(who), t.c.short(r.Entry.CreatedAt), clean(r.Entry.Comment)},
			Styles: []lipgloss.Style{ls, vs, st.Muted, st.Muted, st.Muted, st.Plain},
		}
	}
}

func (t *listsTab) View() string {
	st := t.c.Styles
	if v, ok := t.questionView(); ok {
		return v
	}
	var counts []string // per list, in the order read (system blocklists first)
	n := map[string]int{}
	for _, r := range t.list.All() {
		if n[r.List.Name]++; n[r.List.Name] == 1 {
			counts = append(counts, r.List.Name)
		}
	}
	for i, name := range counts {
		counts[i] = fmt.Sprintf("%s %d", clean(name), n[name])
	}
	left := st.Section.Render("List entries")
	if len(counts) > 0 {
		left += st.Muted.Render(" · " + strings.Join(counts, ", "))
	}
	return t.list.View(left, "")
}
