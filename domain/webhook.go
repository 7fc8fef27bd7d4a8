package domain

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Webhook signing, byte for byte as Didit's receivers check it.
//
// X-Signature is HMAC-SHA256 (hex) of the raw body. X-Signature-V2 is
// HMAC-SHA256 (hex) of what a Node.js receiver computes from the body with
// Didit's published snippet:
//
//	JSON.stringify(sortKeys(shortenFloats(JSON.parse(rawBody.toString("utf8")))))
//
// where sortKeys rebuilds every object with
// Object.keys(v).sort().reduce((o, k) => { o[k] = sortKeys(v[k]); return o }, {}).
// CanonicalJSON reproduces that expression in Go; the vectors in
// testdata/webhook_vectors.json come from running it in Node
// (scripts/webhook-vectors.js).

// SignatureTolerance is how far X-Timestamp may be from the receiver's clock.
const SignatureTolerance = 300 * time.Second

// CanonicalJSON parses body like JSON.parse and serialises it like
// JSON.stringify(sortKeys(shortenFloats(value))). In detail:
//
//   - Bytes are decoded as Node's Buffer.toString("utf8") does: each maximal
//     invalid UTF-8 subpart becomes one U+FFFD (WHATWG rule, not Go's
//     one-per-byte). Strings are kept as UTF-16 code units, so a lone
//     surrogate escape such as "\ud800" survives and is written back as
//     \ud800 (lowercase), as ES2019's well-formed JSON.stringify does.
//   - Only `"`, `\` and U+0000..U+001F are escaped (\b \f \n \r \t, else
//     \u00xx in lowercase hex); <, >, &, U+2028 and U+2029 stay raw.
//   - Numbers become float64 (big integers lose precision as in JS; 1e400 is
//     Infinity and prints as null) and print as Number.prototype.toString.
//     shortenFloats needs no code: JS has one number type, so 97.0 is the
//     number 97 and prints "97"; its "whole float to int" branch never fires.
//     Formatting the double the JS way drops the trailing zeros the same way.
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
func CanonicalJSON(body []byte) ([]byte, error) {
	if !json.Valid(body) {
		err := json.Unmarshal(body, new(json.RawMessage)) // for a reason and an offset
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, Invalidf("%s", err.Error())
	}
	p := jsonParser{b: body}
	return appendJSON(make([]byte, 0, len(body)), p.value()), nil
}

// SignV2 is the X-Signature-V2 value for body.
func SignV2(secret string, body []byte) (string, error) {
	c, err := CanonicalJSON(body)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(webhookMAC(secret, c)), nil
}

// SignV1 is the X-Signature value: HMAC-SHA256 of the raw body bytes.
func SignV1(secret string, body []byte) string {
	return hex.EncodeToString(webhookMAC(secret, body))
}

func webhookMAC(secret string, data []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(data)
	return m.Sum(nil)
}

// VerifyWebhook checks a delivery the way Didit's receivers do: timestamp
// (unix seconds, from X-Timestamp) at most SignatureTolerance from now, then
// signatureV2 (X-Signature-V2) against SignV2. Every failure is an
// Unauthorized *Error saying why. X-Timestamp is not covered by the
// signature, so the window alone does not stop replays: deduplicate on the
// body's event_id.
func VerifyWebhook(secret string, body []byte, timestamp string, signatureV2 string, now time.Time) error {
	if secret == "" {
		return Unauthorizedf("no webhook secret is configured") // HMAC with "" is forgeable by anyone
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return Unauthorizedf("X-Timestamp is not a unix time")
	}
	limit := int64(SignatureTolerance / time.Second)
	if away := absDiff(ts, now.Unix()); away > uint64(limit)+1 {
		return Unauthorizedf("timestamp %d is %d seconds away from now (limit %d)", ts, away, limit)
	}
	// Within a second of the limit: compare with the sub-second part of now,
	// as the JS receivers' Math.abs(Date.now()/1000 - ts) > 300 does.
	if d := now.Sub(time.Unix(ts, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		away := strconv.FormatFloat(math.Abs(d.Seconds()), 'f', -1, 64)
		return Unauthorizedf("timestamp %d is %s seconds away from now (limit %d)", ts, away, limit)
	}
	canonical, err := CanonicalJSON(body)
	if err != nil {
		return Unauthorizedf("body is not JSON: %s", err.Error())
	}
	got, err := hex.DecodeString(signatureV2)
	if err != nil || !hmac.Equal(got, webhookMAC(secret, canonical)) {
		return Unauthorizedf("signature mismatch")
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

// Parsed values: nil, bool, float64, jsonString, []any, jsonObject.
type (
	jsonString []uint16 // UTF-16 code units, like a JS string
	jsonMember struct {
		key jsonString
		val any
	}
	jsonObject []jsonMember // in document order, duplicates included
)

// jsonParser builds the value tree of a document json.Valid accepted, so it
// does no syntax checking of its own.
type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.b) && strings.IndexByte(" \t\n\r", p.b[p.i]) >= 0 {
		p.i++
	}
}

func (p *jsonParser) value() any {
	p.space()
	switch c := p.b[p.i]; c {
	case '{', '[':
		return p.container(c)
	case '"':
		return p.str()
	case 't':
		p.i += 4
		return true
	case 'f':
		p.i += 5
		return false
	case 'n':
		p.i += 4
		return nil
	}
	start := p.i
	for p.i < len(p.b) && strings.IndexByte("+-.eE0123456789", p.b[p.i]) >= 0 {
		p.i++
	}
	// Nearest double, as in JS; past the largest double the result is ±Inf
	// (with an error we ignore), which JSON.stringify writes as null.
	f, _ := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	return f
}

// container parses an object (open == '{', members in document order,
// duplicates included) or an array.
func (p *jsonParser) container(open byte) any {
	var obj jsonObject
	arr := []any{}
	p.i++
	for p.space(); p.b[p.i] != open+2; p.space() { // '}' or ']'
		if p.b[p.i] == ',' {
			p.i++
		}
		if open == '[' {
			arr = append(arr, p.value())
			continue
		}
		p.space()
		key := p.str()
		p.space()
		p.i++ // ':'
		obj = append(obj, jsonMember{key, p.value()})
	}
	p.i++
	if open == '{' {
		return obj
	}
	return arr
}

func (p *jsonParser) str() jsonString {
	s := jsonString{}
	for p.i++; p.b[p.i] != '"'; { // p.i++ skips the opening quote
		switch c := p.b[p.i]; {
		case c >= utf8.RuneSelf:
			r, n := decodeUTF8(p.b[p.i:])
			s, p.i = utf16.AppendRune(s, r), p.i+n
		case c != '\\':
			s, p.i = append(s, uint16(c)), p.i+1
		case p.b[p.i+1] == 'u': // \uXXXX is one UTF-16 code unit, paired or not
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

// decodeUTF8 decodes one character of b (b[0] >= 0x80) the WHATWG way used
// by Node: an invalid sequence yields U+FFFD for its longest valid prefix.
func decodeUTF8(b []byte) (rune, int) {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0 // no overlong forms
	case c == 0xED:
		need, hi = 2, 0x9F // no surrogates
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F // nothing above U+10FFFF
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

func appendJSON(buf []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, v)
	case float64:
		return appendJSNumber(buf, v)
	case jsonString:
		return appendJSString(buf, v)
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e)
		}
		return append(buf, ']')
	}
	obj := v.(jsonObject)
	slices.SortStableFunc(obj, func(a, b jsonMember) int { return compareJSKeys(a.key, b.key) })
	buf = append(buf, '{')
	first := true
	for i, m := range obj {
		if i+1 < len(obj) && slices.Equal(m.key, obj[i+1].key) || isProto(m.key) {
			continue // an earlier duplicate, or __proto__
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(appendJSString(buf, m.key), ':')
		buf = appendJSON(buf, m.val)
	}
	return append(buf, '}')
}

// compareJSKeys orders keys as JSON.stringify meets them on the object
// sortKeys built: array indices numerically first, then UTF-16 order.
func compareJSKeys(a, b jsonString) int {
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

// arrayIndex reports whether k is a canonical decimal below 2^32-1.
func arrayIndex(k jsonString) (uint64, bool) {
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

func isProto(k jsonString) bool {
	return len(k) == 9 && string(utf16.Decode(k)) == "__proto__"
}

const lowerHex = "0123456789abcdef"

// appendJSString writes s as JSON.stringify does, in UTF-8.
func appendJSString(buf []byte, s jsonString) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', byte(c))
		case c < 0x20:
			if j := strings.IndexByte("\b\f\n\r\t", byte(c)); j >= 0 {
				buf = append(buf, '\\', "bfnrt"[j])
			} else {
				buf = append(buf, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&15])
			}
		case c >= 0xD800 && c < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] < 0xE000:
			buf = utf8.AppendRune(buf, utf16.DecodeRune(rune(c), rune(s[i+1])))
			i++
		case c >= 0xD800 && c < 0xE000: // lone surrogate
			buf = append(buf, '\\', 'u', lowerHex[c>>12], lowerHex[c>>8&15], lowerHex[c>>4&15], lowerHex[c&15])
		default:
			buf = utf8.AppendRune(buf, rune(c))
		}
	}
	return append(buf, '"')
}

// appendJSNumber formats f as ECMAScript Number::toString (what
// JSON.stringify uses), from the same shortest round-trip digits Go finds.
func appendJSNumber(buf []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 0) || math.IsNaN(f):
		return append(buf, "null"...)
	case f == 0:
		return append(buf, '0') // also -0
	case f < 0:
		buf, f = append(buf, '-'), -f
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mant, ".", "", 1) // f = 0.digits × 10^n
	e, _ := strconv.Atoi(exp)
	k, n := len(digits), e+1
	switch {
	case k <= n && n <= 21: // integer: 1e20 → 100000000000000000000
		buf = append(append(buf, digits...), strings.Repeat("0", n-k)...)
	case 0 < n && n <= 21: // 97.42
		buf = append(append(append(buf, digits[:n]...), '.'), digits[n:]...)
	case -6 < n && n <= 0: // 0.000001
		buf = append(append(append(buf, "0."...), strings.Repeat("0", -n)...), digits...)
	default: // 1e+21, 1.5e-7
		buf = append(buf, digits[0])
		if k > 1 {
			buf = append(append(buf, '.'), digits[1:]...)
		}
		buf = append(buf, 'e', '+')
		if n < 1 {
			buf[len(buf)-1] = '-'
		}
		buf = strconv.AppendInt(buf, int64(max(n-1, 1-n)), 10)
	}
	return buf
}
