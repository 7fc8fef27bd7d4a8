package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// textPage shows a block of text (an audit event) in a scrolling view.
type textPage struct {
	c     *Common
	title string
	text  string
	vp    viewport.Model
}

func newTextPage(c *Common, title, text string) *textPage {
	p := &textPage{c: c, title: title, text: text, vp: viewport.New(80, 20)}
	p.vp.SetContent(text)
	return p
}

func (p *textPage) Title() string   { return p.title }
func (p *textPage) Capturing() bool { return false }
func (p *textPage) Loading() bool   { return false }
func (p *textPage) Init() tea.Cmd   { return nil }
func (p *textPage) SetSize(w, h int) {
	p.vp.Width, p.vp.Height = w, h
	p.vp.SetContent(p.text)
}

func (p *textPage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	return []key.Binding{k.Back, k.Down, k.Up}, [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Back}}
}

func (p *textPage) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.c.Keys
	switch {
	case key.Matches(km, k.Back), key.Matches(km, k.Open):
		return p.c.pop()
	case key.Matches(km, k.Up):
		p.vp.LineUp(1)
	case key.Matches(km, k.Down):
		p.vp.LineDown(1)
	case key.Matches(km, k.PageUp):
		p.vp.ViewUp()
	case key.Matches(km, k.PageDown):
		p.vp.ViewDown()
	case key.Matches(km, k.Top):
		p.vp.GotoTop()
	case key.Matches(km, k.Bottom):
		p.vp.GotoBottom()
	}
	return nil
}

func (p *textPage) View() string { return p.vp.View() }
