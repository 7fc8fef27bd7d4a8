package widget

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// DialogStyles are the styles a dialog frame draws with.
type DialogStyles struct {
	Frame lipgloss.Style // border and padding
	Title lipgloss.Style
	Hint  lipgloss.Style // the key hints at the bottom
	Error lipgloss.Style // the refusal line
}

// Dialog is the content of a modal step: a title, a body, an optional
// refusal and the keys that act on it.
type Dialog struct {
	Title string
	Body  string
	Error string
	Hint  string
}

// InnerWidth is the text width of a dialog drawn in an area w cells wide.
func InnerWidth(w int) int {
	return max(min(w, 76)-4, 20)
}

// View draws the dialog centred in a w×h area, using r for placement.
func (d Dialog) View(r *lipgloss.Renderer, st DialogStyles, w, h int) string {
	inner := InnerWidth(w)
	parts := []string{st.Title.Render(Fit(d.Title, inner, false)), ""}
	if d.Body != "" {
		parts = append(parts, d.Body)
	}
	if d.Error != "" {
		parts = append(parts, "", st.Error.Render(Wrap(d.Error, inner)))
	}
	if d.Hint != "" {
		parts = append(parts, "", st.Hint.Render(Wrap(d.Hint, inner)))
	}
	body := strings.Join(parts, "\n")
	// Every line is fitted so the frame never wraps.
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = Fit(l, inner, false)
	}
	box := st.Frame.Render(strings.Join(lines, "\n"))
	if lipgloss.Height(box) > h {
		bl := strings.Split(box, "\n")
		box = strings.Join(bl[:max(h, 1)], "\n")
	}
	return r.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// Wrap wraps plain text to w cells, breaking long words (tokens, ids).
func Wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Wrap(s, w, "")
}

// Chunk splits s into lines of exactly w cells (the last may be shorter),
// for showing a token that must be copied whole.
func Chunk(s string, w int) []string {
	if w <= 0 {
		return []string{s}
	}
	var out []string
	r := []rune(s)
	for len(r) > w {
		out = append(out, string(r[:w]))
		r = r[w:]
	}
	return append(out, string(r))
}
