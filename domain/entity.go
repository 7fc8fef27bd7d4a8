package domain

import (
	"time"

	"github.com/google/uuid"
)

// EntityStatus is a user's or business's lifecycle status, as Didit names
// it (not a session status).
type EntityStatus string

const (
	EntityActive  EntityStatus = "ACTIVE"
	EntityFlagged EntityStatus = "FLAGGED"
	EntityBlocked EntityStatus = "BLOCKED"
)

// ParseEntityStatus accepts exactly ACTIVE, FLAGGED or BLOCKED.
func ParseEntityStatus(s string) (EntityStatus, error) {
	switch EntityStatus(s) {
	case EntityActive, EntityFlagged, EntityBlocked:
		return EntityStatus(s), nil
	}
	return "", FieldError("status", "%q is not a valid choice: use ACTIVE, FLAGGED or BLOCKED.", s)
}

// ActionEntityStatusChanged is the audit action of an entity status change.
const ActionEntityStatusChanged = "entity.status_changed"

// Entity is a user (KYC) or business (KYB) of one application, identified
// by vendor_data, with counts over its live sessions.
type Entity struct {
	ID                                       uuid.UUID
	Kind                                     Kind
	VendorData                               string
	Status                                   EntityStatus
	SessionCount, Approved, Declined, Review int64
	FirstSessionAt, LastSessionAt            *time.Time
	CreatedAt, UpdatedAt                     time.Time
}

// EntityFilter selects entities of one kind.
type EntityFilter struct {
	Kind   Kind
	Status EntityStatus // "" for any
	Search string       // vendor_data substring
}
