package domain

import (
	"net/netip"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

// ListType is Didit's kind of list: the system blocklists, and the
// allowlists and custom lists a partner makes.
type ListType string

const (
	ListBlocklist ListType = "blocklist"
	ListAllowlist ListType = "allowlist"
	ListCustom    ListType = "custom"
)

// ParseListType accepts Didit's three list types.
func ParseListType(s string) (ListType, bool) {
	switch t := ListType(s); t {
	case ListBlocklist, ListAllowlist, ListCustom:
		return t, true
	}
	return "", false
}

// EntryType is what a list holds. handoff supports the entry types an
// imported session carries (Didit has more: device fingerprints, wallets
// and bank accounts come from steps handoff does not capture).
type EntryType string

const (
	EntryDocument  EntryType = "document"
	EntryFace      EntryType = "face"
	EntryPhone     EntryType = "phone"
	EntryEmail     EntryType = "email"
	EntryUser      EntryType = "user"
	EntryBusiness  EntryType = "business"
	EntryCountry   EntryType = "country"
	EntryIPAddress EntryType = "ip_address"
)

// EntryTypes lists every supported entry type, in the order system
// blocklists are listed.
var EntryTypes = []EntryType{EntryDocument, EntryFace, EntryPhone, EntryEmail, EntryUser, EntryBusiness, EntryCountry, EntryIPAddress}

// ParseEntryType accepts the supported entry types.
func ParseEntryType(s string) (EntryType, bool) {
	for _, t := range EntryTypes {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// Label is how a finding or the workstation names the type.
func (t EntryType) Label() string {
	switch t {
	case EntryIPAddress:
		return "IP address"
	case EntryEmail:
		return "e-mail"
	}
	return string(t)
}

// SystemListName is the name of the system blocklist of an entry type.
func SystemListName(t EntryType) string {
	switch t {
	case EntryIPAddress:
		return "IP Address Blocklist"
	}
	return strings.ToUpper(string(t[:1])) + string(t[1:]) + " Blocklist"
}

// A List is one list of one application.
type List struct {
	ApplicationID    uuid.UUID
	ID               uuid.UUID
	Name             string
	Description      string
	Type             ListType
	EntryType        EntryType
	System           bool // a system blocklist: cannot be renamed or deleted
	EntryCount       int64
	LastEntryAddedAt *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// A ListEntry is one value on a list, with who put it there and why.
type ListEntry struct {
	ID                     uuid.UUID
	ListID                 uuid.UUID
	Value                  string // normalised
	DisplayLabel           string
	Comment                string
	AddedBy                string
	ReferenceSessionID     *uuid.UUID
	ReferenceSessionNumber *int64
	Metadata               []byte // a JSON object, or nil
	CreatedAt              time.Time
	// Unavailable is set on a face entry this server cannot open (it runs
	// without the biometric key): its value, label, comment and metadata
	// are then blank. Matching still finds it by its hash.
	Unavailable bool
}

// MaxListName bounds list names and labels; MaxListText descriptions and
// comments.
const (
	MaxListName = 200
	MaxListText = 2000
)

// ValidateListText rejects a name, label, description or comment that is
// too long or holds control characters; field names it in the error.
func ValidateListText(field, v string, max int) error {
	if len(v) > max {
		return FieldError(field, "must be at most %d characters", max)
	}
	for _, r := range v {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return FieldError(field, "must not contain control characters")
		}
	}
	return nil
}

// ValidateEntryReason checks the reason kept with a new list entry. An
// analyst must say why: the reason is shown to whoever later sees the
// entry match. For a partner's back end (an API key) or an operator it
// stays optional, as Didit's API has it.
func ValidateEntryReason(c Caller, comment string) error {
	if c.Analyst != "" && strings.TrimSpace(comment) == "" {
		return FieldError("comment", "Say why: the reason is kept with the entry and shown to whoever sees it match.")
	}
	return ValidateListText("comment", comment, MaxListText)
}

// NormalizeEntry returns the canonical form of value for entry type t, the
// form that is stored, hashed and compared, or a "value" field error that
// says what is wrong. The rules:
//   - document: "COUNTRY TYPE NUMBER" or "COUNTRY:TYPE:NUMBER"; the country
//     as ISO alpha-3 (alpha-2 converted), the type lower-case with
//     underscores ("Identity Card" → identity_card), the number upper-case
//     without spaces, dashes, dots or slashes (in the spaced form the number
//     is the last word; use colons for a number written with spaces).
//     Canonical "GRC:passport:EK0412352".
//   - face: the face identifier from the payload, trimmed and lower-case.
//   - phone: international form only ("+" or "00" first), spaces, dots,
//     dashes, slashes and brackets dropped, 8 to 15 digits: E.164 "+15555550123".
//   - email: trimmed and lower-case as a whole (handoff treats local parts
//     as case-insensitive, as every large provider does); for gmail.com and
//     googlemail.com, which ignore them, dots and a "+tag" in the local part
//     are dropped and the domain is gmail.com. Other domains keep dots and
//     "+tags", since their providers may treat them as distinct addresses.
//   - user: the vendor_data, trimmed and lower-case (Didit matches
//     every entry value case-insensitively).
//   - business: "COUNTRY NUMBER" or "COUNTRY:NUMBER", registration number
//     normalised like a document number. Canonical "GBR:01234567".
//   - country: ISO 3166-1 alpha-3, upper-case; alpha-2 is converted.
//   - ip_address: an IPv4 or IPv6 address or CIDR range in its canonical
//     text (IPv6 compressed and lower-case, a range masked to its network,
//     a /32 or /128 range is the address itself).
func NormalizeEntry(t EntryType, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", FieldError("value", "This field may not be blank.")
	}
	if len(v) > MaxListName {
		return "", FieldError("value", "must be at most %d characters", MaxListName)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "", FieldError("value", "must not contain control characters")
		}
	}
	switch t {
	case EntryDocument:
		return normDocument(v)
	case EntryFace, EntryUser:
		return strings.ToLower(v), nil
	case EntryPhone:
		return normPhone(v)
	case EntryEmail:
		return normEmail(v)
	case EntryBusiness:
		return normBusiness(v)
	case EntryCountry:
		c, ok := CountryAlpha3(v)
		if !ok {
			return "", FieldError("value", "%q is not an ISO 3166-1 country code (alpha-3 like GRC, or alpha-2 like GR)", v)
		}
		return c, nil
	case EntryIPAddress:
		return normIP(v)
	}
	return "", FieldError("entry_type", "%q is not a supported entry type", t)
}

func splitParts(v string, n int) []string {
	if strings.Contains(v, ":") {
		return strings.Split(v, ":")
	}
	f := strings.Fields(v)
	if len(f) <= n {
		return f
	}
	// the middle part (a document type) may have spaces of its own
	return []string{f[0], strings.Join(f[1:len(f)-1], " "), f[len(f)-1]}
}

func normDocument(v string) (string, error) {
	p := splitParts(v, 3)
	if len(p) != 3 {
		return "", FieldError("value", "a document is \"COUNTRY TYPE NUMBER\", for example \"GRC passport EK0412352\"")
	}
	c, ok := CountryAlpha3(p[0])
	if !ok {
		return "", FieldError("value", "%q is not an ISO 3166-1 country code for the issuing country", strings.TrimSpace(p[0]))
	}
	typ := DocumentTypeKey(p[1])
	num := idNumber(p[2])
	if typ == "" || num == "" {
		return "", FieldError("value", "a document needs a type and a number, for example \"GRC passport EK0412352\"")
	}
	return c + ":" + typ + ":" + num, nil
}

// DocumentTypeKey is a document type as it is compared: "Identity Card",
// "identity-card" and "IDENTITY_CARD" are all identity_card.
func DocumentTypeKey(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' || r == '_' })
	return strings.Join(f, "_")
}

// idNumber is a document or registration number as it is compared.
func idNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '.', '/', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func normBusiness(v string) (string, error) {
	p := splitParts(v, 2)
	if len(p) == 3 { // spaces inside the number
		p = []string{p[0], p[1] + p[2]}
	}
	if len(p) != 2 {
		return "", FieldError("value", "a business is \"COUNTRY REGISTRATION_NUMBER\", for example \"GBR 01234567\"")
	}
	c, ok := CountryAlpha3(p[0])
	if !ok {
		return "", FieldError("value", "%q is not an ISO 3166-1 country code for the registering country", strings.TrimSpace(p[0]))
	}
	num := idNumber(p[1])
	if num == "" {
		return "", FieldError("value", "a business needs a registration number")
	}
	return c + ":" + num, nil
}

func normPhone(v string) (string, error) {
	rest, ok := strings.CutPrefix(v, "+")
	if !ok {
		if rest, ok = strings.CutPrefix(v, "00"); !ok {
			return "", FieldError("value", "a phone number must be international, starting with + and the country code")
		}
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" .-/()", r):
		default:
			return "", FieldError("value", "a phone number may hold only digits, spaces and . - / ( )")
		}
	}
	if n := b.Len() - 1; n < 8 || n > 15 || strings.HasPrefix(b.String(), "+0") {
		return "", FieldError("value", "a phone number has 8 to 15 digits after the + and starts with a country code")
	}
	return b.String(), nil
}

func normEmail(v string) (string, error) {
	v = strings.ToLower(v)
	local, dom, ok := strings.Cut(v, "@")
	if !ok || local == "" || strings.Contains(dom, "@") || !strings.Contains(dom, ".") ||
		strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") || strings.ContainsAny(v, " ,;<>\"") {
		return "", FieldError("value", "%q is not a valid e-mail address", v)
	}
	if dom == "gmail.com" || dom == "googlemail.com" {
		local, _, _ = strings.Cut(local, "+")
		local = strings.ReplaceAll(local, ".", "")
		dom = "gmail.com"
		if local == "" {
			return "", FieldError("value", "%q is not a valid e-mail address", v)
		}
	}
	return local + "@" + dom, nil
}

func normIP(v string) (string, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", FieldError("value", "%q is not an IP address or CIDR range", v)
		}
		p = p.Masked()
		if p.IsSingleIP() {
			return p.Addr().String(), nil
		}
		return p.String(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return "", FieldError("value", "%q is not an IP address or CIDR range", v)
	}
	return a.Unmap().WithZone("").String(), nil
}

// IPMatchKeys are the canonical values a list entry of type ip_address
// would have to hold to cover addr: the address itself and every range
// that contains it, so a lookup by hash finds CIDR entries too.
func IPMatchKeys(addr string) []string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil
	}
	a = a.Unmap().WithZone("")
	// The keys are written one after another into one buffer and sliced
	// from one string: an IPv4 address's 33 keys (an IPv6 one's 129) cost
	// three allocations rather than two or three each.
	var ends [129]int                                     // where each key ends in text
	text := make([]byte, 0, (a.BitLen()+1)*(len(addr)+4)) // a range is at most "/128" longer
	text = a.AppendTo(text)
	ends[0] = len(text)
	for bits := a.BitLen() - 1; bits >= 0; bits-- {
		p, _ := a.Prefix(bits)
		text = p.AppendTo(text) // as p.String(): p is valid
		ends[a.BitLen()-bits] = len(text)
	}
	all, out, start := string(text), make([]string, a.BitLen()+1), 0
	for i := range out {
		out[i], start = all[start:ends[i]], ends[i]
	}
	return out
}

// MaskValue shows a canonical value in a finding without all of it:
// "GRC passport EK04…52", "+1555…23", "ma…@example.com".
func MaskValue(t EntryType, canonical string) string {
	mask := func(s string, head, tail int) string {
		r := []rune(s)
		if len(r) <= head+tail+1 {
			return s
		}
		return string(r[:head]) + "…" + string(r[len(r)-tail:])
	}
	switch t {
	case EntryDocument:
		p := strings.SplitN(canonical, ":", 3)
		if len(p) == 3 {
			return p[0] + " " + strings.ReplaceAll(p[1], "_", " ") + " " + mask(p[2], 4, 2)
		}
	case EntryBusiness:
		if c, n, ok := strings.Cut(canonical, ":"); ok {
			return c + " " + mask(n, 3, 2)
		}
	case EntryPhone:
		return mask(canonical, 5, 2)
	case EntryEmail:
		if l, d, ok := strings.Cut(canonical, "@"); ok {
			return mask(l, 2, 0) + "@" + d
		}
	case EntryFace:
		return mask(canonical, 8, 4)
	case EntryIPAddress:
		// One address points at a person's line; its network does not (a
		// range is shown whole).
		if strings.Contains(canonical, "/") {
			return canonical
		}
		if i := strings.LastIndexAny(canonical, ".:"); i > 0 {
			return canonical[:i+1] + "…"
		}
	}
	return canonical
}
