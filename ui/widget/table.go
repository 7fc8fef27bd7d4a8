// Package widget holds the generic pieces of the workstation: a table, the
// list a list tab is built on (Listing: paging, refresh in place, the
// filter prompt, the list keys), a pick list, a dialog frame and text
// helpers. They know nothing about sessions or the review service; pages
// in package ui compose them. Nothing here keeps package-level state, and
// every style comes in from the caller, built on the caller's renderer.
package widget

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Column describes one table column.
type Column struct {
	Title string
	Width int  // fixed width, or the minimum width when Flex > 0
	Flex  int  // share of the width left over by the fixed columns
	Right bool // right-aligned (numbers)
	// Keep orders what a narrow table drops: columns with no text in any
	// row go first, then the lowest Keep, the rightmost of equals first.
	Keep int
}

// Row is one table row: plain cell texts and, optionally, a style per cell
// (a zero style leaves the cell as is).
type Row struct {
	Cells  []string
	Styles []lipgloss.Style
}

// TableStyles are the styles a table draws with.
type TableStyles struct {
	Header   lipgloss.Style
	Selected lipgloss.Style
	Empty    lipgloss.Style
}

// Table is a scrolling table with a cursor. It holds only the rows it is
// given; paging from a database is the page's business.
type Table struct {
	cols   []Column
	rows   []Row
	cursor int
	offset int
	width  int
	height int
	st     TableStyles
	Empty  string // shown when there are no rows
	// view is the last drawing, kept until something it shows changes: a
	// program draws after every message, most of which leave tables alone.
	view  string
	fresh bool
}

// NewTable returns an empty table.
func NewTable(cols []Column, st TableStyles) *Table {
	return &Table{cols: cols, st: st, width: 80, height: 10}
}

// SetSize sets the table's outer size; the header takes one line.
func (t *Table) SetSize(w, h int) {
	t.width, t.height = max(w, 10), max(h, 2)
	t.clamp()
}

// SetRows replaces the rows, keeping the cursor where it can.
func (t *Table) SetRows(rows []Row) {
	t.rows = rows
	t.clamp()
}

// AppendRows adds rows at the end (the next page).
func (t *Table) AppendRows(rows []Row) {
	t.rows = append(t.rows, rows...)
	t.clamp()
}

// Len is the number of rows held.
func (t *Table) Len() int { return len(t.rows) }

// Cursor is the index of the selected row (0 when empty).
func (t *Table) Cursor() int { return t.cursor }

// SetCursor moves the cursor to row i.
func (t *Table) SetCursor(i int) {
	t.cursor = i
	t.clamp()
}

// Follow puts the cursor on row to after the rows were replaced, when it
// was on row from before: the row the analyst had selected stays selected
// and, unless the view was at the top (where new rows should show), on the
// same screen line.
func (t *Table) Follow(from, to int) {
	if t.offset > 0 {
		t.offset += to - from
	}
	t.SetCursor(to)
}

// Move moves the cursor by n rows (negative: up).
func (t *Table) Move(n int) { t.SetCursor(t.cursor + n) }

// PageSize is how many rows one screen shows.
func (t *Table) PageSize() int { return max(t.height-1, 1) }

// Top and Bottom jump to the first and last row held.
func (t *Table) Top()    { t.SetCursor(0) }
func (t *Table) Bottom() { t.SetCursor(len(t.rows) - 1) }

func (t *Table) clamp() {
	t.fresh = false
	if t.cursor >= len(t.rows) {
		t.cursor = len(t.rows) - 1
	}
	if t.cursor < 0 {
		t.cursor = 0
	}
	page := t.PageSize()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+page {
		t.offset = t.cursor - page + 1
	}
	if t.offset > max(len(t.rows)-page, 0) {
		t.offset = max(len(t.rows)-page, 0)
	}
	if t.offset < 0 {
		t.offset = 0
	}
}

// widths lays the columns out in the table's width: fixed columns get
// their width, flexible ones share what is left, and when not all fit the
// table drops columns (empty ones first, then by Keep) until the rest do.
func (t *Table) widths() []int {
	const marker = 2 // the cursor mark and its space
	avail := t.width - marker
	out := make([]int, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.Width
	}
	need := func() int {
		n, shown := 0, 0
		for _, w := range out {
			if w > 0 {
				n += w
				shown++
			}
		}
		return n + max(shown-1, 0) // gaps
	}
	for need() > avail {
		drop := -1
		for i := range t.cols {
			if out[i] > 0 && (drop < 0 || !t.dropsBefore(drop, i)) {
				drop = i // the scan runs left to right: a tie goes to the rightmost
			}
		}
		out[drop] = 0
	}
	left, flex := avail-need(), 0
	for i, c := range t.cols {
		if out[i] > 0 {
			flex += c.Flex
		}
	}
	if left > 0 && flex > 0 {
		first := -1
		for i, c := range t.cols {
			if out[i] > 0 && c.Flex > 0 {
				out[i] += left * c.Flex / flex
				if first < 0 {
					first = i
				}
			}
		}
		out[first] += avail - need() // rounding leftovers
	}
	return out
}

// dropsBefore reports whether column a goes strictly before column b
// on a narrow screen: a is empty and b is not, or both are alike and a
// has the lower Keep.
func (t *Table) dropsBefore(a, b int) bool {
	if ea, eb := t.empty(a), t.empty(b); ea != eb {
		return ea
	}
	return t.cols[a].Keep < t.cols[b].Keep
}

// empty reports whether column i has no text in any row (and there are rows).
func (t *Table) empty(i int) bool {
	if len(t.rows) == 0 {
		return false
	}
	for _, r := range t.rows {
		if i < len(r.Cells) && strings.TrimSpace(r.Cells[i]) != "" {
			return false
		}
	}
	return true
}

// View draws the header and the visible rows, exactly height lines.
func (t *Table) View() string {
	if !t.fresh {
		t.view, t.fresh = t.draw(), true
	}
	return t.view
}

func (t *Table) draw() string {
	ws := t.widths()
	var b strings.Builder
	hdr := make([]string, 0, len(t.cols))
	for i, c := range t.cols {
		if ws[i] > 0 {
			hdr = append(hdr, Fit(c.Title, ws[i], c.Right))
		}
	}
	b.WriteString(t.st.Header.Render(Fit("  "+strings.Join(hdr, " "), t.width, false)))
	lines := 1
	if len(t.rows) == 0 && t.Empty != "" {
		b.WriteString("\n" + t.st.Empty.Render(Fit("  "+t.Empty, t.width, false)))
		lines++
	}
	for i := t.offset; i < len(t.rows) && lines < t.height; i++ {
		b.WriteString("\n")
		b.WriteString(t.renderRow(i, ws))
		lines++
	}
	for ; lines < t.height; lines++ {
		b.WriteString("\n")
	}
	return b.String()
}

func (t *Table) renderRow(i int, ws []int) string {
	r := t.rows[i]
	selected := i == t.cursor
	cells := make([]string, 0, len(t.cols))
	for j, c := range t.cols {
		if ws[j] == 0 {
			continue
		}
		text := ""
		if j < len(r.Cells) {
			text = r.Cells[j]
		}
		text = Fit(text, ws[j], c.Right)
		if !selected && j < len(r.Styles) {
			text = r.Styles[j].Render(text)
		}
		cells = append(cells, text)
	}
	if selected {
		line := "› " + ansi.Strip(strings.Join(cells, " "))
		return t.st.Selected.Render(Fit(line, t.width, false))
	}
	line := "  " + strings.Join(cells, " ")
	if pad := t.width - ansi.StringWidth(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	return line
}

// Fit truncates s to w cells (with an ellipsis) or pads it to w.
func Fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", w-n)
	if right {
		return pad + s
	}
	return s + pad
}

// JoinEnds puts left and right at the two ends of a w-cell line.
func JoinEnds(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		if rw+1 >= w {
			return ansi.Truncate(left, w, "…")
		}
		left = ansi.Truncate(left, w-rw-1, "…")
		lw = ansi.StringWidth(left)
	}
	return left + strings.Repeat(" ", max(w-lw-rw, 1)) + right
}
