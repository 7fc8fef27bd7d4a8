package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Thresholds are the scores under which a biometric check needs an
// analyst: a workflow's own, or DefaultThresholds.
type Thresholds struct {
	FaceMatch float64 // face_matches[].score, 0..100
	Liveness  float64 // liveness_checks[].score, 0..100
}

// DefaultThresholds are the approval thresholds of Didit's default KYC
// workflow, which the synthetic data is scored against.
var DefaultThresholds = Thresholds{FaceMatch: 75, Liveness: 75}

// ExpiringWithin is how close to its expiry a document is flagged.
const ExpiringWithin = 30 * 24 * time.Hour

// Finding codes computed from a session's data.
const (
	FindingDocumentExpired   = "document_expired"
	FindingDocumentExpiring  = "document_expiring"
	FindingAgeMismatch       = "age_mismatch"
	FindingVerifiedOutside   = "verified_outside_session"
	FindingIssuedAfterCheck  = "document_issued_after_check"
	FindingFaceMatchLow      = "face_match_below_threshold"
	FindingLivenessLow       = "liveness_below_threshold"
	FindingSanctionsHit      = "aml_sanctions_hit"
	FindingPEPHit            = "aml_pep_hit"
	FindingAdverseMediaHit   = "aml_adverse_media_hit"
	FindingCompanyDocExpired = "company_document_expired"
)

// Finding codes of a session's user or business standing (EntityFinding).
const (
	FindingBlockedEntity = "blocked_entity"
	FindingFlaggedEntity = "flagged_entity"
)

// Finding codes of list matching: a session's identifiers against its
// application's lists and other sessions.
const (
	FindingBlocklisted     = "blocklisted"
	FindingAllowlisted     = "allowlisted"
	FindingDuplicate       = "duplicate_identifier"
	FindingDuplicateImport = "duplicate_import"
)

// EntityFinding is the finding a BLOCKED or FLAGGED user or business puts
// on its sessions (a blocked entity's imports land In Review for it); nil
// for any other status.
func EntityFinding(s Session, st EntityStatus) *Finding {
	noun := "user"
	if s.Kind == KindBusiness {
		noun = "business"
	}
	switch st {
	case EntityBlocked:
		return &Finding{Code: FindingBlockedEntity, Severity: SeverityCritical,
			Message: "The " + noun + " " + s.VendorData + " is BLOCKED in this application."}
	case EntityFlagged:
		return &Finding{Code: FindingFlaggedEntity, Severity: SeverityWarning,
			Message: "The " + noun + " " + s.VendorData + " is FLAGGED for review in this application."}
	}
	return nil
}

// FindingCodes are the codes SessionFindings can give, in the order above.
func FindingCodes() []string {
	return []string{FindingDocumentExpired, FindingDocumentExpiring, FindingAgeMismatch, FindingVerifiedOutside,
		FindingIssuedAfterCheck, FindingFaceMatchLow, FindingLivenessLow, FindingSanctionsHit, FindingPEPHit,
		FindingAdverseMediaHit, FindingCompanyDocExpired}
}

// SessionFindings reads a session's checks the way an analyst would, at
// the time the session was created, and returns what deserves a look,
// worst first. Fields a payload lacks are simply not judged: a finding is
// only ever a fact the data shows.
func SessionFindings(s Session, th Thresholds) []Finding {
	r := reader{at: s.CreatedAt.UTC(), th: th, clone: s.Imported()}
	if s.Kind == KindBusiness {
		r.business(s.Checks)
	} else {
		r.person(s.Checks, "")
	}
	SortFindings(r.out)
	return r.out
}

type reader struct {
	at    time.Time
	th    Thresholds
	clone bool // an import: its captures were made in the origin, before it existed
	out   []Finding
}

func (r *reader) add(code string, sev Severity, check, format string, args ...any) {
	r.out = append(r.out, Finding{Code: code, Severity: sev, Check: check, Message: fmt.Sprintf(format, args...)})
}

// decode reads a family into a slice of v, ignoring a family that is
// absent or not the shape the rules read (the payload is the issuer's).
func decode[T any](c Checks, family string) []T {
	var v []T
	if json.Unmarshal(c.Family(family), &v) != nil {
		return nil
	}
	return v
}

type idDoc struct {
	DocumentType   string `json:"document_type"`
	DocumentNumber string `json:"document_number"`
	DateOfBirth    string `json:"date_of_birth"`
	Age            *int   `json:"age"`
	ExpirationDate string `json:"expiration_date"`
	DateOfIssue    string `json:"date_of_issue"`
}

type scored struct {
	Score *float64 `json:"score"`
}

type verified struct {
	VerifiedAt string `json:"verified_at"`
}

type screening struct {
	Hits []amlHit `json:"hits"`
}

type amlHit struct {
	Caption  string   `json:"caption"`
	Datasets []string `json:"datasets"`
	RiskView struct {
		Categories []string `json:"categories"`
	} `json:"risk_view"`
}

// person judges a KYC payload; prefix places nested checks ("key_people_checks[0].").
func (r *reader) person(c Checks, prefix string) {
	for i, d := range decode[idDoc](c, "id_verifications") {
		r.document(d, fmt.Sprintf("%sid_verifications[%d]", prefix, i))
	}
	for i, l := range decode[scored](c, "liveness_checks") {
		r.score(l.Score, r.th.Liveness, FindingLivenessLow, "Liveness", fmt.Sprintf("%sliveness_checks[%d]", prefix, i))
	}
	for i, f := range decode[scored](c, "face_matches") {
		r.score(f.Score, r.th.FaceMatch, FindingFaceMatchLow, "Face match", fmt.Sprintf("%sface_matches[%d]", prefix, i))
	}
	for i, a := range decode[screening](c, "aml_screenings") {
		r.hits(a.Hits, fmt.Sprintf("%saml_screenings[%d]", prefix, i))
	}
	for _, fam := range []string{"phone_verifications", "email_verifications"} {
		for i, v := range decode[verified](c, fam) {
			r.verifiedAt(v.VerifiedAt, fmt.Sprintf("%s%s[%d]", prefix, fam, i))
		}
	}
}

func (r *reader) document(d idDoc, check string) {
	label := strings.TrimSpace(strings.ReplaceAll(d.DocumentType, "_", " ") + " " + d.DocumentNumber)
	if label == "" {
		label = "document"
	}
	if exp, ok := day(d.ExpirationDate); ok {
		switch {
		case exp.Before(r.day()):
			r.add(FindingDocumentExpired, SeverityCritical, check, "%s expired on %s, before the session (%s)",
				label, d.ExpirationDate, r.day().Format(time.DateOnly))
		case exp.Before(r.day().Add(ExpiringWithin)):
			r.add(FindingDocumentExpiring, SeverityWarning, check, "%s expires on %s, within 30 days of the session",
				label, d.ExpirationDate)
		}
	}
	if dob, ok := day(d.DateOfBirth); ok && d.Age != nil {
		if actual := yearsBetween(dob, r.day()); actual != *d.Age {
			r.add(FindingAgeMismatch, SeverityWarning, check, "stated age %d does not match the date of birth %s (%d at the session)",
				*d.Age, d.DateOfBirth, actual)
		}
	}
	if issued, ok := day(d.DateOfIssue); ok && issued.After(r.day()) {
		r.add(FindingIssuedAfterCheck, SeverityCritical, check, "%s was issued on %s, after it was verified (%s)",
			label, d.DateOfIssue, r.day().Format(time.DateOnly))
	}
}

func (r *reader) score(v *float64, threshold float64, code, what, check string) {
	if v != nil && threshold > 0 && *v < threshold {
		r.add(code, SeverityWarning, check, "%s score %s is under the workflow's threshold of %s", what, num(*v), num(threshold))
	}
}

func (r *reader) hits(hits []amlHit, check string) {
	for _, h := range hits {
		kind, code, sev := amlKind(h)
		if code == "" {
			continue
		}
		list := strings.Join(h.Datasets, ", ")
		if list == "" {
			list = "an unnamed list"
		}
		r.add(code, sev, check, "%s hit for %q on %s", kind, h.Caption, list)
	}
}

// amlKind classifies a hit by the worst kind it names.
func amlKind(h amlHit) (kind, code string, sev Severity) {
	has := func(words ...string) bool {
		for _, s := range append(append([]string{}, h.Datasets...), h.RiskView.Categories...) {
			l := strings.ToLower(s)
			for _, w := range words {
				if strings.Contains(l, w) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("sanction"):
		return "Sanctions", FindingSanctionsHit, SeverityCritical
	case has("pep", "politically exposed"):
		return "PEP", FindingPEPHit, SeverityWarning
	case has("adverse media"):
		return "Adverse media", FindingAdverseMediaHit, SeverityWarning
	}
	return "", "", ""
}

// verifiedAt flags a verification time outside the session's lifetime:
// before it was created, or later than a day after (the captures of one
// session happen within minutes of each other). A clone is only judged
// against the later bound: it was created at its import, after the
// origin's captures.
func (r *reader) verifiedAt(v, check string) {
	t, ok := instant(v)
	if !ok {
		return
	}
	if !r.clone && t.Before(r.at.Add(-time.Minute)) || t.After(r.at.Add(24*time.Hour)) {
		r.add(FindingVerifiedOutside, SeverityWarning, check, "verified at %s, outside the session's lifetime (created %s)",
			t.Format(time.DateTime), r.at.Format(time.DateTime))
	}
}

type keyPerson struct {
	Name string `json:"name"`
	KYC  struct {
		IDVerification idDoc     `json:"id_verification"`
		Liveness       scored    `json:"liveness"`
		FaceMatch      scored    `json:"face_match"`
		AML            screening `json:"aml"`
	} `json:"kyc"`
}

type companyDoc struct {
	DocumentType   string `json:"document_type"`
	ExpirationDate string `json:"expiration_date"`
	ExpiresOn      string `json:"expires_on"`
}

// business judges a KYB payload: the company's documents and screenings,
// and each key person's nested KYC.
func (r *reader) business(c Checks) {
	for i, a := range decode[screening](c, "aml_screenings") {
		r.hits(a.Hits, fmt.Sprintf("aml_screenings[%d]", i))
	}
	for i, d := range decode[companyDoc](c, "document_verifications") {
		exp := d.ExpirationDate
		if exp == "" {
			exp = d.ExpiresOn
		}
		if t, ok := day(exp); ok && t.Before(r.day()) {
			r.add(FindingCompanyDocExpired, SeverityCritical, fmt.Sprintf("document_verifications[%d]", i),
				"%s expired on %s, before the session", strings.ReplaceAll(d.DocumentType, "_", " "), exp)
		}
	}
	for i, p := range decode[keyPerson](c, "key_people_checks") {
		prefix := fmt.Sprintf("key_people_checks[%d].kyc.", i)
		n := len(r.out)
		r.document(p.KYC.IDVerification, prefix+"id_verification")
		r.score(p.KYC.Liveness.Score, r.th.Liveness, FindingLivenessLow, "Liveness", prefix+"liveness")
		r.score(p.KYC.FaceMatch.Score, r.th.FaceMatch, FindingFaceMatchLow, "Face match", prefix+"face_match")
		r.hits(p.KYC.AML.Hits, prefix+"aml")
		for j := n; j < len(r.out); j++ {
			if p.Name != "" {
				r.out[j].Message = p.Name + ": " + r.out[j].Message
			}
		}
	}
}

func (r *reader) day() time.Time { return r.at.Truncate(24 * time.Hour) }

func day(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func instant(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// yearsBetween is the age on to of someone born on from.
func yearsBetween(from, to time.Time) int {
	y := to.Year() - from.Year()
	if to.Month() < from.Month() || to.Month() == from.Month() && to.Day() < from.Day() {
		y--
	}
	return y
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.2f", v)
}
