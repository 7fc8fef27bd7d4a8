// Package webhookverify signs and checks Didit-style webhook deliveries:
// handoff's sender signs with it, `handoff webhook verify` and receivers
// check with it, so there is one canonicaliser and one verifier. It is
// meant to be vendored: copy this one file into a receiver. It uses only
// the standard library; the tests hold it to Node-generated vectors
// (testdata/webhook_vectors.json, from scripts/webhook-vectors.js).
//
// X-Signature is HMAC-SHA256 (hex) of the raw body. X-Signature-V2 is
// HMAC-SHA256 (hex) of what a Node.js receiver computes from the body with
// Didit's published snippet:
//
//	JSON.stringify(sortKeys(shortenFloats(JSON.parse(rawBody.toString("utf8")))))
//
// where sortKeys rebuilds every object with
// Object.keys(v).sort().reduce((o, k) => { o[k] = sortKeys(v[k]); return o }, {}).
//
// X-Signature-Simple is HMAC-SHA256 (hex) of
// "{timestamp}:{session_id}:{status}:{webhook_type}" with the body's values.
//
// Which to prefer, as Didit advises: X-Signature-V2 first (Verify tries it,
// then X-Signature), since both cover the whole body; X-Signature-Simple
// (VerifySimple) only when middleware you cannot change re-encodes the body
// so that neither matches, and then trust only those four fields.
//
// Read the raw body first (io.ReadAll over http.MaxBytesReader), call Verify,
// and only then decode the JSON: a body decoded and re-encoded by Go is not
// the body that was signed.
package webhookverify

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Tolerance is how far X-Timestamp may be from the receiver's clock.
const Tolerance = 300 * time.Second

var (
	ErrNoSecret  = errors.New("webhookverify: no webhook secret is configured")
	ErrTimestamp = errors.New("webhookverify: bad X-Timestamp")
	ErrSignature = errors.New("webhookverify: bad signature")
)

// SignV2 is the X-Signature-V2 value for body: HMAC-SHA256 (hex) of
// Canonicalize(body). A body that is not JSON cannot be signed this way.
func SignV2(secret string, body []byte) (string, error) {
	c, err := Canonicalize(body)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(mac(secret, c)), nil
}

// SignV1 is the X-Signature value: HMAC-SHA256 (hex) of the raw body.
func SignV1(secret string, body []byte) string { return hex.EncodeToString(mac(secret, body)) }

// Verify reports whether a delivery is genuine: the X-Timestamp header (unix
// seconds) is within Tolerance of now, and X-Signature-V2 (HMAC-SHA256 hex of
// Canonicalize(body)) or, failing that, X-Signature (HMAC-SHA256 hex of the
// raw body) matches. Trying X-Signature after a V2 mismatch is as safe as V2
// alone — it proves the exact bytes were signed — and saves deliveries whose
// bodies a sender canonicalised differently, or that are not JSON at all.
//
// X-Timestamp is not itself signed, so the window does not stop a replay of
// a captured delivery: deduplicate on the body's event_id as well.
func Verify(secret string, header http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return ErrNoSecret // an HMAC keyed with "" is forgeable by anyone
	}
	if err := checkTimestamp(header.Get("X-Timestamp"), now); err != nil {
		return err
	}
	v2, v1 := header.Get("X-Signature-V2"), header.Get("X-Signature")
	if v2 == "" && v1 == "" {
		return fmt.Errorf("%w: no X-Signature-V2 or X-Signature header", ErrSignature)
	}
	if v2 != "" {
		canonical, err := Canonicalize(body)
		if err == nil && macEqual(secret, canonical, v2) {
			return nil
		}
		if err != nil && v1 == "" {
			return fmt.Errorf("%w: body is not JSON: %v", ErrSignature, err)
		}
	}
	switch {
	case v1 == "":
		return fmt.Errorf("%w: signature mismatch", ErrSignature)
	case macEqual(secret, body, v1):
		return nil
	case v2 == "":
		return fmt.Errorf("%w: X-Signature mismatch: the body is not the exact bytes that were signed", ErrSignature)
	}
	return fmt.Errorf("%w: signature mismatch (X-Signature-V2 and X-Signature)", ErrSignature)
}

// SignSimple is the X-Signature-Simple value, Didit's field-based
// signature: HMAC-SHA256 (hex) of "{timestamp}:{session_id}:{status}:{webhook_type}"
// with the body's own values. It signs those four fields only.
func SignSimple(secret string, timestamp int64, sessionID, status, webhookType string) string {
	return hex.EncodeToString(mac(secret, []byte(strconv.FormatInt(timestamp, 10)+":"+sessionID+":"+status+":"+webhookType)))
}

// SimpleFields reads the four fields X-Signature-Simple signs from a body.
func SimpleFields(body []byte) (timestamp int64, sessionID, status, webhookType string, err error) {
	var f struct {
		Timestamp   json.Number `json:"timestamp"`
		SessionID   string      `json:"session_id"`
		Status      string      `json:"status"`
		WebhookType string      `json:"webhook_type"`
	}
	if err = json.Unmarshal(body, &f); err != nil {
		return 0, "", "", "", fmt.Errorf("body is not JSON: %w", err)
	}
	if timestamp, err = f.Timestamp.Int64(); err != nil {
		return 0, "", "", "", fmt.Errorf("body has no integer timestamp")
	}
	return timestamp, f.SessionID, f.Status, f.WebhookType, nil
}

// VerifySimple checks X-Signature-Simple, the fallback Didit offers when
// neither the raw body nor a faithful re-serialisation of it reaches the
// handler. Prefer Verify: X-Signature-V2 and X-Signature cover the whole
// body, X-Signature-Simple only timestamp, session_id, status and
// webhook_type. After VerifySimple, trust those four fields and nothing
// else of the body: fetch the session (GET /v3/session/{id}/decision/)
// for the rest. The body's timestamp must be within Tolerance of now.
func VerifySimple(secret string, header http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return ErrNoSecret
	}
	sig := header.Get("X-Signature-Simple")
	if sig == "" {
		return fmt.Errorf("%w: no X-Signature-Simple header", ErrSignature)
	}
	ts, id, status, typ, err := SimpleFields(body)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if err := checkTimestamp(strconv.FormatInt(ts, 10), now); err != nil {
		return err
	}
	if !macEqual(secret, []byte(strconv.FormatInt(ts, 10)+":"+id+":"+status+":"+typ), sig) {
		return fmt.Errorf("%w: X-Signature-Simple mismatch", ErrSignature)
	}
	return nil
}

// checkTimestamp applies Math.abs(Date.now()/1000 - ts) > 300, as Didit's JS
// receivers do, sub-second part of now included.
func checkTimestamp(text string, now time.Time) error {
	ts, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: X-Timestamp is not a unix time (%q)", ErrTimestamp, text)
	}
	limit := int64(Tolerance / time.Second)
	if away := absDiff(ts, now.Unix()); away > uint64(limit)+1 {
		return fmt.Errorf("%w: timestamp %d is %d seconds away from now (limit %d)", ErrTimestamp, ts, away, limit)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		away := strconv.FormatFloat(math.Abs(d.Seconds()), 'f', -1, 64)
		return fmt.Errorf("%w: timestamp %d is %s seconds away from now (limit %d)", ErrTimestamp, ts, away, limit)
	}
	return nil
}

// absDiff is |a-b| without overflow.
func absDiff(a, b int64) uint64 {
	if a >= b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

func mac(secret string, data []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(data)
	return m.Sum(nil)
}

func macEqual(secret string, data []byte, sigHex string) bool {
	got, err := hex.DecodeString(sigHex)
	return err == nil && hmac.Equal(got, mac(secret, data))
}

// Canonicalize parses body like JSON.parse and serialises it like
// JSON.stringify(sortKeys(shortenFloats(value))), what a Node receiver
// computes from body.toString("utf8"). In detail:
//
//   - Bytes are decoded as Node's Buffer.toString("utf8") does: each maximal
//     invalid UTF-8 subpart becomes one U+FFFD (WHATWG rule, not Go's
//     one-per-byte). Strings are kept as UTF-16 code units, so a lone
//     surrogate escape such as "\ud800" survives and is written back as
//     \ud800 (lowercase), as ES2019's well-formed JSON.stringify does.
//   - Only `"`, `\` and U+0000..U+001F are escaped (\b \f \n \r \t, else
//     \u00xx in lowercase hex); <, >, &, U+2028 and U+2029 stay raw.
//   - Numbers become float64 (big integers lose precision as in JS; 1e400 is
//     Infinity and prints as null) and print as Number.prototype.toString
//     (97.0 → 97, 1e21 → 1e+21). shortenFloats needs no code: JS has one
//     number type, so its "whole float to int" branch never fires.
//   - Object keys that are array indices ("0".."4294967294", no leading
//     zeros) come first in numeric order, because JS objects enumerate them
//     first whatever the insertion order; the rest follow sortKeys' order,
//     Array.prototype.sort()'s comparison of UTF-16 code units (which differs
//     from Go's byte order: U+E000..U+FFFF sort after U+10000 and up).
//   - A duplicated key keeps its last value, as JSON.parse does.
//   - A "__proto__" key is dropped: sortKeys' o[k] = ... assignment hits the
//     __proto__ setter instead of creating a property.
//
// It accepts exactly what json.Valid accepts, which for UTF-8 input is what
// JSON.parse accepts (no byte order mark, no trailing data), except that
// json.Valid also caps nesting at 10000 levels.
func Canonicalize(body []byte) ([]byte, error) {
	if !json.Valid(body) {
		if err := json.Unmarshal(body, new(json.RawMessage)); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	p := parser{b: body}
	return appendValue(nil, p.value()), nil
}

// Values: nil, bool, float64, jstr, []any, jobj.
type (
	jstr   []uint16 // UTF-16 code units, like a JS string
	member struct {
		k jstr
		v any
	}
	jobj   []member // document order, duplicates included
	parser struct { // of a document json.Valid accepted
		b []byte
		i int
	}
)

// ws skips white space and returns the next byte (0 at the end).
func (p *parser) ws() byte {
	for p.i < len(p.b) && strings.IndexByte(" \t\n\r", p.b[p.i]) >= 0 {
		p.i++
	}
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) value() any {
	switch p.ws() {
	case '"':
		return p.str()
	case 'n':
		p.i += 4
		return nil
	case 't':
		p.i += 4
		return true
	case 'f':
		p.i += 5
		return false
	case '[':
		arr := []any{}
		for p.i++; p.ws() != ']'; {
			if p.b[p.i] == ',' {
				p.i++
			}
			arr = append(arr, p.value())
		}
		p.i++
		return arr
	case '{':
		obj := jobj{}
		for p.i++; p.ws() != '}'; {
			if p.b[p.i] == ',' {
				p.i++
				p.ws()
			}
			k := p.str()
			p.ws()
			p.i++ // ':'
			obj = append(obj, member{k, p.value()})
		}
		p.i++
		return obj
	}
	start := p.i
	for p.i < len(p.b) && strings.IndexByte("+-.eE0123456789", p.b[p.i]) >= 0 {
		p.i++
	}
	f, _ := strconv.ParseFloat(string(p.b[start:p.i]), 64) // ±Inf past the range, as in JS
	return f
}

func (p *parser) str() jstr {
	s := jstr{}
	for p.i++; p.b[p.i] != '"'; {
		switch c := p.b[p.i]; {
		case c >= utf8.RuneSelf:
			r, n := decodeRune(p.b[p.i:])
			s, p.i = utf16.AppendRune(s, r), p.i+n
		case c != '\\':
			s, p.i = append(s, uint16(c)), p.i+1
		case p.b[p.i+1] == 'u': // one UTF-16 code unit, paired or not
			u, _ := strconv.ParseUint(string(p.b[p.i+2:p.i+6]), 16, 16)
			s, p.i = append(s, uint16(u)), p.i+6
		default:
			s = append(s, uint16("\"\\/\b\f\n\r\t"[strings.IndexByte(`"\/bfnrt`, p.b[p.i+1])]))
			p.i += 2
		}
	}
	p.i++
	return s
}

// decodeRune decodes b[0] >= 0x80 as WHATWG (and Node) do: an invalid
// sequence is one U+FFFD for its longest valid prefix.
func decodeRune(b []byte) (rune, int) {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0 // overlong
	case c == 0xED:
		need, hi = 2, 0x9F // surrogates
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90 // overlong
	case c == 0xF4:
		need, hi = 3, 0x8F // above U+10FFFF
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	default:
		return utf8.RuneError, 1
	}
	for i := 1; i <= need; i, lo, hi = i+1, 0x80, 0xBF {
		if i >= len(b) || b[i] < lo || b[i] > hi {
			return utf8.RuneError, i
		}
	}
	r, _ := utf8.DecodeRune(b[:need+1])
	return r, need + 1
}

func appendValue(buf []byte, v any) []byte {
	switch v := v.(type) {
	case bool:
		return strconv.AppendBool(buf, v)
	case float64:
		return appendNumber(buf, v)
	case jstr:
		return appendString(buf, v)
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, e)
		}
		return append(buf, ']')
	case jobj:
		slices.SortStableFunc(v, func(a, b member) int { return compareKeys(a.k, b.k) })
		buf = append(buf, '{')
		n := 0
		for i, m := range v {
			if i+1 < len(v) && slices.Equal(m.k, v[i+1].k) || string(utf16.Decode(m.k)) == "__proto__" {
				continue // superseded duplicate, or __proto__
			}
			if n++; n > 1 {
				buf = append(buf, ',')
			}
			buf = appendValue(append(appendString(buf, m.k), ':'), m.v)
		}
		return append(buf, '}')
	}
	return append(buf, "null"...)
}

func compareKeys(a, b jstr) int {
	ai, aok := arrayIndex(a)
	bi, bok := arrayIndex(b)
	switch {
	case aok && bok:
		return cmp.Compare(ai, bi)
	case aok:
		return -1
	case bok:
		return 1
	}
	return slices.Compare(a, b)
}

// arrayIndex reports whether k is a canonical decimal below 2^32-1, a key JS
// objects list before all others.
func arrayIndex(k jstr) (uint64, bool) {
	if len(k) == 0 || len(k) > 10 || len(k) > 1 && k[0] == '0' {
		return 0, false
	}
	var n uint64
	for _, c := range k {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n < math.MaxUint32
}

func appendString(buf []byte, s jstr) []byte {
	const hexd = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', byte(c))
		case c < 0x20 && strings.IndexByte("\b\f\n\r\t", byte(c)) >= 0:
			buf = append(buf, '\\', "bfnrt"[strings.IndexByte("\b\f\n\r\t", byte(c))])
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&15])
		case utf16.IsSurrogate(rune(c)) && c < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] < 0xE000:
			buf, i = utf8.AppendRune(buf, utf16.DecodeRune(rune(c), rune(s[i+1]))), i+1
		case utf16.IsSurrogate(rune(c)): // lone
			buf = append(buf, '\\', 'u', hexd[c>>12], hexd[c>>8&15], hexd[c>>4&15], hexd[c&15])
		default:
			buf = utf8.AppendRune(buf, rune(c))
		}
	}
	return append(buf, '"')
}

// appendNumber writes f as ECMAScript Number::toString does, from Go's
// shortest round-trip digits.
func appendNumber(buf []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(buf, "null"...)
	}
	if f == 0 {
		return append(buf, '0') // also -0
	}
	if f < 0 {
		buf, f = append(buf, '-'), -f
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	d := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	k, n := len(d), e+1 // f = 0.d × 10^n
	switch {
	case k <= n && n <= 21:
		return append(append(buf, d...), strings.Repeat("0", n-k)...)
	case 0 < n && n <= 21:
		return append(append(append(buf, d[:n]...), '.'), d[n:]...)
	case -6 < n && n <= 0:
		return append(append(append(buf, "0."...), strings.Repeat("0", -n)...), d...)
	}
	buf = append(buf, d[0])
	if k > 1 {
		buf = append(append(buf, '.'), d[1:]...)
	}
	if n >= 1 {
		return strconv.AppendInt(append(buf, 'e', '+'), int64(n-1), 10)
	}
	return strconv.AppendInt(append(buf, 'e', '-'), int64(1-n), 10)
}
