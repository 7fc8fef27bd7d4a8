package domain

import "fmt"

// Phase is where a session stands, whatever the casing of its kind.
type Phase int

const (
	PhaseNotStarted Phase = iota + 1
	PhaseInProgress
	PhaseApproved
	PhaseDeclined
	PhaseInReview
	PhaseAbandoned
	PhaseExpired
	PhaseNotFinished
)

// Status is a session status exactly as Didit spells it: Title Case With
// Spaces for KYC sessions, UPPER_SNAKE_CASE for KYB sessions.
type Status string

type spelling struct {
	phase Phase
	user  Status
	biz   Status
}

var spellings = []spelling{
	{PhaseNotStarted, "Not Started", "NOT_STARTED"},
	{PhaseInProgress, "In Progress", "IN_PROGRESS"},
	{PhaseApproved, "Approved", "APPROVED"},
	{PhaseDeclined, "Declined", "DECLINED"},
	{PhaseInReview, "In Review", "IN_REVIEW"},
	{PhaseAbandoned, "Abandoned", "ABANDONED"},
	{PhaseExpired, "Expired", "EXPIRED"},
	{PhaseNotFinished, "Not Finished", "NOT_FINISHED"},
}

// StatusOf spells a phase in the casing of kind.
func StatusOf(kind Kind, p Phase) Status {
	for _, s := range spellings {
		if s.phase == p {
			if kind == KindBusiness {
				return s.biz
			}
			return s.user
		}
	}
	panic(fmt.Sprintf("domain: unknown phase %d", p))
}

// Phase is the meaning of s in either casing; 0 when s is not a status.
func (s Status) Phase() Phase {
	for _, sp := range spellings {
		if s == sp.user || s == sp.biz {
			return sp.phase
		}
	}
	return 0
}

// Kind tells which casing s is written in.
func (s Status) Kind() Kind {
	for _, sp := range spellings {
		if s == sp.biz {
			return KindBusiness
		}
	}
	return KindUser
}

// Finished is true for Approved, Declined and In Review, in either casing:
// the statuses a session may be shared from.
func (s Status) Finished() bool { return s.Phase().Finished() }

// Finished is true for the phases a session may be shared from.
func (p Phase) Finished() bool {
	return p == PhaseApproved || p == PhaseDeclined || p == PhaseInReview
}

func (p Phase) String() string {
	if p == 0 {
		return "unknown"
	}
	return string(StatusOf(KindUser, p))
}

func (s Status) String() string { return string(s) }
