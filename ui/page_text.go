package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/ui/widget"
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
	k := p.c.Keys.Text
	return []key.Binding{k.Close, k.Down, k.Up}, [][]key.Binding{append(scrollGroup(k.ScrollKeys), k.Close)}
}

func (p *textPage) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.c.Keys.Text
	switch {
	case key.Matches(km, k.Close):
		return p.c.pop()
	default:
		scroll(&p.vp, k.ScrollKeys, km)
	}
	return nil
}

// scroll moves a viewport by the navigation keys; it reports whether msg
// was one of them.
func scroll(vp *viewport.Model, k widget.ScrollKeys, msg tea.KeyMsg) bool {
	return widget.Scroll(vp, k, msg)
}

func (p *textPage) View() string { return p.vp.View() }
