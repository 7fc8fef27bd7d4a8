// Package picture draws images in a terminal cell box: real pixels on
// terminals that speak an image protocol (kitty graphics, iTerm2 inline
// images, sixel), a truecolor half-block rendering everywhere else, and a
// plain-text placeholder under NO_COLOR or on a dumb terminal.
//
// A Renderer belongs to one program (one terminal): it knows the mode that
// terminal was detected with and caches what it drew. Render always
// returns exactly rows lines of exactly cols cells, so a picture never
// changes the layout around it; a caller draws only what is on screen.
package picture

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/iterm2"
	"github.com/charmbracelet/x/ansi/kitty"
	"github.com/charmbracelet/x/ansi/sixel"
)

// Mode is how pictures reach the terminal.
type Mode int

const (
	Off    Mode = iota // nothing: a blank box
	Text               // a placeholder naming the picture
	Blocks             // half blocks, two truecolor pixels a cell
	Kitty              // kitty graphics protocol
	ITerm2             // iTerm2 inline images
	Sixel              // DEC sixel graphics
)

var modeNames = []string{"off", "text", "blocks", "kitty", "iterm2", "sixel"}

func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return "unknown"
	}
	return modeNames[m]
}

// ParseMode reads --images: kitty, iterm2, sixel, blocks, text or off.
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if strings.EqualFold(s, n) {
			return Mode(i), nil
		}
	}
	return Off, fmt.Errorf("--images must be one of kitty, iterm2, sixel, blocks, text or off, not %q", s)
}

// Detect picks the mode from a terminal's environment (the local one, or
// what an SSH client sent): NO_COLOR or TERM=dumb get text; kitty, iTerm2
// and WezTerm their protocols; anything else half blocks, which every
// truecolor terminal and most others show.
func Detect(env func(string) string) Mode {
	term, prog := env("TERM"), env("TERM_PROGRAM")
	switch {
	case env("NO_COLOR") != "" || term == "dumb" || term == "":
		return Text
	case env("KITTY_WINDOW_ID") != "" || strings.Contains(term, "kitty") || prog == "ghostty":
		return Kitty
	case prog == "iTerm.app" || prog == "WezTerm" || env("LC_TERMINAL") == "iTerm2":
		return ITerm2
	case strings.Contains(term, "sixel") || prog == "foot" || strings.HasPrefix(term, "foot") || term == "mlterm":
		return Sixel
	}
	return Blocks
}

// Renderer draws pictures for one program. It is not safe for concurrent
// use (a Bubble Tea program renders on one goroutine).
type Renderer struct {
	mode  Mode
	cache map[cacheKey]string
}

type cacheKey struct {
	name       string
	size       int
	cols, rows int
}

// New returns a renderer drawing in mode.
func New(mode Mode) *Renderer { return &Renderer{mode: mode, cache: map[cacheKey]string{}} }

// Mode is the renderer's mode.
func (r *Renderer) Mode() Mode {
	if r == nil {
		return Off
	}
	return r.mode
}

// Render draws the PNG data named name into a box of cols×rows cells,
// keeping its aspect ratio, and returns the box as rows lines joined by
// newlines, each cols cells wide. Data that is not a PNG draws the
// placeholder. The result is cached by name, size and box.
func (r *Renderer) Render(name string, data []byte, cols, rows int) string {
	if cols <= 0 || rows <= 0 {
		return ""
	}
	if r == nil {
		return blank(cols, rows)
	}
	key := cacheKey{name, len(data), cols, rows}
	if s, ok := r.cache[key]; ok {
		return s
	}
	s := r.render(name, data, cols, rows)
	if len(r.cache) > 256 { // a long session looks at many cases: start over
		clear(r.cache)
	}
	r.cache[key] = s
	return s
}

func (r *Renderer) render(name string, data []byte, cols, rows int) string {
	if r.mode == Off {
		return blank(cols, rows)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || r.mode == Text {
		return placeholder(name, img, cols, rows)
	}
	switch r.mode {
	case Kitty:
		return protocol(kittySeq(img, cols, rows), cols, rows)
	case ITerm2:
		return protocol(itermSeq(name, data, cols, rows), cols, rows)
	case Sixel:
		return protocol(sixelSeq(img, cols, rows), cols, rows)
	}
	return HalfBlocks(img, cols, rows)
}

// HalfBlocks renders img with ▀: each cell shows two pixels, the upper in
// the foreground colour and the lower in the background, fitted into
// cols×rows cells and padded with spaces.
func HalfBlocks(img image.Image, cols, rows int) string {
	w, h := fit(img.Bounds(), cols, rows*2)
	var b strings.Builder
	for row := 0; row < rows; row++ {
		if row > 0 {
			b.WriteByte('\n')
		}
		for x := 0; x < w && row*2 < h; x++ {
			top := sample(img, x, row*2, w, h)
			bottom := top
			if row*2+1 < h {
				bottom = sample(img, x, row*2+1, w, h)
			}
			fmt.Fprintf(&b, "\x1b[38;2;%d;%d;%dm\x1b[48;2;%d;%d;%dm▀", top.R, top.G, top.B, bottom.R, bottom.G, bottom.B)
		}
		used := w
		if row*2 >= h {
			used = 0
		} else {
			b.WriteString("\x1b[0m")
		}
		b.WriteString(strings.Repeat(" ", cols-used))
	}
	return b.String()
}

// fit is the largest w×h with img's aspect ratio inside maxW×maxH pixels.
func fit(bounds image.Rectangle, maxW, maxH int) (int, int) {
	iw, ih := bounds.Dx(), bounds.Dy()
	if iw == 0 || ih == 0 {
		return 0, 0
	}
	w, h := maxW, ih*maxW/iw
	if h > maxH {
		w, h = iw*maxH/ih, maxH
	}
	return max(w, 1), max(h, 1)
}

// sample is the average colour of the source pixels under target pixel
// (x, y) of a w×h rendering.
func sample(img image.Image, x, y, w, h int) color.RGBA {
	b := img.Bounds()
	x0, x1 := b.Min.X+x*b.Dx()/w, b.Min.X+(x+1)*b.Dx()/w
	y0, y1 := b.Min.Y+y*b.Dy()/h, b.Min.Y+(y+1)*b.Dy()/h
	x1, y1 = max(x1, x0+1), max(y1, y0+1)
	var r, g, bl, n uint32
	for py := y0; py < y1; py++ {
		for px := x0; px < x1; px++ {
			cr, cg, cb, _ := img.At(px, py).RGBA()
			r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
		}
	}
	return color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255}
}

// protocol places an image sequence at the box's top-left corner; the
// sequence takes no cells, so the box is filled with spaces the image
// covers.
func protocol(seq string, cols, rows int) string {
	return seq + blank(cols, rows)
}

func kittySeq(img image.Image, cols, rows int) string {
	var b strings.Builder
	err := kitty.EncodeGraphics(&b, img, &kitty.Options{Action: kitty.TransmitAndPut, Transmission: kitty.Direct,
		Format: kitty.PNG, Quite: 2, Columns: cols, Rows: rows, Chunk: true, DoNotMoveCursor: true})
	if err != nil {
		return ""
	}
	return b.String()
}

func itermSeq(name string, data []byte, cols, rows int) string {
	return ansi.ITerm2(iterm2.File{Name: base64.StdEncoding.EncodeToString([]byte(name)), Size: int64(len(data)),
		Width: iterm2.Cells(cols), Height: iterm2.Cells(rows), Inline: true, DoNotMoveCursor: true,
		Content: []byte(base64.StdEncoding.EncodeToString(data))})
}

// sixelSeq scales img to the box at an assumed 10×20 pixels a cell.
func sixelSeq(img image.Image, cols, rows int) string {
	w, h := fit(img.Bounds(), cols*10, rows*20)
	scaled := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			scaled.SetRGBA(x, y, sample(img, x, y, w, h))
		}
	}
	var payload bytes.Buffer
	if err := (&sixel.Encoder{}).Encode(&payload, scaled); err != nil {
		return ""
	}
	return ansi.SixelGraphics(0, 1, 0, payload.Bytes())
}

func blank(cols, rows int) string {
	line := strings.Repeat(" ", cols)
	return strings.TrimSuffix(strings.Repeat(line+"\n", rows), "\n")
}

// placeholder names the picture in a box: "[ portrait 96×120 ]".
func placeholder(name string, img image.Image, cols, rows int) string {
	label := "[ " + name
	if img != nil {
		label += fmt.Sprintf(" %d×%d", img.Bounds().Dx(), img.Bounds().Dy())
	}
	label += " ]"
	label = ansi.Truncate(label, cols, "…")
	lines := strings.Split(blank(cols, rows), "\n")
	mid := rows / 2
	lines[mid] = label + strings.Repeat(" ", cols-ansi.StringWidth(label))
	return strings.Join(lines, "\n")
}
