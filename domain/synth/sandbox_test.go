package synth

import (
	"encoding/json"
	"testing"

	"handoff/domain"
)

func TestOutcome(t *testing.T) {
	for _, kind := range []domain.Kind{domain.KindUser, domain.KindBusiness} {
		for _, o := range []string{"Approved", "Declined", "In Review", "IN_REVIEW"} {
			st, c, err := New(7).Outcome(kind, o)
			if err != nil || st != domain.StatusOf(kind, domain.Status(o).Phase()) || c.Validate(kind) != nil {
				t.Fatalf("%s %s: %v %v %v", kind, o, st, err, c.Validate(kind))
			}
		}
	}
	for name, f := range findings {
		for _, kind := range f.kinds {
			for seed := uint64(0); seed < 20; seed++ {
				st, c, err := New(seed).Outcome(kind, name)
				if err != nil || st != domain.StatusOf(kind, domain.PhaseDeclined) || c.Validate(kind) != nil {
					t.Fatalf("%s %s: %v %v", kind, name, st, err)
				}
				for i, fam := range domain.Families(kind) {
					var list []map[string]any
					if err := json.Unmarshal(c[fam], &list); err != nil || len(list) == 0 {
						t.Fatalf("%s: %v", fam, err)
					}
					want := domain.StatusOf(kind, domain.PhaseApproved)
					if i == f.family {
						want = st
					}
					if got := domain.Status(list[0]["status"].(string)); got != want {
						t.Fatalf("%s %s: %s is %s, want %s", kind, name, fam, got, want)
					}
				}
			}
		}
	}
	if _, _, err := New(1).Outcome(domain.KindBusiness, "face_mismatch"); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("face_mismatch on a KYB session: %v", err)
	}
	for _, bad := range []string{"", "Not Started", "Abandoned", "approved", "sql_injection"} {
		if _, _, err := New(1).Outcome(domain.KindUser, bad); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}
