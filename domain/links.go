package domain

import (
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// Links in API answers and webhook decisions are absolute: base is this
// server's address as partners reach it (scheme://host, perhaps with a
// path prefix, no trailing slash), from the request or serve --public-url.

// SandboxURL is a session's link (the create's url, the decision's
// session_url): handoff has no hosted capture page, so it is the sandbox
// completion of the session.
func SandboxURL(base string, id uuid.UUID) string {
	return base + "/v3/session/" + id.String() + "/sandbox/complete/"
}

// MediaURL is a media link: GET /v3/media/{token}.
func MediaURL(base, token string) string { return base + "/v3/media/" + token }

// Link gives v its links under base: session_url for a session created
// over the API (it has details), and every media field (LinkMedia) a link
// to the file token names.
func (v *DecisionView) Link(base string, token func(name string) string) {
	if v.Session.Details != nil {
		v.SessionURL = SandboxURL(base, v.Session.ID)
	}
	v.Session.Checks = LinkMedia(v.Session.Checks, func(name string) string { return MediaURL(base, token(name)) })
}

// ParsePublicURL reads serve --public-url: an absolute http or https URL
// with a host, perhaps a path prefix, and neither query nor fragment. It
// returns the base links are built on (no trailing slash).
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return "", Invalidf("--public-url must be an http or https URL such as https://handoff.example.com, without a query, fragment or user, not %q", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
