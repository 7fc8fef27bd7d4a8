package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// FourEyes is an application's second-review policy: which analysts'
// decisions need a different reviewer's confirmation before they take
// effect.
type FourEyes string

// The policies.
const (
	FourEyesOff      FourEyes = "off"      // every decision takes effect (the default)
	FourEyesDeclines FourEyes = "declines" // declines need a second reviewer
	FourEyesAll      FourEyes = "all"      // approvals and declines do
)

// ParseFourEyes reads a policy name.
func ParseFourEyes(s string) (FourEyes, error) {
	switch p := FourEyes(strings.ToLower(strings.TrimSpace(s))); p {
	case FourEyesOff, FourEyesDeclines, FourEyesAll:
		return p, nil
	}
	return "", FieldError("four_eyes", "must be off, declines or all, not %q", s)
}

// Requires reports whether a decision moving to phase needs a second
// reviewer under p.
func (p FourEyes) Requires(phase Phase) bool {
	switch p {
	case FourEyesAll:
		return phase == PhaseApproved || phase == PhaseDeclined
	case FourEyesDeclines:
		return phase == PhaseDeclined
	}
	return false
}

// AppSettings are an application's review settings.
type AppSettings struct {
	FourEyes  FourEyes
	ReviewSLA time.Duration // 0: none
}

// MaxReviewSLA bounds the review service level.
const MaxReviewSLA = 90 * 24 * time.Hour

// ValidateReviewSLA checks a review service level: none (0) up to 90 days,
// in whole seconds.
func ValidateReviewSLA(d time.Duration) error {
	if d < 0 || d > MaxReviewSLA || d%time.Second != 0 {
		return FieldError("review_sla", "must be whole seconds between 0 (none) and 90 days, not %s", d)
	}
	return nil
}

// Proposal is an analyst's decision waiting for a second reviewer under a
// four-eyes policy. The case keeps its status until a different reviewer
// confirms it.
type Proposal struct {
	SessionID uuid.UUID
	ReviewID  uuid.UUID // the DECISION_PROPOSED review
	Decision  Decision
	Proposer  string // as the audit trail names them (analyst:alice)
	By        string // their display name (alice)
	At        time.Time
}

// Summary is the proposal as a case page and a queue show it:
// "awaiting second review: Declined — sanctions_match, by alice".
func (p Proposal) Summary() string {
	what := "Approved"
	if p.Decision.Phase == PhaseDeclined {
		what = "Declined"
	}
	if p.Decision.Reason != "" {
		what += " — " + string(p.Decision.Reason)
	}
	return "awaiting second review: " + what + ", by " + p.By
}
