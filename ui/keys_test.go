package ui

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
)

// TestTypeAhead: a view opens within the keypress that asks for it, so
// keys typed (or pasted) right after it reach the new view even before
// any command has run.
func TestTypeAhead(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2")
	for _, k := range []string{"enter", "d", "5", "tab", "n", "o"} {
		h.m.Update(keyMsg(k)) // commands dropped: nothing round-trips
	}
	d, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("enter then d opened the case then the decline dialog at once, got %T", h.top())
	}
	if _, code, _ := d.reasons.Chosen(); code != "identity_mismatch" || d.note.Value() != "no" {
		t.Fatalf("typed-ahead keys reached the dialog: %q %q", code, d.note.Value())
	}
}

// TestKeysArrivingTogether: over a slow link several typed keys arrive as
// one message; they act one by one.
func TestKeysArrivingTogether(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d5")})
	d, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("d opened the dialog, got %T", h.top())
	}
	if _, code, _ := d.reasons.Chosen(); code != "identity_mismatch" {
		t.Fatalf("5 chose the fifth reason, got %q", code)
	}
	h.press("tab")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("no q")})
	if d.note.Value() != "no q" || h.quit {
		t.Fatalf("typed text stays text: %q quit %v", d.note.Value(), h.quit)
	}
}

// TestNoKeyMeansTwoThings walks every view and step of the workstation and
// checks that, wherever the analyst is, the bindings live there (the view's
// own, as its help lists them, and the global ones live over it) share no
// key; that the footer shows only live bindings; and that every binding of
// the key map is listed live somewhere, so the check covers them all.
func TestNoKeyMeansTwoThings(t *testing.T) {
	w := newWorld(t)
	long := queued(w)
	for i := 0; i < review.CasePage; i++ { // a timeline longer than a page: o reads the older
		if _, err := w.svc.Note(context.Background(), review.Analyst(w.y.ID, "ana"), long.ID, fmt.Sprint("note ", i)); err != nil {
			t.Fatal(err)
		}
	}
	proposeDecline(w, "alice", importCase(w, "case-2", 9)) // under four-eyes: first in sam's queue
	w.generate(w.y, 2, domain.KindUser, domain.PhaseApproved, 5)
	w.generate(w.y, 1, domain.KindUser, domain.PhaseDeclined, 5) // newest: shareable, with findings
	tok := w.mint(w.x, w.y, w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 8)[0])
	// With the tour shown: its panel takes no key but t.
	h := w.openWith(w.y, "sam", 120, 40, Options{Tour: &Tour{Issuer: w.x.Name, Partner: w.y.Name, Receiver: "demo receiver"}})
	seen := map[string]bool{}
	check := func(where string) {
		t.Helper()
		m := h.model()
		short, full := m.focused().Help()
		live := []key.Binding{m.c.Keys.Global.ForceQuit}
		for _, g := range append(full, m.globalGroups()...) {
			live = append(live, g...)
		}
		owner := map[string]string{}
		for _, b := range live {
			id := bindingID(b)
			seen[id] = true
			for _, k := range b.Keys() {
				if o, ok := owner[k]; ok && o != id {
					t.Errorf("%s: %q is both %s and %s", where, k, o, id)
				}
				owner[k] = id
			}
		}
		for _, b := range short {
			if owner[b.Keys()[0]] != bindingID(b) {
				t.Errorf("%s: the footer shows %s, which is not live", where, bindingID(b))
			}
		}
	}
	steps := []struct {
		keys        []string
		where, page string
	}{
		{nil, "Sessions", "sessionsTab"},
		{[]string{"/"}, "the filter prompt", "sessionsTab"},
		{[]string{"esc", "enter"}, "a finished session", "detailPage"},
		{[]string{"c"}, "a note", "notePage"},
		{[]string{"esc", "f"}, "a finding", "detailPage"},
		{[]string{"size 200x50"}, "a case in two columns", "detailPage"},
		{[]string{"enter"}, "a finding's check", "detailPage"},
		{[]string{"size 120x40"}, "a case in one column", "detailPage"},
		{[]string{"s"}, "share: partner", "sharePage"},
		{[]string{"enter"}, "share: lifetime", "sharePage"},
		{[]string{"down", "down", "enter"}, "share: custom lifetime", "sharePage"},
		{[]string{"15m", "enter"}, "share: confirm", "sharePage"},
		{[]string{"y"}, "share: done", "sharePage"},
		{[]string{"esc", "esc", "2"}, "Queue: a decision awaiting a second review", "queueTab"},
		{[]string{"enter"}, "a case awaiting a second review", "detailPage"},
		{[]string{"y"}, "confirm: note", "settlePage"},
		{[]string{"enter"}, "confirm: confirm", "settlePage"},
		{[]string{"n", "esc", "R"}, "reject: note", "settlePage"},
		{[]string{"esc", "esc", "down"}, "Queue: a case to decide", "queueTab"},
		{[]string{"enter"}, "a case in review", "detailPage"},
		{[]string{"d"}, "decline: reason", "decidePage"},
		{[]string{"tab"}, "decline: note", "decidePage"},
		{[]string{"shift+tab"}, "decline: reason again", "decidePage"},
		{[]string{"1", "enter", "no", "enter"}, "decline: confirm", "decidePage"},
		{[]string{"n", "esc", "esc", "i"}, "import: token", "importPage"},
		{[]string{tok, "enter"}, "import: workflow", "importPage"},
		{[]string{"enter"}, "import: details", "importPage"},
		{[]string{"tab"}, "import: trust_review", "importPage"},
		{[]string{"enter"}, "import: confirm", "importPage"},
		{[]string{"y"}, "import: done", "importPage"},
		{[]string{"esc", "3"}, "Tokens", "tokensTab"},
		{[]string{"4"}, "Audit", "auditTab"},
		{[]string{"enter"}, "an audit event", "textPage"},
		{[]string{"esc", "5"}, "Webhooks", "webhooksTab"},
		{[]string{"6"}, "Lists", "listsTab"},
		{[]string{"A"}, "switch application", "appsPage"},
	}
	for _, st := range steps {
		for _, k := range st.keys {
			var width, height int
			if _, err := fmt.Sscanf(k, "size %dx%d", &width, &height); err == nil {
				h.send(tea.WindowSizeMsg{Width: width, Height: height})
				continue
			}
			if len([]rune(k)) > 1 && keyMsg(k).Type == keyMsg("x").Type {
				h.typeText(k)
			} else {
				h.press(k)
			}
		}
		if got := fmt.Sprintf("%T", h.top()); got != "*ui."+st.page {
			t.Fatalf("%s: did not get there, on %s (%s)", st.where, got, h.status().text)
		}
		check(st.where)
	}
	var unseen []string
	eachBinding(reflect.ValueOf(*DefaultKeyMap()), func(b key.Binding) {
		if !seen[bindingID(b)] {
			unseen = append(unseen, bindingID(b))
		}
	})
	if len(unseen) > 0 {
		t.Errorf("bindings never live in any view's help: %v", unseen)
	}
}

func bindingID(b key.Binding) string { return fmt.Sprintf("%v %q", b.Keys(), b.Help().Desc) }

// eachBinding calls fn for every key.Binding in a (nested) key map struct.
func eachBinding(v reflect.Value, fn func(key.Binding)) {
	if b, ok := v.Interface().(key.Binding); ok {
		fn(b)
		return
	}
	for i := 0; i < v.NumField(); i++ {
		eachBinding(v.Field(i), fn)
	}
}

// The full help lists the keys live where it is opened: over an open case
// the case's keys and help and quit, not the tab keys, which act only over
// the tabs.
func TestFullHelpListsLiveKeys(t *testing.T) {
	w := newWorld(t)
	queued(w)
	h := w.open(w.y, "sam", 120, 40)
	h.press("?")
	h.expectView("Keys — Sessions", "next tab", "1 sessions", "status filter")
	h.press("x", "2", "enter", "?")
	h.expectView("Keys — Session #", "approve", "decline", "next case", "help", "quit")
	if v := h.view(); strings.Contains(v, "next tab") || strings.Contains(v, "1 sessions") || strings.Contains(v, "switch application") {
		t.Fatalf("over an open case the tab keys are not listed:\n%s", v)
	}
	if strings.Contains(h.view(), "other column") {
		t.Fatalf("at 120 columns the case has one column, and tab does nothing:\n%s", h.view())
	}
	h.press("x")
	h.send(tea.WindowSizeMsg{Width: 200, Height: 50})
	h.press("?")
	h.expectView("tab other column", "] next section", "c add note")
}
