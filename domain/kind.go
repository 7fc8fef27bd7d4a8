// Package domain holds handoff's types and rules: sessions, statuses, check
// payloads, share-token claims, audit events and errors. It does no I/O.
package domain

import "fmt"

// Kind is what a session verifies: a person (KYC) or a company (KYB).
type Kind string

const (
	KindUser     Kind = "user"
	KindBusiness Kind = "business"
)

// ParseKind accepts exactly the seed's lowercase spellings.
func ParseKind(s string) (Kind, error) {
	switch Kind(s) {
	case KindUser, KindBusiness:
		return Kind(s), nil
	}
	return "", Invalidf("session_kind must be %q or %q, not %q", KindUser, KindBusiness, s)
}

// Label is the short name analysts use for the kind.
func (k Kind) Label() string {
	if k == KindBusiness {
		return "KYB"
	}
	return "KYC"
}

func (k Kind) String() string { return string(k) }

var _ fmt.Stringer = KindUser
