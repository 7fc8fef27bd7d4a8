package synth

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// person is an invented individual with an identity document.
type person struct {
	first, last, full string
	gender            string // "M" or "F"
	dob               time.Time
	age               int
	nat               *country // nationality
	birthCity         *city
	home              *country // country of residence
	city              *city
	address           string // street, postcode and city
	doc               document
}

// document is an invented identity document.
type document struct {
	kind, number, personal string
	state                  *country // issuing state
	issued, expires        time.Time
	validity               int // years
}

// person invents an adult with a valid document, as of the session time, of
// nationality nat or of a random one when nat is nil.
func (s *sess) person(nat *country) *person {
	p := &person{gender: "M"}
	if s.n(2) == 0 {
		p.gender = "F"
		p.first = pick(s.Generator, femaleFirst)
	} else {
		p.first = pick(s.Generator, maleFirst)
	}
	p.last = pick(s.Generator, lastNames)
	if s.chance(0.1) {
		if other := pick(s.Generator, lastNames); other != p.last {
			p.last += " " + other
		}
	}
	p.full = p.first + " " + p.last
	p.dob = s.at.AddDate(-s.between(19, 78), 0, -s.n(365))
	p.age = ageAt(p.dob, s.at)
	p.nat = nat
	if nat == nil {
		p.nat = &countries[s.n(len(countries))]
	}
	p.birthCity = &p.nat.cities[s.n(len(p.nat.cities))]
	p.home = p.nat
	if s.chance(0.12) {
		p.home = &countries[s.n(len(countries))]
	}
	p.city = &p.home.cities[s.n(len(p.home.cities))]
	p.address = s.address(p.home, p.city)
	p.doc = s.document(p)
	return p
}

func (s *sess) document(p *person) document {
	d := document{state: p.nat, personal: s.digits(10), validity: 10}
	switch {
	case p.home != p.nat && s.n(2) == 0:
		d.kind, d.number, d.state, d.validity = "Residence Permit", "RP"+s.digits(7), p.home, 5
	default:
		switch s.weighted([]int{45, 40, 15}) {
		case 0:
			d.kind, d.number = "Passport", s.pattern("AA9999999")
		case 1:
			d.kind, d.number = "Identity Card", s.pattern("AAA99A999")
		default:
			d.kind, d.number = "Driver's License", s.pattern("A99999999")
		}
	}
	s.expireIn(&d, s.between(60, d.validity*365-60))
	return d
}

// expireIn sets a document to expire days after the session (before it when
// days is negative) and dates its issue a validity period earlier.
func (s *sess) expireIn(d *document, days int) {
	d.expires = s.at.AddDate(0, 0, days)
	d.issued = d.expires.AddDate(-d.validity, 0, 1)
}

// initial is "M. Rossi" for Mario Rossi.
func (p *person) initial() string {
	r, _ := utf8.DecodeRuneInString(p.first)
	return string(r) + ". " + p.last
}

func (g *Generator) address(c *country, ct *city) string {
	set := streetsOf[c.a2]
	if set == nil {
		set = enStreets
	}
	num, street := strconv.Itoa(g.between(1, 240)), pick(g, set.names)
	var b strings.Builder
	b.Grow(64)
	if set.numberAfter {
		b.WriteString(street)
		b.WriteByte(' ')
		b.WriteString(num)
	} else {
		b.WriteString(num)
		b.WriteByte(' ')
		b.WriteString(street)
	}
	b.WriteString(", ")
	if c.postcode != "" {
		b.WriteString(g.pattern(c.postcode))
		b.WriteByte(' ')
	}
	b.WriteString(ct.name)
	return b.String()
}

// near is a coordinate within a few kilometres of v, to four decimals.
func (g *Generator) near(v float64) float64 {
	return (math.Round(v*1e4) + float64(g.between(-400, 400))) / 1e4
}

var docRanges = []string{"192.0.2.", "198.51.100.", "203.0.113."}

// ip is an address in one of the documentation ranges (RFC 5737).
func (g *Generator) ip() string {
	return pick(g, docRanges) + strconv.Itoa(g.between(1, 254))
}

var emailDomains = []string{"example.com", "example.org", "example.net"}

// email is an address for p on one of the example domains (RFC 2606).
func (g *Generator) email(p *person) string {
	first, last := fold(p.first), fold(p.last)
	var local string
	switch g.n(4) {
	case 0:
		local = first + "." + last
	case 1:
		local = first + last + strconv.Itoa(g.between(1, 99))
	case 2:
		local = first[:1] + "." + last
	default:
		local = first + "_" + last + strconv.Itoa(g.between(1970, 2005))
	}
	return local + "@" + pick(g, emailDomains)
}

var folds = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ç': "c", 'é': "e", 'è': "e", 'ê': "e",
	'ë': "e", 'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ı': "i", 'ñ': "n", 'ó': "o", 'ò': "o", 'ô': "o",
	'ö': "o", 'õ': "o", 'ø': "o", 'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ş': "s", 'ğ': "g", 'ł': "l",
	'ř': "r", 'š': "s", 'ž': "z", 'č': "c", 'ß': "ss",
}

// fold lowers s to ASCII letters for use in an e-mail address, dropping
// spaces, hyphens and apostrophes.
func fold(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' {
			b = append(b, byte(r))
		} else if f, ok := folds[r]; ok {
			b = append(b, f...)
		}
	}
	return string(b)
}
