package domain

import (
	"strings"
	"unicode/utf8"
)

// ReasonCode is what a decline is filed under, from a closed set; the
// analyst adds a note in words.
type ReasonCode string

// The reason codes, in the order the workstation offers them.
const (
	ReasonDocumentForged       ReasonCode = "document_forged"
	ReasonDocumentExpired      ReasonCode = "document_expired"
	ReasonSanctionsMatch       ReasonCode = "sanctions_match"
	ReasonPEPMatch             ReasonCode = "pep_match"
	ReasonIdentityMismatch     ReasonCode = "identity_mismatch"
	ReasonFaceMismatch         ReasonCode = "face_mismatch"
	ReasonDuplicateIdentity    ReasonCode = "duplicate_identity"
	ReasonBlocklisted          ReasonCode = "blocklisted"
	ReasonHighRiskJurisdiction ReasonCode = "high_risk_jurisdiction"
	ReasonInsufficientEvidence ReasonCode = "insufficient_evidence"
	ReasonOther                ReasonCode = "other"
)

var reasonLabels = []struct {
	code  ReasonCode
	label string
}{
	{ReasonDocumentForged, "Document forged or tampered with"},
	{ReasonDocumentExpired, "Document expired"},
	{ReasonSanctionsMatch, "Sanctions list match"},
	{ReasonPEPMatch, "Politically exposed person"},
	{ReasonIdentityMismatch, "Identity does not match"},
	{ReasonFaceMismatch, "Face does not match the document"},
	{ReasonDuplicateIdentity, "Identity already used"},
	{ReasonBlocklisted, "On a blocklist"},
	{ReasonHighRiskJurisdiction, "High-risk jurisdiction"},
	{ReasonInsufficientEvidence, "Not enough evidence"},
	{ReasonOther, "Other (say why in the note)"},
}

// ReasonCodes lists every reason code, in display order.
func ReasonCodes() []ReasonCode {
	out := make([]ReasonCode, len(reasonLabels))
	for i, r := range reasonLabels {
		out[i] = r.code
	}
	return out
}

// Label is the reason in words, for people.
func (r ReasonCode) Label() string {
	for _, l := range reasonLabels {
		if l.code == r {
			return l.label
		}
	}
	return string(r)
}

// Known reports whether r is one of the reason codes.
func (r ReasonCode) Known() bool {
	for _, l := range reasonLabels {
		if l.code == r {
			return true
		}
	}
	return false
}

// MaxComment bounds a decision's comment: a decision is a review, and
// Didit takes a review comment of up to 10,000 characters.
const MaxComment = MaxReviewComment

// Decision is a verdict on a finished session: the phase it moves to
// (approved or declined), the reason code of a decline, and a note.
type Decision struct {
	Phase  Phase
	Reason ReasonCode // only with a decline; "" for none
	Note   string
}

// Approve is an approval with an optional note.
func Approve(note string) Decision { return Decision{Phase: PhaseApproved, Note: note} }

// Decline is a decline filed under reason, with a note.
func Decline(reason ReasonCode, note string) Decision {
	return Decision{Phase: PhaseDeclined, Reason: reason, Note: note}
}

// ParseDecision accepts the update-status body's new_status: "Approved" or
// "Declined" (either casing, so a KYB client may send "APPROVED").
func ParseDecision(newStatus string) (Phase, error) {
	if newStatus == "Resubmitted" || newStatus == "RESUBMITTED" {
		return 0, FieldError("new_status", "handoff does not run capture flows, so a session cannot be sent back for resubmission; use Approved or Declined.")
	}
	p := Status(newStatus).Phase()
	if p != PhaseApproved && p != PhaseDeclined {
		return 0, FieldError("new_status", "must be \"Approved\" or \"Declined\", not %q", newStatus)
	}
	return p, nil
}

// Validate checks the decision itself: approved or declined, a known
// reason code on a decline only, and a comment that fits the audit trail.
func (d Decision) Validate() error {
	if d.Phase != PhaseApproved && d.Phase != PhaseDeclined {
		name := "that status"
		for _, s := range spellings {
			if s.phase == d.Phase {
				name = string(s.user)
			}
		}
		return FieldError("new_status", "must be \"Approved\" or \"Declined\", not %q", name)
	}
	if d.Reason != "" && !d.Reason.Known() {
		return FieldError("reason", "%q is not a reason code (one of %s)", d.Reason, reasonList())
	}
	if d.Reason != "" && d.Phase != PhaseDeclined {
		return FieldError("reason", "only a decline is filed under a reason code")
	}
	if utf8.RuneCountInString(d.Comment()) > MaxComment {
		return FieldError("comment", "must be at most %d characters", MaxComment)
	}
	return nil
}

// ValidateFor checks the decision as made by c: beyond Validate, an
// analyst's decline needs a reason code and a note, whatever front end
// sends it.
func (d Decision) ValidateFor(c Caller) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if c.Analyst != "" && d.Phase == PhaseDeclined {
		if d.Reason == "" {
			return FieldError("reason", "an analyst's decline needs a reason code (one of %s)", reasonList())
		}
		if strings.TrimSpace(d.Note) == "" {
			return FieldError("comment", "an analyst's decline needs a note saying why, in words")
		}
	}
	return nil
}

// Comment is the decision as the audit trail records it: the note, after
// the reason code when there is one ("reason: sanctions_match — …").
func (d Decision) Comment() string {
	note := strings.TrimSpace(d.Note)
	switch {
	case d.Reason == "":
		return d.Note
	case note == "":
		return "reason: " + string(d.Reason)
	}
	return "reason: " + string(d.Reason) + " — " + note
}

func reasonList() string {
	codes := make([]string, len(reasonLabels))
	for i, r := range reasonLabels {
		codes[i] = string(r.code)
	}
	return strings.Join(codes, ", ")
}
