package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"handoff/ui/widget"
)

// twoColumnsAt is the width from which a case page has two columns: the
// case (decision, findings, provenance, timeline) on the left, the
// evidence (pictures and checks) on the right, each scrolling on its own.
// Below it the two follow each other in one column.
const twoColumnsAt = 150

// Which column of a case page.
const (
	colCase     = 0
	colEvidence = 1
)

// caseLayout holds a case page's columns and which one has the keyboard.
type caseLayout struct {
	panes [2]*widget.Pane
	two   bool
	focus int
	w, h  int
}

func newCaseLayout() *caseLayout {
	return &caseLayout{panes: [2]*widget.Pane{widget.NewPane(80, 20), widget.NewPane(80, 20)}}
}

// setSize lays the columns out for w×h.
func (l *caseLayout) setSize(w, h int) {
	l.w, l.h = w, h
	l.two = w >= twoColumnsAt
	if !l.two {
		l.focus = colCase
		l.panes[colCase].SetSize(w, h)
		return
	}
	left := l.width(colCase)
	l.panes[colCase].SetSize(left, h-1) // under each column's title line
	l.panes[colEvidence].SetSize(l.width(colEvidence), h-1)
}

// width is the text width of a column.
func (l *caseLayout) width(col int) int {
	if !l.two {
		return l.w
	}
	left := max(58, (l.w-3)*2/5)
	if col == colCase {
		return left
	}
	return l.w - 3 - left
}

// setContent fills the columns: in one column the evidence follows the
// case, its marks moved down with it.
func (l *caseLayout) setContent(caseText string, caseMarks []widget.Mark, evText string, evMarks []widget.Mark) {
	if l.two {
		l.panes[colCase].SetContent(caseText, caseMarks)
		l.panes[colEvidence].SetContent(evText, evMarks)
		return
	}
	shift := strings.Count(caseText, "\n") + 1
	marks := append([]widget.Mark{}, caseMarks...)
	for _, m := range evMarks {
		m.Line += shift
		marks = append(marks, m)
	}
	l.panes[colCase].SetContent(caseText+"\n"+evText, marks)
}

// pane is the column that holds col's content (in one column, the one).
func (l *caseLayout) pane(col int) *widget.Pane {
	if !l.two {
		return l.panes[colCase]
	}
	return l.panes[col]
}

// focused is the column with the keyboard.
func (l *caseLayout) focused() *widget.Pane { return l.pane(l.focus) }

// toggle moves the keyboard to the other column (two columns only).
func (l *caseLayout) toggle() bool {
	if !l.two {
		return false
	}
	l.focus = 1 - l.focus
	return true
}

// jump shows the mark named name at the top of the column holding it,
// and gives that column the keyboard.
func (l *caseLayout) jump(col int, name string) bool {
	p := l.pane(col)
	m, ok := p.Mark(name)
	if !ok {
		return false
	}
	p.GoTo(m.Line)
	if l.two {
		l.focus = col
	}
	return true
}

// section moves the focused column to its next (or previous) section; at
// the last section of the case column it goes on to the evidence, at the
// first of the evidence back to the case.
func (l *caseLayout) section(next bool) {
	p := l.focused()
	m, ok := p.PrevSection()
	if next {
		m, ok = p.NextSection()
	}
	switch {
	case ok:
		p.GoTo(m.Line)
	case l.two && next && l.focus == colCase:
		l.focus = colEvidence
		l.panes[colEvidence].GoTo(0)
	case l.two && !next && l.focus == colEvidence:
		l.focus = colCase
		if s := l.panes[colCase].Sections(); len(s) > 0 {
			l.panes[colCase].GoTo(s[len(s)-1].Line)
		}
	case !next:
		p.GoTo(0)
	}
}

// visible reports whether line of col's pane is on screen.
func (l *caseLayout) visible(col, line int) bool {
	p := l.pane(col)
	return line >= p.Offset() && line < p.Offset()+p.Height()
}

// view draws the columns: in two, each under a title that shows which
// has the keyboard, with a rule between them.
func (l *caseLayout) view(st *Styles) string {
	if !l.two {
		return l.panes[colCase].View()
	}
	title := func(col int, text string) string {
		w := l.width(col)
		if col == l.focus {
			return st.Accent.Bold(true).Render(widget.Fit("▌"+text, w, false))
		}
		return st.Muted.Render(widget.Fit(" "+text, w, false))
	}
	a := title(colCase, "Case · decision, findings, provenance, timeline") + "\n" + l.panes[colCase].View()
	b := title(colEvidence, "Evidence · pictures and checks") + "\n" + l.panes[colEvidence].View()
	rule := st.Muted.Render(strings.TrimSuffix(strings.Repeat(" │ \n", l.h), "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top, a, rule, b)
}
