package domain

import "testing"

// parseStatus accepts a status only in the casing of its kind (StatusOf
// spells every status handoff writes; this checks that it does).
func parseStatus(kind Kind, s string) (Status, error) {
	st := Status(s)
	if st.Phase() == 0 || StatusOf(kind, st.Phase()) != st {
		return "", Invalidf("%q is not a %s status", s, kind.Label())
	}
	return st, nil
}

func TestStatusCasingRoundTrips(t *testing.T) {
	tests := []struct {
		kind Kind
		in   string
		ok   bool
	}{
		{KindUser, "Approved", true},
		{KindUser, "In Review", true},
		{KindUser, "Not Finished", true},
		{KindUser, "APPROVED", false},
		{KindUser, "approved", false},
		{KindBusiness, "APPROVED", true},
		{KindBusiness, "IN_REVIEW", true},
		{KindBusiness, "In Review", false},
		{KindBusiness, "", false},
	}
	for _, tt := range tests {
		st, err := parseStatus(tt.kind, tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseStatus(%s, %q) err = %v, want ok=%v", tt.kind, tt.in, err, tt.ok)
			continue
		}
		if tt.ok && (string(st) != tt.in || StatusOf(tt.kind, st.Phase()) != st || st.Kind() != tt.kind) {
			t.Errorf("%q does not round-trip for %s: phase %v -> %q", tt.in, tt.kind, st.Phase(), StatusOf(tt.kind, st.Phase()))
		}
	}
}

func TestEveryPhaseHasBothCasings(t *testing.T) {
	for _, sp := range spellings {
		p := sp.phase
		u, b := StatusOf(KindUser, p), StatusOf(KindBusiness, p)
		if u.Phase() != p || b.Phase() != p || u == b {
			t.Errorf("phase %v: user %q business %q", p, u, b)
		}
		if _, err := parseStatus(KindUser, string(u)); err != nil {
			t.Error(err)
		}
		if _, err := parseStatus(KindBusiness, string(b)); err != nil {
			t.Error(err)
		}
	}
}

func TestFinished(t *testing.T) {
	finished := map[Status]bool{
		"Approved": true, "Declined": true, "In Review": true,
		"APPROVED": true, "DECLINED": true, "IN_REVIEW": true,
		"Not Started": false, "In Progress": false, "Abandoned": false, "Expired": false, "Not Finished": false,
		"NOT_STARTED": false, "IN_PROGRESS": false, "ABANDONED": false, "EXPIRED": false, "bogus": false,
	}
	for s, want := range finished {
		if s.Finished() != want {
			t.Errorf("%q.Finished() = %v, want %v", s, !want, want)
		}
	}
}

func TestImportedStatus(t *testing.T) {
	tests := []struct {
		src   Status
		kind  Kind
		trust bool
		want  Status
	}{
		{"Approved", KindUser, true, "Approved"},
		{"Approved", KindUser, false, "In Review"},
		{"Declined", KindUser, true, "Declined"},
		{"APPROVED", KindBusiness, true, "APPROVED"},
		{"DECLINED", KindBusiness, false, "IN_REVIEW"},
	}
	for _, tt := range tests {
		if got := ImportedStatus(tt.src, tt.kind, tt.trust); got != tt.want {
			t.Errorf("ImportedStatus(%q, %s, %v) = %q, want %q", tt.src, tt.kind, tt.trust, got, tt.want)
		}
	}
}

func TestParseDecision(t *testing.T) {
	for in, want := range map[string]Phase{"Approved": PhaseApproved, "Declined": PhaseDeclined, "APPROVED": PhaseApproved,
		"In Review": 0, "approved": 0, "": 0, "Expired": 0} {
		got, err := ParseDecision(in)
		if got != want || (want == 0) != (err != nil) {
			t.Errorf("ParseDecision(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseWorkflow(t *testing.T) {
	for in, ok := range map[string]bool{"wf_partner_kyc:user": true, "wf_kyb:business": true, "wf:users": false,
		"wf": false, ":user": false, "wf x:user": false} {
		_, err := ParseWorkflow(in)
		if (err == nil) != ok {
			t.Errorf("ParseWorkflow(%q) err = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestValidateTTL(t *testing.T) {
	for ttl, ok := range map[int]bool{59: false, 60: true, 3600: true, 86400: true, 86401: false, 0: false, -5: false} {
		if err := ValidateTTL(ttl); (err == nil) != ok {
			t.Errorf("ValidateTTL(%d) = %v", ttl, err)
		}
	}
}
