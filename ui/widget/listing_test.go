package widget

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// item is a row of a source numbered newest first.
type item struct {
	n    int64
	name string
}

// source is an in-memory list the Listing reads from, newest (highest n)
// first, counting the reads it answers.
type source struct {
	items []item
	reads []Query
	fail  error
}

func (s *source) read(q Query) func(context.Context) ([]item, error) {
	return func(context.Context) ([]item, error) {
		s.reads = append(s.reads, q)
		if s.fail != nil {
			return nil, s.fail
		}
		var out []item
		for _, it := range s.items {
			if (q.Before == 0 || it.n < q.Before) && strings.Contains(it.name, q.Filter) && len(out) < q.Limit {
				out = append(out, it)
			}
		}
		return out, nil
	}
}

// add puts n new items on top of the source.
func (s *source) add(n int) {
	top := s.items[0].n
	var fresh []item
	for i := int64(n); i > 0; i-- {
		fresh = append(fresh, item{top + i, fmt.Sprint("item-", top+i)})
	}
	s.items = append(fresh, s.items...)
}

func newSource(n int) *source {
	s := &source{}
	for i := int64(n); i > 0; i-- {
		s.items = append(s.items, item{i, fmt.Sprint("item-", i)})
	}
	return s
}

// staticInput is a prompt whose cursor does not blink (a blink is a timer).
func staticInput() textinput.Model {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

func testKeys() ListKeys {
	b := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return ListKeys{ScrollKeys: ScrollKeys{Up: b("up", "k"), Down: b("down", "j"), PageUp: b("pgup"), PageDown: b("pgdown"),
		Top: b("g"), Bottom: b("G")}, Filter: b("/"), Clear: b("esc"), Refresh: b("r"),
		Apply: b("enter"), Cancel: b("esc")}
}

// harness drives a Listing: commands run at once and their messages are
// fed back, as the program would.
type harness struct {
	t      *testing.T
	l      *Listing[item]
	failed []string
}

func newHarness(t *testing.T, src *source, cfg func(*ListingConfig[item])) *harness {
	h := &harness{t: t}
	c := ListingConfig[item]{
		Columns: []Column{{Title: "n", Width: 6}, {Title: "name", Width: 10, Flex: 1}},
		Keys:    testKeys(), Input: staticInput(), What: "items",
		Read: src.read,
		Run: func(fn func(context.Context) tea.Msg) tea.Cmd {
			return func() tea.Msg { return fn(context.Background()) }
		},
		Fail: func(doing string, err error) tea.Cmd {
			h.failed = append(h.failed, doing+": "+err.Error())
			return nil
		},
		Drawer: func() func(item) Row {
			return func(it item) Row { return Row{Cells: []string{fmt.Sprint(it.n), it.name}} }
		},
		Same:     func(a, b item) bool { return a.n == b.n },
		PageSize: 10, Prefetch: 3, RefreshMax: 25,
		Keyset: func(it item) int64 { return it.n },
	}
	if cfg != nil {
		cfg(&c)
	}
	h.l = NewListing(c)
	h.l.SetSize(40, 8) // 6 rows show
	return h
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case nil:
	default:
		next, _ := h.l.Update(msg)
		h.run(next)
	}
}

func (h *harness) press(keys ...string) {
	for _, k := range keys {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		switch k {
		case "up", "down", "pgup", "pgdown", "esc", "enter", "backspace":
			msg = tea.KeyMsg{Type: map[string]tea.KeyType{"up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp,
				"pgdown": tea.KeyPgDown, "esc": tea.KeyEsc, "enter": tea.KeyEnter, "backspace": tea.KeyBackspace}[k]}
		}
		cmd, _ := h.l.Update(msg)
		h.run(cmd)
	}
}

func (h *harness) selected() int64 {
	it, ok := h.l.Selected()
	if !ok {
		return 0
	}
	return it.n
}

func TestListingPagesByKeyset(t *testing.T) {
	src := newSource(25)
	h := newHarness(t, src, nil)
	h.run(h.l.Reload())
	if len(h.l.Items()) != 10 || h.l.Done() || h.selected() != 25 {
		t.Fatalf("the first page: %d items, done %v, on %d", len(h.l.Items()), h.l.Done(), h.selected())
	}
	h.press("j", "j", "k")
	if h.selected() != 24 {
		t.Fatalf("j j k: on %d", h.selected())
	}
	h.press("pgdown", "pgdown") // nearing the end held: the next page comes, after item 16
	if len(h.l.Items()) != 20 || src.reads[len(src.reads)-1].Before != 16 {
		t.Fatalf("nearing the end reads the next page by keyset: %d items, reads %v", len(h.l.Items()), src.reads)
	}
	h.press("g", "G") // the real end, not the end of what is held
	if len(h.l.Items()) != 25 || !h.l.Done() || h.selected() != 1 || h.l.toEnd {
		t.Fatalf("G reads on to the real end: %d items, done %v, on %d", len(h.l.Items()), h.l.Done(), h.selected())
	}
	reads := len(src.reads)
	h.press("up", "down")
	if len(src.reads) != reads {
		t.Fatal("nothing more is read once everything was")
	}
	h.press("g")
	if h.selected() != 25 {
		t.Fatalf("g goes to the top: on %d", h.selected())
	}
}

// G on a long list reads page after page until the last; a key typed
// meanwhile stops it where it is.
func TestListingBottomIsTheRealEnd(t *testing.T) {
	src := newSource(95)
	h := newHarness(t, src, nil)
	h.run(h.l.Reload())
	h.press("G")
	if len(h.l.Items()) != 95 || h.selected() != 1 {
		t.Fatalf("G goes to the last of 95, read page by page: %d held, on %d", len(h.l.Items()), h.selected())
	}
	h = newHarness(t, src, nil)
	h.l.SetSize(80, 8)
	h.run(h.l.Reload())
	h.l.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")}) // its read not yet answered
	if !strings.Contains(h.l.InfoLine("", ""), "reading to the end") {
		t.Fatalf("the info line says it reads on: %q", h.l.InfoLine("", ""))
	}
	h.press("k") // stops it: the page in flight lands, no more are asked for
	if h.l.toEnd {
		t.Fatal("a key stops reading to the end")
	}
}

func TestListingRefreshKeepsSelection(t *testing.T) {
	src := newSource(25)
	h := newHarness(t, src, nil)
	h.run(h.l.Reload())
	h.press("G", "G")                               // all 25 held
	h.press("g", "j", "j", "j", "j", "j", "j", "j") // on 18, off the top
	line := h.l.Table().Cursor() - h.l.Table().offset
	src.add(2)
	h.run(h.l.Refresh())
	if h.selected() != 18 {
		t.Fatalf("the cursor stays on its item: on %d", h.selected())
	}
	if got := h.l.Table().Cursor() - h.l.Table().offset; got != line {
		t.Fatalf("and on its screen line: %d, was %d", got, line)
	}
	if len(h.l.Items()) != 27 || h.l.Items()[0].n != 27 || !h.l.Done() {
		t.Fatalf("the new items are on top, the older ones kept: %d items from %d", len(h.l.Items()), h.l.Items()[0].n)
	}
	if q := src.reads[len(src.reads)-1]; q.Before != 0 || q.Limit != 25 {
		t.Fatalf("a refresh reads the newest items, as many as held up to RefreshMax: %+v", q)
	}
	for i := 1; i < len(h.l.Items()); i++ {
		if h.l.Items()[i].n >= h.l.Items()[i-1].n {
			t.Fatalf("items repeated or out of order at %d", i)
		}
	}
	src.fail = errors.New("down")
	h.run(h.l.Refresh())
	if len(h.failed) != 1 || h.failed[0] != "refreshing items: down" || len(h.l.Items()) != 27 {
		t.Fatalf("a failed refresh says so and keeps what shows: %v", h.failed)
	}
}

// More new items than a refresh reads: the held ones no longer meet the
// newest, so they are dropped rather than shown after a gap, and the list
// reads on from the newest.
func TestListingRefreshAfterABurst(t *testing.T) {
	src := newSource(60)
	h := newHarness(t, src, nil)
	h.run(h.l.Reload())
	h.press("pgdown", "pgdown") // 20 held: 60 … 41
	src.add(30)                 // 90 … 61: a refresh reads 20 of them
	h.run(h.l.Refresh())
	items := h.l.Items()
	if h.l.Done() || len(items) != 20 || items[0].n != 90 || items[19].n != 71 {
		t.Fatalf("only the newest, contiguous: %d items %d…%d, done %v", len(items), items[0].n, items[len(items)-1].n, h.l.Done())
	}
	for i := 0; i < 10 && !h.l.Done(); i++ {
		h.press("G")
	}
	for i := 1; i < len(h.l.Items()); i++ {
		if h.l.Items()[i].n != h.l.Items()[i-1].n-1 {
			t.Fatalf("paging on leaves no gap: %d after %d", h.l.Items()[i].n, h.l.Items()[i-1].n)
		}
	}
	if len(h.l.Items()) != 90 || !h.l.Done() {
		t.Fatalf("and reaches the end: %d items", len(h.l.Items()))
	}
}

func TestListingFilterPrompt(t *testing.T) {
	src := newSource(25)
	var refused string
	h := newHarness(t, src, func(c *ListingConfig[item]) {
		c.Accept = func(text string) (string, error) {
			if strings.Contains(text, "!") {
				refused = text
				return "", errors.New("no ! here")
			}
			return strings.TrimSpace(text), nil
		}
	})
	h.run(h.l.Reload())
	h.press("/")
	if !h.l.Filtering() {
		t.Fatal("/ opens the prompt")
	}
	h.press("2", "!", "enter")
	if !h.l.Filtering() || h.l.InputErr() != "no ! here" || refused != "2!" {
		t.Fatalf("a refused filter keeps the prompt open with the reason: %q", h.l.InputErr())
	}
	if !strings.Contains(h.l.View("left", "right"), "no ! here") {
		t.Fatal("the reason shows beside the prompt")
	}
	h.press("backspace", "enter")
	if h.l.Filtering() || h.l.Filter() != "2" || len(h.l.Items()) != 8 { // 25, 24, …, 20, 12, 2
		t.Fatalf("enter applies the filter: %q, %d items", h.l.Filter(), len(h.l.Items()))
	}
	if v := h.l.View("left", "right"); !strings.Contains(v, "filter 2 (esc clears)") || strings.Contains(v, "right") {
		t.Fatalf("the info line shows the filter in place of right:\n%s", v)
	}
	h.press("/", "x", "esc")
	if h.l.Filtering() || h.l.Filter() != "2" {
		t.Fatal("esc in the prompt closes it and keeps the filter")
	}
	h.press("esc")
	if h.l.Filter() != "" || len(h.l.Items()) != 10 {
		t.Fatalf("esc clears the filter: %q, %d items", h.l.Filter(), len(h.l.Items()))
	}
	if cmd, ok := h.l.Update(tea.KeyMsg{Type: tea.KeyEsc}); ok || cmd != nil {
		t.Fatal("esc with no filter is left to the page")
	}
	if _, ok := h.l.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}); ok {
		t.Fatal("a key the list has no use for is left to the page")
	}
}

// A whole source filtered in memory keeps its selection across filters.
func TestListingMatchInMemory(t *testing.T) {
	src := newSource(12)
	h := newHarness(t, src, func(c *ListingConfig[item]) {
		c.Keyset, c.PageSize = nil, 100
		c.Match = func(it item, f string) bool { return strings.HasSuffix(it.name, f) }
	})
	h.run(h.l.Reload())
	if len(h.l.Items()) != 12 || !h.l.Done() {
		t.Fatalf("one read holds the whole source: %d", len(h.l.Items()))
	}
	h.press("j", "j") // on 10
	reads := len(src.reads)
	h.press("/", "0", "enter")
	if len(src.reads) != reads || len(h.l.Items()) != 1 || h.selected() != 10 {
		t.Fatalf("a filter in memory reads nothing and keeps the selection: %d items, on %d", len(h.l.Items()), h.selected())
	}
	if src.reads[0].Filter != "" {
		t.Fatal("the source is not asked to filter")
	}
	h.press("esc")
	if len(h.l.All()) != 12 || len(h.l.Items()) != 12 || h.selected() != 10 {
		t.Fatalf("esc shows everything again, on the same item: on %d", h.selected())
	}
	src.items = src.items[3:] // 12, 11, 10 went
	h.run(h.l.Refresh())
	if h.selected() != 7 || len(h.l.Items()) != 9 {
		t.Fatalf("when the selected item goes, the cursor stays on its line: on %d", h.selected())
	}
	src.fail = errors.New("down")
	h.run(h.l.Refresh())
	if len(h.failed) != 1 || h.failed[0] != "loading items: down" {
		t.Fatalf("a failed read says so: %v", h.failed)
	}
}

// Answers to an older read, or meant for another Listing, are not taken.
func TestListingDropsLateAnswers(t *testing.T) {
	src := newSource(5)
	h := newHarness(t, src, nil)
	first := h.l.Reload()
	h.run(h.l.Reload())
	src.add(1)
	late := first()
	if _, ok := h.l.Update(late); !ok || len(h.l.Items()) != 5 {
		t.Fatalf("a late answer is taken and dropped: %d items", len(h.l.Items()))
	}
	other := newHarness(t, src, nil)
	if _, ok := other.l.Update(late); ok {
		t.Fatal("another Listing's answer is not taken")
	}
}

// A sorted keyset list shows what it holds in its order, pages on by the
// source's keyset (after the last item read, not the last shown), keeps
// the cursor on its item, and goes back to the source's order.
func TestListingOrder(t *testing.T) {
	src := newSource(25)
	h := newHarness(t, src, nil)
	h.run(h.l.Reload())
	h.press("j", "j")                                                  // on 23
	byParity := func(a, b item) int { return int(a.n%2) - int(b.n%2) } // evens first, stable
	h.l.SetOrder(byParity)
	got := func() (out []int64) {
		for _, it := range h.l.Items() {
			out = append(out, it.n)
		}
		return out
	}
	if fmt.Sprint(got()) != "[24 22 20 18 16 25 23 21 19 17]" || h.selected() != 23 {
		t.Fatalf("sorted: %v, on %d", got(), h.selected())
	}
	h.press("pgdown") // near the end shown: the next page, after the last item read (16)
	if q := src.reads[len(src.reads)-1]; q.Before != 16 {
		t.Fatalf("the next page is read by the source's keyset: %+v", q)
	}
	if fmt.Sprint(got()) != "[24 22 20 18 16 14 12 10 8 6 25 23 21 19 17 15 13 11 9 7]" {
		t.Fatalf("the page joins in order: %v", got())
	}
	src.add(1) // 26 arrives
	h.run(h.l.Refresh())
	if got()[0] != 26 || len(got()) != 21 {
		t.Fatalf("a refresh puts the new item in its place: %v", got())
	}
	h.l.SetOrder(nil)
	if got()[0] != 26 || got()[1] != 25 || got()[20] != 6 {
		t.Fatalf("back to the source's order: %v", got())
	}
	for i, it := range h.l.All() {
		if it.n != int64(26-i) {
			t.Fatalf("what was read stays in the source's order: %v", h.l.All())
		}
	}
}
