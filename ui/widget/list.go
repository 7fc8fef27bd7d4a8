package widget

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// List is a short pick list (partners, lifetimes, workflows, reason
// codes). Cursor -1 means nothing is chosen yet.
type List struct {
	Items  []string
	Notes  []string // optional muted text after each item
	Cursor int
}

// NewList returns a list with the cursor on item at (-1: none).
func NewList(items []string, at int) *List {
	return &List{Items: items, Cursor: at}
}

// Up and Down move the cursor, stopping at the ends.
func (l *List) Up() {
	if l.Cursor > 0 {
		l.Cursor--
	}
}

func (l *List) Down() {
	if l.Cursor < len(l.Items)-1 {
		l.Cursor++
	}
}

// Chosen reports the item under the cursor, if any.
func (l *List) Chosen() (int, string, bool) {
	if l.Cursor < 0 || l.Cursor >= len(l.Items) {
		return -1, "", false
	}
	return l.Cursor, l.Items[l.Cursor], true
}

// ListStyles are the styles a list draws with.
type ListStyles struct {
	Item     lipgloss.Style
	Selected lipgloss.Style
	Note     lipgloss.Style
}

// View draws at most height items around the cursor, each fitted to width.
// radio draws "( )"/"(•)" marks instead of the cursor arrow, for choices
// that must be made explicitly.
func (l *List) View(st ListStyles, width, height int, radio bool) string {
	if height <= 0 {
		height = len(l.Items)
	}
	first := 0
	if l.Cursor >= height {
		first = l.Cursor - height + 1
	}
	var lines []string
	for i := first; i < len(l.Items) && i < first+height; i++ {
		mark := "  "
		if radio {
			mark = "( ) "
		}
		sel := i == l.Cursor
		if sel {
			mark = "› "
			if radio {
				mark = "(•) "
			}
		}
		text := mark + l.Items[i]
		if i < len(l.Notes) && l.Notes[i] != "" {
			text += "  " + st.Note.Render(l.Notes[i])
		}
		text = Fit(text, width, false)
		if sel {
			lines = append(lines, st.Selected.Render(text))
		} else {
			lines = append(lines, st.Item.Render(text))
		}
	}
	return strings.Join(lines, "\n")
}
