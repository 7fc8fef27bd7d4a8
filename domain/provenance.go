package domain

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Hop is one session a clone descends from: its application, its session
// and number there, and the share token that carried it on to the next
// application. Ids only: a chain never holds anything about the person.
type Hop struct {
	ApplicationID uuid.UUID
	Application   string // its name when the import was recorded; "" when unknown
	SessionID     uuid.UUID
	Number        int64 // 0 when unknown
	TokenID       uuid.UUID
}

// Chain is the sessions an imported session descends from, the origin
// first and its direct source last.
type Chain []Hop

// Origin is the session the chain started from (zero for an empty chain).
func (c Chain) Origin() Hop {
	if len(c) == 0 {
		return Hop{}
	}
	return c[0]
}

// OriginIn says whether the chain started in app: a case that comes back
// to the application that first verified it.
func (c Chain) OriginIn(app uuid.UUID) bool { return len(c) > 0 && c[0].ApplicationID == app }

// String names the hop by its application and session number, or by ids
// where those were not recorded: "Northwind Bank #318".
func (h Hop) String() string {
	name := h.Application
	if name == "" {
		name = "application " + h.ApplicationID.String()[:8]
	}
	if h.Number <= 0 {
		return name + " session " + h.SessionID.String()[:8]
	}
	return fmt.Sprintf("%s #%d", name, h.Number)
}

// Provenance says where an imported session came from: the direct source
// with the token and the issuer's audit evidence, and the whole chain back
// to the origin.
type Provenance struct {
	SourceSessionID     uuid.UUID
	SourceApplicationID uuid.UUID
	SourceApplication   string // its name when the import ran; empty when unknown
	TokenID             uuid.UUID
	MintedBy            string
	MintedAt            time.Time
	ImportedBy          string
	ImportedAt          time.Time
	// The issuer's audit evidence, recorded at import: its mint event's
	// leaf hash and its latest signed checkpoint then (nil, "" when absent).
	MintLeaf         []byte
	IssuerCheckpoint string
	// Chain is every session this one descends from, the origin first and
	// the direct source last; OwnOrigin is set when the origin is in the
	// caller's own application (the case came back to where it started).
	Chain     Chain
	OwnOrigin bool
}
