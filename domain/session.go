package domain

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Session is one verification inside one application.
type Session struct {
	ApplicationID     uuid.UUID
	ID                uuid.UUID
	Number            int64
	Kind              Kind
	Status            Status
	WorkflowID        string
	VendorData        string
	SharedFromSession *uuid.UUID
	Checks            Checks
	// BiometricsUnavailable is set when the session has biometric material
	// that this server cannot open (it runs without the biometric key):
	// Checks then holds everything else.
	BiometricsUnavailable bool
	CreatedAt             time.Time
	ExpiresAt             *time.Time
	// Version counts the session's changes: 1 when it is created or
	// imported, one more on every status change and on its deletion.
	// Webhook events carry it as session_version.
	Version int64
	// Details is what POST /v3/session/ was sent; nil for sessions made
	// otherwise, and unless the reader asked for it.
	Details *SessionDetails
}

// SessionDetails are Didit's top-level fields of a session created over
// the API: the token of its (sandbox) link and what the partner sent.
// The JSON fields are kept as sent.
type SessionDetails struct {
	SessionToken    string
	Callback        string
	Metadata        json.RawMessage
	ContactDetails  json.RawMessage
	ExpectedDetails json.RawMessage
}

// Imported reports whether the session is a clone of another application's.
func (s *Session) Imported() bool { return s.SharedFromSession != nil }

// ImportedStatus is the status a clone of src lands in: the source's when
// the importer trusts the issuer's review, otherwise In Review in the
// casing of the kind.
func ImportedStatus(src Status, kind Kind, trustReview bool) Status {
	if trustReview {
		return src
	}
	return StatusOf(kind, PhaseInReview)
}

// MaxVendorData bounds vendor_data, an opaque id from the partner's side.
const MaxVendorData = 256

// ValidateVendorData rejects vendor data that is too long or has control
// characters.
func ValidateVendorData(v string) error {
	if len(v) > MaxVendorData {
		return FieldError("vendor_data", "must be at most %d characters", MaxVendorData)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return FieldError("vendor_data", "must not contain control characters")
		}
	}
	return nil
}

// Changed counts one more change of the session (a status change or its
// deletion), as the store records it.
func (s *Session) Changed() { s.Version++ }
