package ui

import (
	"github.com/charmbracelet/bubbles/key"

	"handoff/ui/widget"
)

// KeyMap holds every binding, grouped by where it acts. Each view picks
// the bindings it shows in the footer (short help) and in `?` (full help).
type KeyMap struct {
	// Everywhere.
	Quit, Help, NextTab, PrevTab, SwitchApp key.Binding
	Tab1, Tab2, Tab3, Tab4, Tab5            key.Binding
	// Lists and scrolling views.
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open, Back, Filter, Refresh             key.Binding
	// Page actions.
	Share, Import, Approve, Decline, Copy key.Binding
	Next, Status, Kind, Failed            key.Binding
	// Dialogs.
	Confirm, Cancel, Submit, NextField, Toggle key.Binding
}

// DefaultKeyMap is the k9s/lazygit-style map the workstation uses.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:      b([]string{"?"}, "?", "help"),
		NextTab:   b([]string{"tab"}, "tab", "next tab"),
		PrevTab:   b([]string{"shift+tab"}, "shift+tab", "previous tab"),
		SwitchApp: b([]string{"A"}, "A", "switch application"),
		Tab1:      b([]string{"1"}, "1", "sessions"),
		Tab2:      b([]string{"2"}, "2", "imports queue"),
		Tab3:      b([]string{"3"}, "3", "tokens"),
		Tab4:      b([]string{"4"}, "4", "audit"),
		Tab5:      b([]string{"5"}, "5", "webhooks"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		PageUp:   b([]string{"pgup", "ctrl+u", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "ctrl+f", " "}, "pgdn", "page down"),
		Open:     b([]string{"enter"}, "enter", "open"),
		Back:     b([]string{"esc"}, "esc", "back"),
		Filter:   b([]string{"/"}, "/", "filter"),
		Refresh:  b([]string{"r", "ctrl+r"}, "r", "reload"),

		Share:   b([]string{"s"}, "s", "share"),
		Import:  b([]string{"i"}, "i", "import token"),
		Approve: b([]string{"a"}, "a", "approve"),
		Decline: b([]string{"d"}, "d", "decline"),
		Copy:    b([]string{"c"}, "c", "copy token"),
		Next:    b([]string{"n"}, "n", "next case"),
		Status:  b([]string{"f"}, "f", "status filter"),
		Kind:    b([]string{"t"}, "t", "kind filter"),
		Failed:  b([]string{"f"}, "f", "failed only"),

		Confirm:   b([]string{"y", "enter"}, "y/enter", "confirm"),
		Cancel:    b([]string{"n", "esc"}, "n/esc", "cancel"),
		Submit:    b([]string{"enter"}, "enter", "next"),
		NextField: b([]string{"tab"}, "tab", "next field"),
		Toggle:    b([]string{" ", "x"}, "space", "toggle"),
	}
}

// helpKeys adapts a page's binding lists to bubbles/help.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

// listKeys are the bindings a list tab's widget.Listing acts on.
func (c *Common) listKeys() widget.ListKeys {
	k := c.Keys
	return widget.ListKeys{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Top, Bottom: k.Bottom,
		Filter: k.Filter, Clear: k.Back, Refresh: k.Refresh,
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}
