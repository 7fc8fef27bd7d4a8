package widget

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// Pane is a scrolling column of text with named marks on its lines (a
// section's heading, an item's first line), so that a page can jump
// between sections and to an item by name. Its content is padded at the
// end so that every section can scroll to the top.
type Pane struct {
	vp    viewport.Model
	text  string
	marks []Mark
}

// Mark names a line of a pane's content.
type Mark struct {
	Name    string
	Line    int
	Section bool // a section's heading: [ and ] stop at it
}

// NewPane returns an empty pane of w×h cells.
func NewPane(w, h int) *Pane { return &Pane{vp: viewport.New(w, h)} }

// SetSize sets the pane's size, keeping its content and position.
func (p *Pane) SetSize(w, h int) {
	p.vp.Width, p.vp.Height = w, max(h, 1)
	p.SetContent(p.text, p.marks)
}

// SetContent replaces the text and its marks, keeping the position.
func (p *Pane) SetContent(text string, marks []Mark) {
	p.text, p.marks = text, marks
	off := p.vp.YOffset
	lines := strings.Count(text, "\n") + 1
	if last, ok := p.lastSection(); ok && lines-last.Line < p.vp.Height {
		text += strings.Repeat("\n", p.vp.Height-(lines-last.Line))
	}
	p.vp.SetContent(text)
	p.vp.SetYOffset(off)
}

func (p *Pane) lastSection() (Mark, bool) {
	for i := len(p.marks) - 1; i >= 0; i-- {
		if p.marks[i].Section {
			return p.marks[i], true
		}
	}
	return Mark{}, false
}

// Offset is the first line shown.
func (p *Pane) Offset() int { return p.vp.YOffset }

// AtBottom reports whether the last line shows.
func (p *Pane) AtBottom() bool { return p.vp.AtBottom() }

// Height is how many lines show.
func (p *Pane) Height() int { return p.vp.Height }

// GoTo shows line at the top (as near as the content allows).
func (p *Pane) GoTo(line int) { p.vp.SetYOffset(line) }

// Mark returns the mark named name.
func (p *Pane) Mark(name string) (Mark, bool) {
	for _, m := range p.marks {
		if m.Name == name {
			return m, true
		}
	}
	return Mark{}, false
}

// Sections are the pane's section marks, in order.
func (p *Pane) Sections() []Mark {
	var out []Mark
	for _, m := range p.marks {
		if m.Section {
			out = append(out, m)
		}
	}
	return out
}

// NextSection is the first section below the top line, and false at the
// last one.
func (p *Pane) NextSection() (Mark, bool) {
	for _, m := range p.Sections() {
		if m.Line > p.vp.YOffset {
			return m, true
		}
	}
	return Mark{}, false
}

// PrevSection is the last section above the top line, and false at the
// first one.
func (p *Pane) PrevSection() (Mark, bool) {
	s := p.Sections()
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].Line < p.vp.YOffset {
			return s[i], true
		}
	}
	return Mark{}, false
}

// Scroll moves the pane by the scroll keys; it reports whether msg was one.
func (p *Pane) Scroll(k ScrollKeys, msg tea.KeyMsg) bool { return Scroll(&p.vp, k, msg) }

// View is the lines shown.
func (p *Pane) View() string { return p.vp.View() }

// Scroll moves a viewport by the scroll keys; it reports whether msg was
// one of them.
func Scroll(vp *viewport.Model, k ScrollKeys, msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, k.Up):
		vp.LineUp(1)
	case key.Matches(msg, k.Down):
		vp.LineDown(1)
	case key.Matches(msg, k.PageUp):
		vp.ViewUp()
	case key.Matches(msg, k.PageDown):
		vp.ViewDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}
