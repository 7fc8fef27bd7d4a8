package domain

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// The closed set is exactly issue 10's, in that order.
func TestReasonCodes(t *testing.T) {
	want := "document_forged document_expired sanctions_match pep_match identity_mismatch face_mismatch " +
		"duplicate_identity blocklisted high_risk_jurisdiction insufficient_evidence other"
	var got []string
	for _, r := range ReasonCodes() {
		got = append(got, string(r))
		if !r.Known() || r.Label() == "" || r.Label() == string(r) {
			t.Errorf("%s: known %v, label %q", r, r.Known(), r.Label())
		}
	}
	if strings.Join(got, " ") != want {
		t.Fatalf("reason codes %v", got)
	}
	if ReasonCode("fraud").Known() {
		t.Fatal("an unknown code is known")
	}
}

func TestDecisionRules(t *testing.T) {
	key := uuid.New()
	analyst := Caller{Analyst: "ana"}
	apiKey := Caller{KeyID: &key}
	for _, c := range []struct {
		name   string
		d      Decision
		by     Caller
		field  string // "" means accepted
		record string // the audit comment when accepted
	}{
		{"approval with a note", Approve("looks fine"), analyst, "", "looks fine"},
		{"approval without a note", Approve(""), analyst, "", ""},
		{"analyst decline", Decline(ReasonSanctionsMatch, "  AML hit confirmed. "), analyst, "", "reason: sanctions_match — AML hit confirmed."},
		{"analyst decline without a code", Decline("", "because"), analyst, "reason", ""},
		{"analyst decline without a note", Decline(ReasonOther, "  "), analyst, "comment", ""},
		{"API decline without a code", Decision{Phase: PhaseDeclined, Note: "as Didit"}, apiKey, "", "as Didit"},
		{"API decline with a code and no note", Decline(ReasonBlocklisted, ""), apiKey, "", "reason: blocklisted"},
		{"unknown code", Decline("fraud", "x"), apiKey, "reason", ""},
		{"a code on an approval", Decision{Phase: PhaseApproved, Reason: ReasonOther}, apiKey, "reason", ""},
		{"In Review is no decision", Decision{Phase: PhaseInReview}, apiKey, "new_status", ""},
		{"no phase", Decision{}, apiKey, "new_status", ""},
		{"comment at the limit", Approve(strings.Repeat("é", MaxComment)), apiKey, "", strings.Repeat("é", MaxComment)},
		{"comment too long", Approve(strings.Repeat("é", MaxComment+1)), apiKey, "comment", ""},
		{"too long with its code", Decline(ReasonOther, strings.Repeat("a", MaxComment-10)), analyst, "comment", ""},
	} {
		err := c.d.ValidateFor(c.by)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if got := c.d.Comment(); got != c.record {
				t.Errorf("%s: comment %q, want %q", c.name, got, c.record)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != CodeInvalid || e.Fields[c.field] == nil {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
}

func TestCheckShareable(t *testing.T) {
	for _, st := range []Status{"Approved", "DECLINED", "In Review"} {
		if err := CheckShareable(Session{Status: st}); err != nil {
			t.Errorf("%s: %v", st, err)
		}
	}
	err := CheckShareable(Session{Status: "In Progress"})
	if !IsCode(err, CodeInvalid) || !strings.Contains(err.Error(), "In Progress") {
		t.Fatalf("an unfinished session: %v", err)
	}
	if TTLBounds() != "60..86400" {
		t.Fatalf("bounds %q", TTLBounds())
	}
}
