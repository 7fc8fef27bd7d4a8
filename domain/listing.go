package domain

import (
	"time"

	"github.com/google/uuid"
)

// Lists (GET /v3/sessions/, /v3/users/, /v3/businesses/) page with Didit's
// LimitOffset pagination.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
	// CountCap bounds how many rows a list counts: count is exact up to it
	// and reads CountCap beyond it, as Didit's bounded counts do, so a page
	// costs the same whatever the table's size. Follow next to iterate.
	CountCap = 10000
)

// Page places one page of a list. Before and After are keyset cursors
// (session numbers) that the next and previous links carry so that
// following them costs the same on every page and is stable while
// sessions are added; Offset alone is honoured when neither is set.
type Page struct {
	Limit         int
	Offset        int
	Before, After int64
}

// Validate checks the page bounds, naming the offending query parameter.
func (p Page) Validate() error {
	switch {
	case p.Limit < 1 || p.Limit > MaxPageLimit:
		return FieldError("limit", "Ensure this value is between 1 and %d.", MaxPageLimit)
	case p.Offset < 0:
		return FieldError("offset", "Ensure this value is greater than or equal to 0.")
	case p.Before < 0 || p.After < 0 || p.Before > 0 && p.After > 0:
		return Invalidf("Use at most one of before and after, each a session number.")
	}
	return nil
}

// SessionListFilter selects sessions of one application. Zero values mean
// "any".
type SessionListFilter struct {
	Kinds             []Kind   // empty: both kinds
	Statuses          []Status // exact spellings
	VendorData        string   // exact
	WorkflowID        string   // exact
	Search            string   // vendor_data substring or session id prefix
	From, To          *time.Time
	SharedFromSession *uuid.UUID
}

// StatusesFor spells the phases of the statuses named in list, in every
// casing of kinds, so that "Approved" also finds APPROVED business sessions.
func StatusesFor(list []string, kinds []Kind) ([]Status, error) {
	if len(kinds) == 0 {
		kinds = []Kind{KindUser, KindBusiness}
	}
	var out []Status
	for _, s := range list {
		p := Status(s).Phase()
		if p == 0 {
			return nil, FieldError("status", "%q is not a session status.", s)
		}
		for _, k := range kinds {
			out = append(out, StatusOf(k, p))
		}
	}
	return out, nil
}
