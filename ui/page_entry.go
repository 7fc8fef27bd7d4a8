package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// The entry dialog puts a value on a list, with the reason the list
// keeps: from the Lists tab (a) any list and a typed value; from a case
// (b) one of the case's identifiers onto the blocklist of its type.
// pick → value (Lists tab only) → reason → confirm → done.

type entryStep int

const (
	entryPick entryStep = iota
	entryValue
	entryReason
	entryConfirm
	entryBusy
)

// entryChoice is one line of the pick: a list and, from a case, the
// identifier that goes on it.
type entryChoice struct {
	list domain.List
	id   *domain.Identifier
}

func (ch entryChoice) String() string {
	if ch.id == nil {
		return fmt.Sprintf("%s (%s, %s, %d)", clean(ch.list.Name), ch.list.Type, ch.list.EntryType.Label(), ch.list.EntryCount)
	}
	s := ch.list.EntryType.Label() + ": " + clean(ch.id.Value)
	if ch.id.Who != "" {
		s += " (" + clean(ch.id.Who) + ")"
	}
	return s
}

type entryPage struct {
	c       *Common
	sess    *domain.Session // set when adding from a case
	step    entryStep
	choices []entryChoice
	pick    *widget.List
	chosen  entryChoice
	value   textinput.Model
	typed   string // the typed value as the list will hold it
	reason  textinput.Model
	err     string
	w, h    int
}

type (
	entryListsMsg struct {
		page  *entryPage
		lists []domain.List
		err   error
	}
	entryAddedMsg struct {
		page  *entryPage
		entry domain.ListEntry
		err   error
	}
)

// newEntryPage adds to any of the application's lists.
func newEntryPage(c *Common) *entryPage { return newEntryPageFor(c, nil) }

// newBlockPage adds one of sess's identifiers to its type's blocklist.
func newBlockPage(c *Common, sess domain.Session) *entryPage { return newEntryPageFor(c, &sess) }

func newEntryPageFor(c *Common, sess *domain.Session) *entryPage {
	return &entryPage{c: c, sess: sess, step: entryBusy,
		value:  c.newInput("value: ", "as the list's entry type reads it", 512),
		reason: c.newInput("why: ", "the reason, kept with the entry", domain.MaxListText)}
}

func (p *entryPage) Title() string {
	if p.sess != nil {
		return "Blocklist an identifier"
	}
	return "Add a list entry"
}
func (p *entryPage) Capturing() bool { return p.step == entryValue || p.step == entryReason }
func (p *entryPage) Loading() bool   { return p.step == entryBusy }
func (p *entryPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.value.Width = widget.InnerWidth(w) - 9
	p.reason.Width = widget.InnerWidth(w) - 7
}

func (p *entryPage) Init() tea.Cmd {
	c := p.c
	q := review.ListsQuery{Limit: 200}
	if p.sess != nil {
		q.ListType = string(domain.ListBlocklist)
	}
	return c.run(func(ctx context.Context) tea.Msg {
		ls, _, err := c.Svc.Lists(ctx, c.Caller, q)
		return entryListsMsg{page: p, lists: ls, err: err}
	})
}

func (p *entryPage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Dialog
	var short []key.Binding
	switch p.step {
	case entryPick:
		short = []key.Binding{k.Up, k.Down, k.Submit, k.Back}
	case entryValue, entryReason:
		short = []key.Binding{k.Submit, k.Back}
	case entryConfirm:
		short = []key.Binding{k.Confirm, k.Cancel}
	default:
		return nil, nil
	}
	return short, [][]key.Binding{short}
}

func (p *entryPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case entryListsMsg:
		if msg.page == p {
			return p.handleLists(msg)
		}
	case entryAddedMsg:
		if msg.page != p {
			return nil
		}
		if msg.err != nil {
			p.step, p.err = entryConfirm, p.c.explain("adding the entry", msg.err)
			return nil
		}
		text := fmt.Sprintf("Added %s to %s.", domain.MaskValue(p.chosen.list.EntryType, msg.entry.Value), clean(p.chosen.list.Name))
		if p.sess != nil {
			text = fmt.Sprintf("Added %s to %s: session #%d and every import that holds it are now matched.",
				domain.MaskValue(p.chosen.list.EntryType, msg.entry.Value), clean(p.chosen.list.Name), p.sess.Number)
		}
		return tea.Batch(p.c.pop(), status(text))
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

// handleLists builds the pick: every list, or from a case each of its
// identifiers beside the blocklist of its type.
func (p *entryPage) handleLists(msg entryListsMsg) tea.Cmd {
	if msg.err != nil {
		return tea.Batch(p.c.pop(), p.c.failure("reading the lists", msg.err))
	}
	p.choices = p.choices[:0]
	if p.sess == nil {
		for _, l := range msg.lists {
			p.choices = append(p.choices, entryChoice{list: l})
		}
	} else {
		system := map[domain.EntryType]domain.List{}
		for _, l := range msg.lists {
			if l.System {
				system[l.EntryType] = l
			}
		}
		for _, id := range domain.SessionIdentifiers(*p.sess) {
			if l, ok := system[id.Type]; ok && id.Type != domain.EntryCountry {
				id := id
				p.choices = append(p.choices, entryChoice{list: l, id: &id})
			}
		}
	}
	if len(p.choices) == 0 {
		what := "This application has no lists yet: create one with handoff list create, or POST /v3/lists/."
		if p.sess != nil {
			what = fmt.Sprintf("Session #%d holds no identifier a blocklist can hold.", p.sess.Number)
		}
		return tea.Batch(p.c.pop(), cmdOf(statusMsg{text: what, err: true}))
	}
	names := make([]string, len(p.choices))
	for i, ch := range p.choices {
		names[i] = ch.String()
	}
	p.pick, p.step = widget.NewList(names, 0), entryPick
	return nil
}

func (p *entryPage) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch p.step {
	case entryPick:
		switch {
		case key.Matches(msg, k.Back):
			return p.c.pop()
		case key.Matches(msg, k.Up):
			p.pick.Up()
		case key.Matches(msg, k.Down):
			p.pick.Down()
		case key.Matches(msg, k.Submit):
			i, _, _ := p.pick.Chosen()
			p.chosen, p.err = p.choices[i], ""
			if p.chosen.id != nil {
				p.step = entryReason
				return p.reason.Focus()
			}
			p.step = entryValue
			return p.value.Focus()
		}
	case entryValue:
		switch {
		case key.Matches(msg, k.Back):
			p.value.Blur()
			p.step, p.err = entryPick, ""
			return nil
		case key.Matches(msg, k.Submit):
			// The rule is the domain's; asking here saves a round trip.
			v, err := domain.NormalizeEntry(p.chosen.list.EntryType, p.value.Value())
			if err != nil {
				p.err = err.Error()
				return nil
			}
			p.typed = v
			p.value.Blur()
			p.step, p.err = entryReason, ""
			return p.reason.Focus()
		}
		var cmd tea.Cmd
		p.value, cmd = p.value.Update(msg)
		return cmd
	case entryReason:
		switch {
		case key.Matches(msg, k.Back):
			p.reason.Blur()
			p.err = ""
			if p.chosen.id != nil {
				p.step = entryPick
				return nil
			}
			p.step = entryValue
			return p.value.Focus()
		case key.Matches(msg, k.Submit):
			// The rule is the domain's (review holds the add to it);
			// asking here says so before the confirmation.
			if err := domain.ValidateEntryReason(p.c.Caller, p.request().Comment); err != nil {
				p.err = p.c.explain("adding the entry", err)
				return nil
			}
			p.reason.Blur()
			p.step, p.err = entryConfirm, ""
			return nil
		}
		var cmd tea.Cmd
		p.reason, cmd = p.reason.Update(msg)
		return cmd
	case entryConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			return p.add()
		case key.Matches(msg, k.Cancel):
			p.step, p.err = entryReason, ""
			return p.reason.Focus()
		}
	}
	return nil
}

func (p *entryPage) request() review.NewEntry {
	req := review.NewEntry{Comment: strings.TrimSpace(p.reason.Value())}
	if id := p.chosen.id; id != nil {
		req.Value, req.ReferenceSessionID = id.Value, &p.sess.ID
		req.DisplayLabel = fmt.Sprintf("session #%d", p.sess.Number)
	} else {
		req.Value = p.typed
	}
	return req
}

func (p *entryPage) add() tea.Cmd {
	p.step = entryBusy
	c, list, req := p.c, p.chosen.list.ID, p.request()
	return c.run(func(ctx context.Context) tea.Msg {
		e, err := c.Svc.AddEntry(ctx, c.Caller, list, req)
		return entryAddedMsg{page: p, entry: e, err: err}
	})
}

func (p *entryPage) View() string {
	st, k := p.c.Styles, p.c.Keys.Dialog
	d := widget.Dialog{Title: p.Title(), Error: p.err}
	switch p.step {
	case entryBusy:
		d.Body = "…"
	case entryPick:
		what := "The list to add to:"
		if p.sess != nil {
			what = fmt.Sprintf("Which of session #%d's identifiers goes on the blocklist:", p.sess.Number)
		}
		d.Body = what + "\n\n" + p.pick.View(st.List, widget.InnerWidth(p.w), max(p.h-12, 3), false)
		d.Hint = hints(k.Up, k.Down, k.Submit, k.Back)
	case entryValue:
		d.Body = "On " + st.Accent.Render(clean(p.chosen.list.Name)) + ", a " + p.chosen.list.EntryType.Label() + ":\n\n" + p.value.View()
		d.Hint = hints(k.Submit, k.Back)
	case entryReason:
		d.Body = p.summary() + "\n\n" + p.reason.View()
		d.Hint = hints(k.Submit, k.Back)
	case entryConfirm:
		d.Body = p.summary() + "\nwhy " + clean(strings.TrimSpace(p.reason.Value())) + "\n\nAdd it? Imports are matched against it from now on."
		d.Hint = hints(k.Confirm, k.Cancel)
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}

// summary names the value and the list it goes on.
func (p *entryPage) summary() string {
	st := p.c.Styles
	v := p.typed
	if p.chosen.id != nil {
		v = p.chosen.id.Value
	}
	return "Add " + st.Accent.Render(clean(v)) + " to " + st.Accent.Render(clean(p.chosen.list.Name))
}
