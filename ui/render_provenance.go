package ui

import (
	"strings"

	"handoff/domain"
	"handoff/review"
)

// renderProvenance writes an imported case's chain back to its origin,
// "originated in Northwind Bank #318 → Harbor Pay #57 → this case", and a
// warning when the case started in the analyst's own application: its
// evidence then comes back from a partner, not from a new verification.
func renderProvenance(r *checkRenderer, p *review.Provenance) {
	if p == nil || len(p.Chain) == 0 {
		return
	}
	hops := make([]string, 0, len(p.Chain)+1)
	for _, h := range p.Chain {
		hops = append(hops, hopLabel(h))
	}
	r.wrapped(2, "originated in "+strings.Join(append(hops, "this case"), " → "), r.st.Accent)
	if p.OwnOrigin {
		r.wrapped(2, "⚠ this case started in your own application ("+hopLabel(p.Chain.Origin())+
			"): it comes back to you from a partner, it is not a new verification", r.st.Warning)
	}
}

func hopLabel(h domain.Hop) string { return clean(h.String()) }
