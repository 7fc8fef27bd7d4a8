package domain

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Activity is what a review entry records, Didit's activity_type.
type Activity string

// The activities of a session's review feed. STATUS_UPDATED is Didit's;
// the others are handoff's (a note, and the steps of four-eyes review).
const (
	ActivityStatusUpdated    Activity = "STATUS_UPDATED"
	ActivityNoteAdded        Activity = "NOTE_ADDED"
	ActivityDecisionProposed Activity = "DECISION_PROPOSED"
	ActivityProposalApproved Activity = "DECISION_CONFIRMED"
	ActivityProposalRejected Activity = "PROPOSAL_REJECTED"
)

// ActorType is who wrote a review, as Didit names them.
type ActorType string

// The actor types: an API key, an analyst (Didit's console user), or the
// system (an operator at the command line, or handoff itself).
const (
	ActorAPIKey      ActorType = "API_KEY"
	ActorConsoleUser ActorType = "CONSOLE_USER"
	ActorSystem      ActorType = "SYSTEM"
)

// MaxReviewComment bounds a review's comment, as Didit does.
const MaxReviewComment = 10000

// Review is one entry of a session's review feed: a decision, a note, or
// a step of four-eyes review.
type Review struct {
	ApplicationID  uuid.UUID
	ID             uuid.UUID
	SessionID      uuid.UUID
	Activity       Activity
	Actor          string // as the audit trail names the caller
	ActorType      ActorType
	ActorDisplay   string
	NewStatus      *Status // nil for a note with no status
	PreviousStatus *Status // nil unless the status changed
	Comment        string
	Reason         ReasonCode // a decline's reason code, or ""
	Metadata       json.RawMessage
	CreatedAt      time.Time
}

// ReviewBy fills in who wrote a review from the caller.
func ReviewBy(c Caller) (actor string, typ ActorType, display string) {
	switch {
	case c.Analyst != "":
		return c.Actor(), ActorConsoleUser, c.Analyst
	case c.KeyID != nil:
		return c.Actor(), ActorAPIKey, "API Client"
	case c.Operator != "":
		return c.Actor(), ActorSystem, c.Operator
	}
	return c.Actor(), ActorSystem, "System"
}

// ReviewStatus is what a POST to a session's reviews asks for: a decision
// (Approved or Declined, in either casing) or, with In Review, a note that
// leaves the status as it is (note true).
func ReviewStatus(newStatus string) (phase Phase, note bool, err error) {
	p := Status(newStatus).Phase()
	switch {
	case newStatus == "":
		return 0, false, FieldError("new_status", "This field is required.")
	case p == PhaseInReview:
		return p, true, nil
	case p == PhaseApproved || p == PhaseDeclined:
		return p, false, nil
	}
	return 0, false, FieldError("new_status", "must be \"Approved\", \"Declined\" or \"In Review\", not %q", newStatus)
}

// ValidateReviewComment checks a review's comment length.
// ValidateRejection checks the note that sends a four-eyes proposal back:
// it must say why, within a review comment's length.
func ValidateRejection(note string) error {
	if strings.TrimSpace(note) == "" {
		return FieldError("comment", "Rejecting a proposal needs a note saying why.")
	}
	return ValidateReviewComment(note)
}

func ValidateReviewComment(comment string) error {
	if utf8.RuneCountInString(comment) > MaxReviewComment {
		return FieldError("comment", "Ensure this field has no more than %d characters.", MaxReviewComment)
	}
	return nil
}
