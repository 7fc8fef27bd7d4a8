package evidence

import (
	"hash/fnv"
	"image"
	"image/color"
	"math/rand/v2"
)

// A face is drawn from a seed: flat shapes, plainly synthetic, never a
// photograph of anyone. The same seed draws the same person; different
// seeds differ in skin, hair, eyes, face shape and mouth.
type face struct {
	skin, hair, eyes, bg color.RGBA
	wide, tall           int // head radii, as fractions of 100
	hairStyle            int // 0 short, 1 long, 2 bald, 3 curly
	eyeGap, mouthW       int
	glasses              bool
}

var (
	skins  = []color.RGBA{rgb(255, 224, 196), rgb(241, 194, 150), rgb(224, 172, 125), rgb(198, 134, 90), rgb(141, 85, 54), rgb(94, 58, 38)}
	hairs  = []color.RGBA{rgb(30, 24, 20), rgb(90, 56, 30), rgb(160, 110, 60), rgb(222, 190, 120), rgb(150, 150, 150), rgb(170, 60, 30)}
	irises = []color.RGBA{rgb(60, 40, 20), rgb(50, 90, 160), rgb(60, 120, 70), rgb(100, 80, 50)}
	bgs    = []color.RGBA{rgb(200, 214, 229), rgb(226, 226, 220), rgb(214, 228, 214), rgb(236, 222, 206)}
)

// seedOf hashes the strings that identify a person.
func seedOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func newFace(seed uint64) face {
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	pick := func(l []color.RGBA) color.RGBA { return l[r.IntN(len(l))] }
	return face{skin: pick(skins), hair: pick(hairs), eyes: pick(irises), bg: pick(bgs),
		wide: 30 + r.IntN(9), tall: 38 + r.IntN(8), hairStyle: r.IntN(4),
		eyeGap: 12 + r.IntN(7), mouthW: 8 + r.IntN(9), glasses: r.IntN(5) == 0}
}

// draw paints the face into a w×h picture; tilt moves it sideways a little
// (a selfie is not framed like a document photo).
func (f face) draw(w, h, tilt int, bg color.RGBA) *image.RGBA {
	c := newCanvas(w, h, bg)
	u := func(v int) int { return v * w / 100 }
	cx, cy := w/2+tilt, h*55/100
	rx, ry := u(f.wide), u(f.tall)
	c.ellipse(cx, h+u(10), u(46), u(34), shade(f.hair, 0.6)) // shoulders
	c.rect(cx-u(9), cy+ry-u(8), u(18), u(20), shade(f.skin, 0.9))
	if f.hairStyle == 1 {
		c.ellipse(cx, cy+u(4), rx+u(8), ry+u(6), f.hair)
	}
	if f.hairStyle == 3 {
		for i := -3; i <= 3; i++ {
			c.ellipse(cx+i*rx/3, cy-ry+u(4), u(9), u(9), f.hair)
		}
	}
	c.ellipse(cx, cy, rx, ry, f.skin)
	c.ellipse(cx-rx, cy, u(5), u(8), shade(f.skin, 0.92)) // ears
	c.ellipse(cx+rx, cy, u(5), u(8), shade(f.skin, 0.92))
	c.ellipse(cx, cy, rx, ry, f.skin)
	if f.hairStyle == 0 || f.hairStyle == 1 {
		c.ellipse(cx, cy-ry+u(8), rx+u(1), u(14), f.hair)
		c.rect(cx-rx, cy-ry+u(8), 2*rx, u(4), f.skin)
	}
	ey := cy - u(6)
	for _, dx := range []int{-u(f.eyeGap), u(f.eyeGap)} {
		c.ellipse(cx+dx, ey, u(6), u(4), rgb(250, 250, 250))
		c.ellipse(cx+dx, ey, u(3), u(3), f.eyes)
		c.ellipse(cx+dx, ey, u(1), u(1), rgb(10, 10, 10))
		c.rect(cx+dx-u(6), ey-u(8), u(12), u(2)+1, shade(f.hair, 0.9)) // brows
		if f.glasses {
			c.rect(cx+dx-u(8), ey-u(5), u(16), 1, rgb(20, 20, 20))
			c.rect(cx+dx-u(8), ey+u(5), u(16), 1, rgb(20, 20, 20))
		}
	}
	c.rect(cx-u(2), ey+u(5), u(4), u(12), shade(f.skin, 0.85)) // nose
	c.ellipse(cx, cy+u(22), u(f.mouthW), u(3), rgb(170, 70, 70))
	return c.img
}
