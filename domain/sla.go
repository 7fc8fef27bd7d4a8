package domain

import "time"

// SLAState is where a case's waiting time stands against its
// application's review service level.
type SLAState int

const (
	SLANone    SLAState = iota // no service level set
	SLAWithin                  // in its first three quarters
	SLANear                    // in its last quarter
	SLAOverdue                 // past it
)

// SLAOf says where waiting for review stands against s's service level:
// near in its last quarter, overdue once it has passed.
func (s AppSettings) SLAOf(waiting time.Duration) SLAState {
	switch {
	case s.ReviewSLA <= 0:
		return SLANone
	case waiting >= s.ReviewSLA:
		return SLAOverdue
	case waiting >= s.ReviewSLA-s.ReviewSLA/4:
		return SLANear
	}
	return SLAWithin
}
