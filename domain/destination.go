package domain

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Webhook event types a destination can subscribe to.
const (
	EventStatusUpdated = "status.updated"
	EventDataUpdated   = "data.updated"
)

// WebhookEvents lists the event types handoff knows, in documentation order.
var WebhookEvents = []string{EventStatusUpdated, EventDataUpdated}

// Limits on a destination's fields.
const (
	MaxDestinationURL   = 2000
	MaxDestinationLabel = 200
)

// Destination is where an application's webhooks are posted. Its signing
// secret is not part of it: the secret is shown once, when it is made.
type Destination struct {
	ApplicationID    uuid.UUID
	ID               uuid.UUID
	URL              string
	Label            string
	SubscribedEvents []string
	Enabled          bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// PreviousSecretUntil is set while deliveries are also signed with the
	// secret in use before the last rotation.
	PreviousSecretUntil *time.Time
	// WebhookVersion is Didit's payload version the destination registered
	// for: v1, v2 or v3 (the default). handoff sends the same body to each.
	WebhookVersion string
}

// WebhookVersions are Didit's payload versions; DefaultWebhookVersion is
// its current one.
var WebhookVersions = []string{"v1", "v2", "v3"}

const DefaultWebhookVersion = "v3"

// ValidateWebhookVersion accepts v1, v2 or v3.
func ValidateWebhookVersion(v string) error {
	for _, k := range WebhookVersions {
		if v == k {
			return nil
		}
	}
	return FieldError("webhook_version", "%q is not a valid choice: use v1, v2 or v3.", v)
}

// DeliverySummary is a destination's delivery health over its lifetime,
// in Didit's shape. The response times are nil before the first attempt.
type DeliverySummary struct {
	Total, Failed       int64
	MinMS, AvgMS, MaxMS *int64
	LastDeliveryAt      *time.Time
}

// ErrorRate is the failed share of deliveries, in percent.
func (s DeliverySummary) ErrorRate() float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(s.Failed) * 100 / float64(s.Total)
}

// Subscribed reports whether the destination wants events of type event.
func (d Destination) Subscribed(event string) bool {
	for _, e := range d.SubscribedEvents {
		if e == event {
			return true
		}
	}
	return false
}

// SecretOverlap is how long deliveries keep carrying a signature made with
// the secret a rotation replaced (X-Signature-V2-Previous), so receivers can
// switch secrets without refusing genuine events.
const SecretOverlap = 24 * time.Hour

// ParseDestinationURL checks a webhook URL: absolute http or https with a
// host, no longer than MaxDestinationURL. Unless allowPrivate, a host that
// is an IP literal must be a public address (see PublicAddr); a host name is
// resolved by the caller, which checks each address the same way. Errors
// are keyed by the request field "url".
func ParseDestinationURL(raw string, allowPrivate bool) (*url.URL, error) {
	bad := func(format string, args ...any) (*url.URL, error) { return nil, FieldError("url", format, args...) }
	if strings.TrimSpace(raw) == "" {
		return bad("This field may not be blank.")
	}
	if len(raw) > MaxDestinationURL {
		return bad("Ensure this field has no more than %d characters.", MaxDestinationURL)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return bad("Enter a valid URL.")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("The URL must start with http:// or https://.")
	}
	if u.Opaque != "" {
		return bad("Enter a valid URL.")
	}
	host := u.Hostname()
	if host == "" {
		return bad("The URL must name a host.")
	}
	if u.Port() != "" {
		if p := u.Port(); len(p) > 5 || strings.TrimLeft(p, "0123456789") != "" || p == "0" || len(p) == 5 && p > "65535" {
			return bad("The URL's port is not valid.")
		}
	}
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if err == nil {
		if ip.Zone() != "" {
			return bad("The URL must not name an IPv6 zone.")
		}
		if !allowPrivate && !PublicAddr(ip) {
			return bad("The URL points at a private, loopback or link-local address (%s); webhooks go to public hosts only.", ip)
		}
		return u, nil
	}
	if !validHostname(host) {
		return bad("The URL's host %q is not a valid host name or IP address.", host)
	}
	if name := strings.TrimSuffix(strings.ToLower(host), "."); !allowPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		return bad("The URL points at a private, loopback or link-local address (%s); webhooks go to public hosts only.", host)
	}
	return u, nil
}

// validHostname accepts DNS names made of letters, digits, '-' and '_'
// labels. A name whose last label is numeric is refused: no top-level
// domain is, and resolvers read forms such as 2130706433 or 127.1 as IPv4
// addresses.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	last := strings.ToLower(labels[len(labels)-1])
	return strings.TrimLeft(last, "0123456789") != "" && !strings.HasPrefix(last, "0x")
}

// nonPublic are the special-purpose ranges netip's predicates do not cover
// and a webhook must not reach (RFC 6890 and successors).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: reaches IPv4 hosts
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments (Teredo, ORCHID, ...)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// PublicAddr reports whether ip is a public unicast address a webhook may
// be sent to: not loopback, private, link-local, unspecified, multicast,
// carrier-grade NAT, documentation, reserved or an IPv6 form that embeds
// an IPv4 address. IPv4-mapped IPv6 addresses are judged as IPv4.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// ValidateEvents checks subscribed_events: at least one, each known, and
// returns them without duplicates in the order given.
func ValidateEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, FieldError("subscribed_events", "Subscribe to at least one event (known: %s).", strings.Join(WebhookEvents, ", "))
	}
	out := make([]string, 0, len(events))
	for _, e := range events {
		known := false
		for _, k := range WebhookEvents {
			known = known || e == k
		}
		if !known {
			return nil, FieldError("subscribed_events", "%q is not a known event (known: %s).", e, strings.Join(WebhookEvents, ", "))
		}
		dup := false
		for _, o := range out {
			dup = dup || o == e
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out, nil
}

// ValidateLabel keeps a destination label short and printable.
func ValidateLabel(label string) error {
	if utf8.RuneCountInString(label) > MaxDestinationLabel {
		return FieldError("label", "Ensure this field has no more than %d characters.", MaxDestinationLabel)
	}
	if !utf8.ValidString(label) {
		return FieldError("label", "Not a valid string.")
	}
	for _, r := range label {
		if r < 0x20 || r == 0x7f {
			return FieldError("label", "must not contain control characters")
		}
	}
	return nil
}

// MergeErrors combines the field errors of several validations into one
// error, so a client sees every problem of a request at once. Nil errors
// are skipped; the first error that is not a field error wins outright.
func MergeErrors(errs ...error) error {
	var merged *Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || len(e.Fields) == 0 {
			return err
		}
		if merged == nil {
			merged = &Error{Code: CodeInvalid, Fields: map[string][]string{}}
		}
		for k, v := range e.Fields {
			merged.Fields[k] = append(merged.Fields[k], v...)
		}
	}
	if merged == nil {
		return nil
	}
	return merged
}
