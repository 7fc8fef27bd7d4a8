package synth

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"handoff/domain"
)

// Every finding SessionFindings reads from generated data must be one the
// generator meant: it points at a check that did not pass. Over enough
// sessions, every finding the rules know shows up.
func TestGeneratedFindingsAreReal(t *testing.T) {
	seen := map[string]int{}
	created := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for seed := uint64(0); seed < 600; seed++ {
		g := New(seed)
		kind := g.Kind()
		status := g.Status(kind)
		at := created.Add(-time.Duration(seed) * 97 * time.Minute)
		sess := domain.Session{Kind: kind, Status: status, CreatedAt: at, Checks: g.ChecksAt(kind, status, at)}
		for _, f := range domain.SessionFindings(sess, domain.DefaultThresholds) {
			seen[f.Code]++
			st, ok := statusAt(sess.Checks, f.Check)
			if !ok {
				t.Fatalf("seed %d: finding %s points at %q, which is not in the payload", seed, f.Code, f.Check)
			}
			if st.Phase() == domain.PhaseApproved {
				t.Fatalf("seed %d (%s %s): %s on %s, a check that passed: %s", seed, kind, status, f.Code, f.Check, f.Message)
			}
		}
	}
	for _, code := range allFindings {
		if seen[code] == 0 {
			t.Errorf("no generated session shows %s (seen: %v)", code, seen)
		}
	}
}

// A generated session's captures happen within its capture window, and
// its ages are counted at its creation.
func TestChecksAtDatesTheSession(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for seed := uint64(0); seed < 50; seed++ {
		c := New(seed).ChecksAt(domain.KindUser, "Approved", at)
		var phones []struct {
			VerifiedAt string `json:"verified_at"`
		}
		var docs []struct {
			DateOfBirth string `json:"date_of_birth"`
			Age         int    `json:"age"`
		}
		if json.Unmarshal(c["phone_verifications"], &phones) != nil || json.Unmarshal(c["id_verifications"], &docs) != nil {
			t.Fatal("payload shape")
		}
		v, err := time.Parse(time.RFC3339, phones[0].VerifiedAt)
		if err != nil || v.Before(at) || v.After(at.Add(CaptureWindow)) {
			t.Fatalf("seed %d: verified at %s for a session created at %s", seed, phones[0].VerifiedAt, at)
		}
		dob, _ := time.Parse(time.DateOnly, docs[0].DateOfBirth)
		if ageAt(dob, at) != docs[0].Age {
			t.Fatalf("seed %d: age %d for a birth date of %s at %s", seed, docs[0].Age, docs[0].DateOfBirth, at)
		}
	}
}

// allFindings are the codes of domain.SessionFindings.
var allFindings = []string{domain.FindingDocumentExpired, domain.FindingDocumentExpiring, domain.FindingAgeMismatch,
	domain.FindingVerifiedOutside, domain.FindingIssuedAfterCheck, domain.FindingFaceMatchLow, domain.FindingLivenessLow,
	domain.FindingSanctionsHit, domain.FindingPEPHit, domain.FindingAdverseMediaHit, domain.FindingCompanyDocExpired}

// statusAt is the status of the innermost check along path
// ("key_people_checks[1].kyc.id_verification") and whether path exists.
func statusAt(c domain.Checks, path string) (domain.Status, bool) {
	var status domain.Status
	var cur any
	for i, part := range strings.Split(path, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		if i == 0 {
			if json.Unmarshal(c.Family(name), &cur) != nil {
				return "", false
			}
		} else {
			obj, ok := cur.(map[string]any)
			if !ok {
				return "", false
			}
			if cur, ok = obj[name]; !ok {
				return "", false
			}
		}
		if indexed {
			n, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			list, ok := cur.([]any)
			if err != nil || !ok || n >= len(list) {
				return "", false
			}
			cur = list[n]
		}
		if obj, ok := cur.(map[string]any); ok {
			if s, ok := obj["status"].(string); ok {
				status = domain.Status(s)
			}
		}
	}
	return status, true
}
