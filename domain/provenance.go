package domain

import (
	"fmt"

	"github.com/google/uuid"
)

// Hop is one session a clone descends from: its application, its session
// and number there, and the share token that carried it on to the next
// application. Ids only: a chain never holds anything about the person.
type Hop struct {
	ApplicationID uuid.UUID
	Application   string // its name when read; "" once the application is deleted
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
// where those cannot be read any more: "Northwind Bank #318".
func (h Hop) String() string {
	name := h.Application
	if name == "" {
		name = "deleted application " + h.ApplicationID.String()[:8]
	}
	if h.Number <= 0 {
		return name + " session " + h.SessionID.String()[:8]
	}
	return fmt.Sprintf("%s #%d", name, h.Number)
}
