package domain

import "sort"

// A Finding is one thing an analyst should look at before deciding a case:
// a rule that read the session's data (an expired document, an age that
// does not match the birth date), a list hit or a duplicate found at
// import. Findings are computed, never typed in; the workstation, the API
// (the decision response's extra "findings" field) and the case PDF render
// the same list.
type Finding struct {
	Code     string   `json:"code"`            // stable, snake_case: "document_expired", "blocklisted"
	Severity Severity `json:"severity"`        // how much it weighs on the decision
	Check    string   `json:"check,omitempty"` // the check it points at: "id_verifications[0]", "key_people_checks[1].aml_screenings[0]"
	Message  string   `json:"message"`         // one line for a person, with the values that matter
}

// Severity orders findings: critical ones would decline a fresh session,
// warnings need an analyst's judgement, info is context.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: the higher, the worse.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 2
	case SeverityWarning:
		return 1
	}
	return 0
}

// Worst is the highest severity among fs, and false when fs is empty.
func Worst(fs []Finding) (Severity, bool) {
	if len(fs) == 0 {
		return "", false
	}
	w := fs[0].Severity
	for _, f := range fs[1:] {
		if f.Severity.Rank() > w.Rank() {
			w = f.Severity
		}
	}
	return w, true
}

// SortFindings puts the worst first, then by the check they point at, so
// every front end lists them in the same order.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if a, b := fs[i].Severity.Rank(), fs[j].Severity.Rank(); a != b {
			return a > b
		}
		return fs[i].Check < fs[j].Check
	})
}
