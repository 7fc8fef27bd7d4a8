package ui

import (
	"context"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// appsPage picks the application to work in (demos, where one analyst
// acts for both partners).
type appsPage struct {
	c       *Common
	apps    []domain.Application
	list    *widget.List
	err     string
	loading bool
	w, h    int
}

type appsMsg struct {
	page *appsPage
	apps []domain.Application
	err  error
}

func newAppsPage(c *Common) *appsPage { return &appsPage{c: c} }

func (p *appsPage) Title() string   { return "Switch application" }
func (p *appsPage) Capturing() bool { return false }

func (p *appsPage) awaitingData() bool { return p.loading && p.list == nil }
func (p *appsPage) Loading() bool      { return p.loading }
func (p *appsPage) SetSize(w, h int)   { p.w, p.h = w, h }

func (p *appsPage) Init() tea.Cmd {
	p.loading = true
	c := p.c
	return c.run(func(ctx context.Context) tea.Msg {
		apps, err := c.Svc.Applications(ctx, c.Caller)
		return appsMsg{page: p, apps: apps, err: err}
	})
}

// Refresh lists the applications again when they changed.
func (p *appsPage) Refresh(set *changeSet) tea.Cmd {
	if !set.any(review.ChangeApplications) {
		return nil
	}
	return p.Init()
}

func (p *appsPage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Dialog
	s := []key.Binding{k.Up, k.Down, k.Submit, k.Back}
	return s, [][]key.Binding{s}
}

func (p *appsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case appsMsg:
		if msg.page != p {
			return nil
		}
		p.loading = false
		if msg.err != nil {
			p.err = p.c.explain("listing applications", msg.err)
			return nil
		}
		p.apps = p.apps[:0]
		for _, a := range msg.apps {
			if p.c.opts.Apps == nil || slices.Contains(p.c.opts.Apps, a.ID) {
				p.apps = append(p.apps, a)
			}
		}
		names := make([]string, len(p.apps))
		notes := make([]string, len(p.apps))
		at := 0
		for i, a := range p.apps {
			names[i] = clean(a.Name)
			if a.ID == p.c.App.ID {
				notes[i], at = "current", i
			}
		}
		p.list = widget.NewList(names, at)
		p.list.Notes = notes
	case tea.KeyMsg:
		k := p.c.Keys.Dialog
		switch {
		case key.Matches(msg, k.Back):
			return p.c.pop()
		case p.list == nil:
		case key.Matches(msg, k.Up):
			p.list.Up()
		case key.Matches(msg, k.Down):
			p.list.Down()
		case key.Matches(msg, k.Submit):
			i, _, ok := p.list.Chosen()
			if !ok {
				return nil
			}
			if p.apps[i].ID == p.c.App.ID {
				return p.c.pop()
			}
			return cmdOf(switchAppMsg{p.apps[i]})
		}
	}
	return nil
}

func (p *appsPage) View() string {
	st, k := p.c.Styles, p.c.Keys.Dialog
	d := widget.Dialog{Title: "Work in another application", Error: p.err,
		Hint: hints(k.Up, k.Down, k.Submit, k.Back)}
	if p.list == nil {
		d.Body = st.Muted.Render("loading…")
	} else {
		d.Body = "You stay " + st.Accent.Render(p.c.Caller.Analyst) + "; the application changes.\n\n" +
			p.list.View(st.List, widget.InnerWidth(p.w), max(p.h-10, 3), false)
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}
