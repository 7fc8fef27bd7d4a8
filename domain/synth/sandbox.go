package synth

import (
	"bytes"
	"sort"
	"time"

	"handoff/domain"
)

// finding is a named failure a sandbox session can be completed with: the
// family that fails (index into domain.Families) and the warning it carries.
type finding struct {
	family  int
	warning string
	kinds   []domain.Kind
}

var findings = map[string]finding{
	"expired_document": {0, "DOCUMENT_EXPIRED", []domain.Kind{domain.KindUser}},
	"face_mismatch":    {2, "FACE_MATCH_FAILED", []domain.Kind{domain.KindUser}},
	"sanctions_match":  {3, "CONFIRMED_MATCH", []domain.Kind{domain.KindUser, domain.KindBusiness}},
}

// Findings lists the named findings Outcome accepts, sorted.
func Findings() []string {
	out := make([]string, 0, len(findings))
	for k := range findings {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Outcome returns the status and a consistent payload for a sandbox
// session of kind completed with outcome: "Approved", "Declined" or
// "In Review" (either casing), or a named finding (see Findings), which
// declines the session with exactly that failed check and every other
// check passing.
func (g *Generator) Outcome(kind domain.Kind, want string) (domain.Status, domain.Checks, error) {
	return g.OutcomeAt(kind, want, g.sessionTime())
}

// OutcomeAt is Outcome for a session created at at (see ChecksAt).
func (g *Generator) OutcomeAt(kind domain.Kind, want string, at time.Time) (domain.Status, domain.Checks, error) {
	if p := domain.Status(want).Phase(); p.Finished() {
		st := domain.StatusOf(kind, p)
		return st, g.ChecksAt(kind, st, at), nil
	}
	f, ok := findings[want]
	if !ok {
		return "", nil, domain.FieldError("outcome", "%q is not an outcome: use Approved, Declined, In Review or one of %v.", want, Findings())
	}
	if !contains(f.kinds, kind) {
		return "", nil, domain.FieldError("outcome", "%q does not apply to %s sessions.", want, kind.Label())
	}
	st := domain.StatusOf(kind, domain.PhaseDeclined)
	family := domain.Families(kind)[f.family]
	// A family that fails picks one of its failure warnings; draw until it
	// is the named one (deterministic for the seed, and a failing family
	// has at most three).
	for try := 0; try < 256; try++ {
		s := &sess{Generator: g, kind: kind, id: g.uuid(), at: at.UTC()}
		s.force = make([]outcome, len(domain.Families(kind)))
		s.force[f.family] = decline
		var c domain.Checks
		if kind == domain.KindBusiness {
			c = s.kyb(domain.PhaseDeclined)
		} else {
			c = s.kyc(domain.PhaseDeclined)
		}
		if bytes.Contains(c[family], []byte(`"risk":"`+f.warning+`"`)) {
			return st, c, nil
		}
	}
	panic("synth: " + family + " never failed with " + f.warning)
}

// plan is the generator's plan unless the outcome of each family is forced.
func (s *sess) plan(phase domain.Phase, declineW, reviewW []int) []outcome {
	if s.force != nil {
		return s.force
	}
	return s.Generator.plan(phase, declineW, reviewW)
}

func contains(list []domain.Kind, k domain.Kind) bool {
	for _, v := range list {
		if v == k {
			return true
		}
	}
	return false
}
