package ui

import (
	"github.com/charmbracelet/bubbles/key"

	"handoff/ui/widget"
)

// KeyMap holds every binding, one map per place they act: everywhere
// (Global), in every list tab (List, from widget.Listing), in the dialogs
// (Dialog), and in each view its own. Within one view at one moment no two
// bindings share a key (keys_test.go), so a key means one thing wherever
// the analyst is; the same key may mean different things in different
// views (f filters by status in Sessions, failed deliveries in Webhooks).
// Each view's Help lists the bindings live in it, with their help text;
// the footer and `?` are built from them.
type KeyMap struct {
	Global GlobalKeys
	List   widget.ListKeys
	Dialog DialogKeys

	Sessions SessionsKeys
	Queue    QueueKeys
	Tokens   TokensKeys
	Audit    AuditKeys
	Webhooks WebhooksKeys
	Lists    ListsKeys
	Detail   DetailKeys
	Note     NoteKeys
	Text     TextKeys
}

// GlobalKeys act everywhere: ForceQuit even while typing, Quit, Help and
// Tour whenever nothing is being typed, and the rest over the tabs only.
type GlobalKeys struct {
	ForceQuit, Quit, Help              key.Binding
	NextTab, PrevTab, SwitchApp        key.Binding
	Tour                               key.Binding // with Options.Tour only
	Tab1, Tab2, Tab3, Tab4, Tab5, Tab6 key.Binding
}

// DialogKeys act in the dialogs (share, decide, import, switch
// application), each step using some of them.
type DialogKeys struct {
	Up, Down key.Binding // in a pick list
	Pick     key.Binding // a pick list's item by its number
	// A pick list beside a text field moves with the arrows only, so that
	// letters (j, k, g) typed while it has focus are text for the field.
	PickUp, PickDown     key.Binding
	FocusNext, FocusPrev key.Binding // between a pick list and its text field
	Submit, Back         key.Binding // the step's form: on to the next step, back one
	NextField            key.Binding
	Toggle               key.Binding
	Confirm, Cancel      key.Binding // the last step
	Copy, Close          key.Binding // after it
}

// SessionsKeys are the Sessions tab's own keys (with the list's).
type SessionsKeys struct{ Open, Share, Status, Kind, Erase key.Binding }

// QueueKeys are the imports queue's own keys (with the list's, but for
// Refresh: r sorts by findings here, ctrl+r reloads).
type QueueKeys struct {
	Open, Next, Approve, Decline, Import key.Binding
	Confirm, Reject                      key.Binding // a decision someone else proposed
	SortWait, SortFindings, Refresh      key.Binding
}

// AuditKeys are the Audit tab's own keys (with the list's).
type AuditKeys struct{ Open key.Binding }

// WebhooksKeys are the Webhooks tab's own keys (with the list's).
type WebhooksKeys struct{ Open, Failed key.Binding }

// ListsKeys act on the Lists tab.
type ListsKeys struct{ Add, Remove key.Binding }

// TokensKeys act on the Tokens tab.
type TokensKeys struct{ Revoke key.Binding }

// DetailKeys act on an open session.
type DetailKeys struct {
	widget.ScrollKeys
	Back, Refresh, Share, Approve, Decline, Next key.Binding
	Confirm, Reject                              key.Binding // a decision someone else proposed
	PDF, Note, Block                             key.Binding
	// Moving about the case page: the other column (two columns only),
	// the next and previous section, the next and previous finding, and
	// from a finding to its check.
	Focus, NextSection, PrevSection key.Binding
	Finding, PrevFinding, ToCheck   key.Binding
	Older                           key.Binding // the timeline's next older page
}

// NoteKeys act in the note dialog.
type NoteKeys struct{ Save, Cancel key.Binding }

// TextKeys act on a text page (an audit event, a delivery).
type TextKeys struct {
	widget.ScrollKeys
	Close key.Binding
}

// DefaultKeyMap is the k9s/lazygit-style map the workstation uses.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	scroll := widget.ScrollKeys{
		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		PageUp:   b([]string{"pgup", "ctrl+u", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "ctrl+f", " "}, "pgdn", "page down"),
	}
	open := b([]string{"enter"}, "enter", "open")
	back := b([]string{"esc"}, "esc", "back")
	refresh := b([]string{"r", "ctrl+r"}, "r", "reload")
	share := b([]string{"s"}, "s", "share")
	approve := b([]string{"a"}, "a", "approve")
	decline := b([]string{"d"}, "d", "decline")
	next := b([]string{"n"}, "n", "next case")
	confirm := b([]string{"y"}, "y", "confirm proposal")
	reject := b([]string{"R"}, "R", "reject proposal")
	return &KeyMap{
		Global: GlobalKeys{
			ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
			Quit:      b([]string{"q"}, "q", "quit"),
			Help:      b([]string{"?"}, "?", "help"),
			NextTab:   b([]string{"tab"}, "tab", "next tab"),
			PrevTab:   b([]string{"shift+tab"}, "shift+tab", "previous tab"),
			SwitchApp: b([]string{"A"}, "A", "switch application"),
			Tour:      b([]string{"t"}, "t", "tour"),
			Tab1:      b([]string{"1"}, "1", "sessions"),
			Tab2:      b([]string{"2"}, "2", "imports queue"),
			Tab3:      b([]string{"3"}, "3", "tokens"),
			Tab4:      b([]string{"4"}, "4", "audit"),
			Tab5:      b([]string{"5"}, "5", "webhooks"),
			Tab6:      b([]string{"6"}, "6", "lists"),
		},
		List: widget.ListKeys{
			ScrollKeys: scroll,
			Filter:     b([]string{"/"}, "/", "filter"),
			Clear:      back, // clears the filter
			Refresh:    refresh,
			Apply:      b([]string{"enter"}, "enter", "apply filter"),
			Cancel:     b([]string{"esc"}, "esc", "cancel"),
		},
		Dialog: DialogKeys{
			Up:        scroll.Up,
			Down:      scroll.Down,
			Pick:      b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "pick"),
			PickUp:    b([]string{"up"}, "↑", "up"),
			PickDown:  b([]string{"down"}, "↓", "down"),
			FocusNext: b([]string{"tab"}, "tab", "note"),
			FocusPrev: b([]string{"shift+tab"}, "shift+tab", "reason"),
			Submit:    b([]string{"enter"}, "enter", "next"),
			Back:      back,
			NextField: b([]string{"tab", "shift+tab"}, "tab", "next field"),
			Toggle:    b([]string{" ", "x"}, "space", "toggle"),
			Confirm:   b([]string{"y", "enter"}, "y/enter", "confirm"),
			Cancel:    b([]string{"n", "esc"}, "n/esc", "cancel"),
			Copy:      b([]string{"c"}, "c", "copy token"),
			Close:     b([]string{"enter"}, "enter", "close"),
		},
		Sessions: SessionsKeys{Open: open, Share: share,
			Status: b([]string{"f"}, "f", "status filter"),
			Kind:   b([]string{"K"}, "K", "kind filter"),
			Erase:  b([]string{"X"}, "X", "erase session")},
		Queue: QueueKeys{Open: open, Next: next, Approve: approve, Decline: decline,
			Import: b([]string{"i"}, "i", "import token"), Confirm: confirm, Reject: reject,
			SortWait:     b([]string{"o"}, "o", "sort by waiting"),
			SortFindings: b([]string{"r"}, "r", "sort by findings"),
			Refresh:      b([]string{"ctrl+r"}, "ctrl+r", "reload")},
		Tokens:   TokensKeys{Revoke: b([]string{"x"}, "x", "revoke token")},
		Lists:    ListsKeys{Add: b([]string{"a"}, "a", "add entry"), Remove: b([]string{"x"}, "x", "remove entry")},
		Audit:    AuditKeys{Open: open},
		Webhooks: WebhooksKeys{Open: open, Failed: b([]string{"f"}, "f", "failed only")},
		Detail: DetailKeys{ScrollKeys: scroll, Back: back, Refresh: refresh, Share: share,
			Approve: approve, Decline: decline, Next: next, Confirm: confirm, Reject: reject, PDF: b([]string{"p"}, "p", "save PDF"),
			Note:        b([]string{"c"}, "c", "add note"),
			Focus:       b([]string{"tab", "shift+tab"}, "tab", "other column"),
			NextSection: b([]string{"]"}, "]", "next section"),
			PrevSection: b([]string{"["}, "[", "previous section"),
			Finding:     b([]string{"f"}, "f", "next finding"),
			PrevFinding: b([]string{"F"}, "F", "previous finding"),
			ToCheck:     b([]string{"enter"}, "enter", "go to its check"),
			Older:       b([]string{"o"}, "o", "older events"),
			Block:       b([]string{"b"}, "b", "blocklist an identifier")},
		Note: NoteKeys{Save: b([]string{"enter"}, "enter", "add note"), Cancel: b([]string{"esc"}, "esc", "cancel")},
		Text: TextKeys{ScrollKeys: scroll, Close: b([]string{"esc", "enter"}, "esc", "back")},
	}
}

// Each list tab's bindings as its help lists them: the footer's few, and
// all of them in groups for `?`.

func (k SessionsKeys) help(g GlobalKeys, l widget.ListKeys) ([]key.Binding, [][]key.Binding) {
	return []key.Binding{k.Open, k.Share, l.Filter, k.Status, k.Kind, g.SwitchApp},
		[][]key.Binding{scrollGroup(l.ScrollKeys), {k.Open, k.Share, l.Refresh, k.Erase}, {l.Filter, k.Status, k.Kind, l.Clear}}
}

func (k TokensKeys) help(l widget.ListKeys) ([]key.Binding, [][]key.Binding) {
	return []key.Binding{l.Down, l.Up, k.Revoke, l.Filter, l.Refresh},
		[][]key.Binding{scrollGroup(l.ScrollKeys), {k.Revoke, l.Refresh}, {l.Filter, l.Clear}}
}

func (k ListsKeys) help(l widget.ListKeys) ([]key.Binding, [][]key.Binding) {
	return []key.Binding{l.Down, l.Up, k.Add, k.Remove, l.Filter, l.Refresh},
		[][]key.Binding{scrollGroup(l.ScrollKeys), {k.Add, k.Remove, l.Refresh}, {l.Filter, l.Clear}}
}

func (k AuditKeys) help(l widget.ListKeys) ([]key.Binding, [][]key.Binding) {
	return []key.Binding{k.Open, l.Filter, l.Refresh}, [][]key.Binding{scrollGroup(l.ScrollKeys), {k.Open, l.Filter, l.Clear, l.Refresh}}
}

func (k WebhooksKeys) help(l widget.ListKeys) ([]key.Binding, [][]key.Binding) {
	return []key.Binding{k.Open, k.Failed, l.Refresh}, [][]key.Binding{scrollGroup(l.ScrollKeys), {k.Open, k.Failed, l.Clear, l.Refresh}}
}

// scrollGroup is the scroll keys as a help group.
func scrollGroup(s widget.ScrollKeys) []key.Binding {
	return []key.Binding{s.Up, s.Down, s.Top, s.Bottom, s.PageUp, s.PageDown}
}
