package picture

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/sixel"
	"github.com/charmbracelet/x/exp/golden"
)

// fixture is a 4×4 image: red, green, blue and white quadrants.
func fixture(t *testing.T) (image.Image, []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			c := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}}[(y/2)*2+x/2]
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return img, b.Bytes()
}

// Goldens of each mode for the fixture in a 4×2 box; run with -update to
// rewrite them after a deliberate change.
func TestGoldenModes(t *testing.T) {
	_, data := fixture(t)
	// Sixel is not among them: the library's encoder orders its palette by
	// map iteration, so equal images encode to different bytes. Its
	// sequence is checked by decoding it instead (TestSixelDecodesToTheImage).
	for _, m := range []Mode{Blocks, Kitty, ITerm2, Text} {
		t.Run(m.String(), func(t *testing.T) {
			golden.RequireEqual(t, []byte(New(m).Render("fixture", data, 4, 2)))
		})
	}
}

func TestSixelDecodesToTheImage(t *testing.T) {
	_, data := fixture(t)
	s := New(Sixel).Render("fixture", data, 4, 2)
	start, end := strings.Index(s, "\x1bP0;1q"), strings.Index(s, "\x1b\\")
	if start < 0 || end < start {
		t.Fatalf("no sixel sequence in %q", s[:min(len(s), 40)])
	}
	img, err := (&sixel.Decoder{}).Decode(strings.NewReader(s[start+len("\x1bP0;1q") : end]))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 40 || b.Dy() != 40 {
		t.Fatalf("decoded %v, want the 4x2 box's 40x40 pixels", b)
	}
	for _, p := range []struct {
		x, y int
		want color.RGBA
	}{{5, 5, color.RGBA{255, 0, 0, 255}}, {35, 5, color.RGBA{0, 255, 0, 255}},
		{5, 35, color.RGBA{0, 0, 255, 255}}, {35, 35, color.RGBA{255, 255, 255, 255}}} {
		r, g, bl, _ := img.At(p.x, p.y).RGBA()
		if got := (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}); got != p.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", p.x, p.y, got, p.want)
		}
	}
}

func TestHalfBlocksColours(t *testing.T) {
	img, _ := fixture(t)
	got := HalfBlocks(img, 2, 1)
	// One row of two cells: red over blue, green over white.
	want := "\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m▀\x1b[38;2;0;255;0m\x1b[48;2;255;255;255m▀\x1b[0m"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestProtocolSequences(t *testing.T) {
	_, data := fixture(t)
	for m, prefix := range map[Mode]string{Kitty: "\x1b_G", ITerm2: "\x1b]1337;File=", Sixel: "\x1bP0;1q"} {
		s := New(m).Render("fixture", data, 4, 2)
		if !strings.HasPrefix(s, prefix) {
			t.Errorf("%s starts %q", m, s[:min(len(s), 20)])
		}
	}
	if s := New(Kitty).Render("fixture", data, 4, 2); !strings.Contains(s, "c=4") || !strings.Contains(s, "r=2") {
		t.Errorf("kitty does not size the placement to the box: %q", s[:min(len(s), 60)])
	}
}

// Whatever the mode, the box is rows lines of cols cells: a picture never
// moves what is around it, not even a broken one.
func TestTheBoxKeepsItsSize(t *testing.T) {
	_, data := fixture(t)
	tall := image.NewRGBA(image.Rect(0, 0, 3, 40))
	var tb bytes.Buffer
	png.Encode(&tb, tall)
	for _, m := range []Mode{Off, Text, Blocks, Kitty, ITerm2, Sixel} {
		for _, in := range [][]byte{data, tb.Bytes(), []byte("not a png")} {
			for _, box := range [][2]int{{1, 1}, {3, 1}, {4, 2}, {17, 5}, {40, 12}} {
				s := New(m).Render("a rather long picture name", in, box[0], box[1])
				lines := strings.Split(s, "\n")
				if len(lines) != box[1] {
					t.Fatalf("%s %v: %d lines", m, box, len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w != box[0] {
						t.Fatalf("%s %v: a line %d cells wide: %q", m, box, w, l)
					}
				}
			}
		}
	}
	if New(Blocks).Render("x", data, 0, 3) != "" {
		t.Fatal("an empty box drew something")
	}
}

func TestRenderIsCachedPerRenderer(t *testing.T) {
	_, data := fixture(t)
	r := New(Blocks)
	a := r.Render("fixture", data, 4, 2)
	if len(r.cache) != 1 || r.Render("fixture", data, 4, 2) != a || len(r.cache) != 1 {
		t.Fatal("a second render of the same picture was not served from the cache")
	}
	r.Render("fixture", data, 6, 3)
	if len(r.cache) != 2 || len(New(Blocks).cache) != 0 {
		t.Fatal("another box should be cached apart, and a new renderer start empty")
	}
}

func TestDetectAndParse(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want Mode
	}{
		{map[string]string{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, Blocks},
		{map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, Text},
		{map[string]string{"TERM": "dumb"}, Text},
		{map[string]string{}, Text},
		{map[string]string{"TERM": "xterm-kitty"}, Kitty},
		{map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, ITerm2},
		{map[string]string{"TERM": "foot"}, Sixel},
	} {
		if got := Detect(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
	}
	for s, want := range map[string]Mode{"kitty": Kitty, "ITERM2": ITerm2, "sixel": Sixel, "blocks": Blocks, "off": Off} {
		if m, err := ParseMode(s); err != nil || m != want {
			t.Errorf("%s: %v %v", s, m, err)
		}
	}
	if _, err := ParseMode("png"); err == nil || !strings.Contains(err.Error(), "kitty, iterm2, sixel, blocks") {
		t.Errorf("bad mode: %v", err)
	}
}
