package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Timeline reads a span of a case's timeline (TimelineSpan), oldest
// first — older pages before the cursor of the oldest event read: the
// issuer's mint as the import recorded it, the import, claims, notes,
// decisions and four-eyes steps, webhooks delivered or failing, each with
// actor and time. One query whose cost follows the span, not the length of the
// history (the case page's Timeline, and its older pages).
func (s *Service) Timeline(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, span TimelineSpan) (TimelinePage, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return TimelinePage{}, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return TimelinePage{}, err
	}
	var p TimelinePage
	var err error
	p.Timeline, p.Earlier, err = store.SessionTimeline(ctx, s.db, caller.ApplicationID, sessionID, pageOf(span))
	return p, err
}
