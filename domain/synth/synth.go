// Package synth invents realistic verification payloads shaped like Didit's
// decision responses, for demos, tests and load generation. Everything in
// them is made up: people, documents, companies and addresses come from
// built-in word lists, phone numbers from fictional ranges, e-mail addresses
// from example.com/.org/.net, IP addresses from the documentation ranges and
// image URLs from example.invalid. It does no I/O, and a Generator is
// deterministic for its seed: the same seed yields byte-identical payloads.
package synth

import (
	"encoding/json"
	"math/rand/v2"
	"time"

	"handoff/domain"
)

// Generator is deterministic for a seed. It is not safe for concurrent use.
type Generator struct {
	r *rand.Rand
}

// New returns a generator whose output depends only on seed.
func New(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Kind picks user about 75% of the time and business about 25%.
func (g *Generator) Kind() domain.Kind {
	if g.r.IntN(4) == 0 {
		return domain.KindBusiness
	}
	return domain.KindUser
}

// Status picks a finished status in the casing of kind: about 60% Approved,
// 20% Declined and 20% In Review.
func (g *Generator) Status(kind domain.Kind) domain.Status {
	switch n := g.r.IntN(10); {
	case n < 6:
		return domain.StatusOf(kind, domain.PhaseApproved)
	case n < 8:
		return domain.StatusOf(kind, domain.PhaseDeclined)
	default:
		return domain.StatusOf(kind, domain.PhaseInReview)
	}
}

// VendorData returns an invented partner-side id: "user-7f3a21" for a user,
// "biz-0042af" for a business.
func (g *Generator) VendorData(kind domain.Kind) string {
	if kind == domain.KindBusiness {
		return "biz-" + g.hex(6)
	}
	return "user-" + g.hex(6)
}

// Checks returns a payload holding every check family of kind, each a JSON
// array, consistent with status: an Approved session's checks pass, a
// Declined one has at least one failed check carrying an error warning, an
// In Review one has at least one check in review with a warning. Statuses
// other than Declined and In Review get passing checks. Family statuses are
// spelled in the casing of kind whatever the casing of status.
//
// The session is dated at a random time before a fixed epoch; use ChecksAt
// for the checks of a session created at a known time.
func (g *Generator) Checks(kind domain.Kind, status domain.Status) domain.Checks {
	return g.ChecksAt(kind, status, g.sessionTime())
}

// ChecksAt is Checks for a session created at at: ages are counted from
// the birth dates at that time, documents are valid (or expired) then, and
// every verification happens within the session's first half hour, so
// each finding domain.SessionFindings reports is one the generator meant.
func (g *Generator) ChecksAt(kind domain.Kind, status domain.Status, at time.Time) domain.Checks {
	s := &sess{Generator: g, kind: kind, id: g.uuid(), at: at.UTC()}
	if kind == domain.KindBusiness {
		return s.kyb(status.Phase())
	}
	return s.kyc(status.Phase())
}

// sess is the context of one generated session.
type sess struct {
	*Generator
	kind domain.Kind
	id   string    // session id used in media URLs
	at   time.Time // when the session was created; its captures follow within CaptureWindow
	// force, when set, is the outcome of each family (sandbox findings).
	force []outcome
}

// outcome is how one check ended.
type outcome uint8

const (
	pass outcome = iota
	review
	decline
)

func (o outcome) status(kind domain.Kind) domain.Status {
	switch o {
	case review:
		return domain.StatusOf(kind, domain.PhaseInReview)
	case decline:
		return domain.StatusOf(kind, domain.PhaseDeclined)
	}
	return domain.StatusOf(kind, domain.PhaseApproved)
}

// plan decides the outcome of each of len(declineW) families for a session in
// phase: one (sometimes two) failed families for Declined, one or two in
// review for In Review, all passing otherwise. The weights bias which
// families fail; a zero weight never fails.
func (g *Generator) plan(phase domain.Phase, declineW, reviewW []int) []outcome {
	out := make([]outcome, len(declineW))
	switch phase {
	case domain.PhaseDeclined:
		out[g.weighted(declineW)] = decline
		if g.chance(0.2) {
			out[g.weighted(declineW)] = decline
		}
		if j := g.weighted(reviewW); g.chance(0.25) && out[j] == pass {
			out[j] = review
		}
	case domain.PhaseInReview:
		out[g.weighted(reviewW)] = review
		if g.chance(0.25) {
			out[g.weighted(reviewW)] = review
		}
	}
	return out
}

// warning is one risk signal attached to a check.
type warning struct {
	Risk             string `json:"risk"`
	ShortDescription string `json:"short_description"`
	LongDescription  string `json:"long_description"`
	LogType          string `json:"log_type"`
}

// warns returns the warnings of a check: none when it passed, w otherwise.
func warns(o outcome, w warning) []warning {
	if o == pass {
		return []warning{}
	}
	return []warning{w}
}

// put marshals one family into c.
func put(c domain.Checks, family string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("synth: " + err.Error()) // only plain structs are marshalled
	}
	c[family] = b
}

// epoch is the fixed "now" every generated session is dated before.
var epoch = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func (g *Generator) sessionTime() time.Time {
	return epoch.Add(-time.Duration(g.r.Int64N(540*86400)) * time.Second)
}

// CaptureWindow bounds how long after its creation a generated session's
// verifications happen.
const CaptureWindow = 30 * time.Minute

// captured is a time within the capture window after the session's creation.
func (s *sess) captured() time.Time {
	return s.at.Add(time.Duration(s.between(20, int(CaptureWindow/time.Second))) * time.Second)
}

// media is an invented URL of a file captured in the session.
func (s *sess) media(name string) string {
	return "https://example.invalid/media/" + s.id + "/" + name
}

func (g *Generator) n(n int) int { return g.r.IntN(n) }

// between is uniform in [lo, hi].
func (g *Generator) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *Generator) chance(p float64) bool { return g.r.Float64() < p }

// cents is uniform in [lo, hi] with two decimals, such as 87.35.
func (g *Generator) cents(lo, hi float64) float64 {
	a, b := int(lo*100+0.5), int(hi*100+0.5)
	return float64(g.between(a, b)) / 100
}

func pick[T any](g *Generator, list []T) T { return list[g.r.IntN(len(list))] }

func (g *Generator) weighted(w []int) int {
	sum := 0
	for _, v := range w {
		sum += v
	}
	r := g.r.IntN(sum)
	for i, v := range w {
		if r < v {
			return i
		}
		r -= v
	}
	return len(w) - 1
}

const hexDigits = "0123456789abcdef"

// hex returns n random lowercase hex digits (n <= 64).
func (g *Generator) hex(n int) string {
	var buf [64]byte
	var v uint64
	for i := 0; i < n; i++ {
		if i%16 == 0 {
			v = g.r.Uint64()
		}
		buf[i] = hexDigits[v&15]
		v >>= 4
	}
	return string(buf[:n])
}

// digits returns n random decimal digits (n <= 64).
func (g *Generator) digits(n int) string {
	var buf [64]byte
	var v uint64
	for i := 0; i < n; i++ {
		if i%18 == 0 {
			v = g.r.Uint64()
		}
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return string(buf[:n])
}

// pattern fills a template: '9' becomes a digit, 'A' an uppercase letter,
// anything else stays (templates are ASCII and at most 64 bytes).
func (g *Generator) pattern(p string) string {
	var buf [64]byte
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '9':
			buf[i] = byte('0' + g.r.IntN(10))
		case 'A':
			buf[i] = byte('A' + g.r.IntN(26))
		default:
			buf[i] = c
		}
	}
	return string(buf[:len(p)])
}

// uuid returns a random version-4 UUID in its canonical spelling.
func (g *Generator) uuid() string {
	hi := g.r.Uint64()&^(0xf<<12) | 4<<12
	lo := g.r.Uint64()&^(3<<62) | 2<<62
	var b [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*i) & 15
		} else {
			nib = lo >> (60 - 4*(i-16)) & 15
		}
		b[j] = hexDigits[nib]
		j++
	}
	return string(b[:])
}

// day spells t as YYYY-MM-DD.
func day(t time.Time) string {
	var b [10]byte
	putDay(b[:], t)
	return string(b[:])
}

// stamp spells t as RFC 3339 in UTC, to the second.
func stamp(t time.Time) string {
	var b [20]byte
	putDay(b[:], t)
	h, m, s := t.Clock()
	b[10] = 'T'
	put2(b[11:], h)
	b[13] = ':'
	put2(b[14:], m)
	b[16] = ':'
	put2(b[17:], s)
	b[19] = 'Z'
	return string(b[:])
}

func putDay(b []byte, t time.Time) {
	y, m, d := t.Date()
	put2(b[0:], y/100)
	put2(b[2:], y%100)
	b[4] = '-'
	put2(b[5:], int(m))
	b[7] = '-'
	put2(b[8:], d)
}

func put2(b []byte, v int) {
	b[0] = byte('0' + v/10)
	b[1] = byte('0' + v%10)
}

// ageAt is the age in whole years of someone born on dob at time at.
func ageAt(dob, at time.Time) int {
	age := at.Year() - dob.Year()
	if at.Month() < dob.Month() || at.Month() == dob.Month() && at.Day() < dob.Day() {
		age--
	}
	return age
}

// daysAgo is at moved back by d days.
func daysAgo(at time.Time, d int) time.Time { return at.AddDate(0, 0, -d) }
