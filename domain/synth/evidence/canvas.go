package evidence

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// canvas is an image being drawn, with the text it holds recorded as it is
// printed (tests read the pixels back at those places).
type canvas struct {
	img   *image.RGBA
	texts []Text
}

// Text is one line printed on an image, where and how large.
type Text struct {
	X, Y, Scale int
	S           string
}

func newCanvas(w, h int, bg color.RGBA) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	c.rect(0, 0, w, h, bg)
	return c
}

func (c *canvas) rect(x, y, w, h int, col color.RGBA) {
	r := image.Rect(x, y, x+w, y+h).Intersect(c.img.Bounds())
	for py := r.Min.Y; py < r.Max.Y; py++ {
		for px := r.Min.X; px < r.Max.X; px++ {
			c.img.SetRGBA(px, py, col)
		}
	}
}

// ellipse fills the ellipse centred on (cx, cy) with radii rx, ry.
func (c *canvas) ellipse(cx, cy, rx, ry int, col color.RGBA) {
	if rx <= 0 || ry <= 0 {
		return
	}
	for y := -ry; y <= ry; y++ {
		for x := -rx; x <= rx; x++ {
			if x*x*ry*ry+y*y*rx*rx <= rx*rx*ry*ry {
				if p := image.Pt(cx+x, cy+y); p.In(c.img.Bounds()) {
					c.img.SetRGBA(p.X, p.Y, col)
				}
			}
		}
	}
}

// text prints s at (x, y) in the built-in font, scale pixels a dot, and
// returns the width it took.
func (c *canvas) text(x, y, scale int, col color.RGBA, s string) int {
	s = printable(s)
	c.texts = append(c.texts, Text{x, y, scale, s})
	for i, r := range []rune(s) {
		g := glyphs[r]
		for row := 0; row < glyphH; row++ {
			for bit := 0; bit < glyphW; bit++ {
				if g[row]&(1<<(glyphW-1-bit)) != 0 {
					c.rect(x+(i*advance+bit)*scale, y+row*scale, scale, scale, col)
				}
			}
		}
	}
	return len([]rune(s)) * advance * scale
}

// paste copies src with its top-left corner at (x, y).
func (c *canvas) paste(src *image.RGBA, x, y int) {
	b := src.Bounds()
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			if p := image.Pt(x+px-b.Min.X, y+py-b.Min.Y); p.In(c.img.Bounds()) {
				c.img.SetRGBA(p.X, p.Y, src.RGBAAt(px, py))
			}
		}
	}
}

func (c *canvas) png() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, c.img); err != nil {
		panic("evidence: " + err.Error()) // an in-memory RGBA always encodes
	}
	return b.Bytes()
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// shade darkens (f < 1) or lightens (f > 1) a colour.
func shade(c color.RGBA, f float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(min(255, float64(v)*f)) }
	return rgb(m(c.R), m(c.G), m(c.B))
}
