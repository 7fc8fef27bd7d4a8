package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Timeline is every event of a case in order — the issuer's mint as the
// import recorded it, the import, notes, decisions and four-eyes steps,
// webhooks delivered or failing — each with actor and time, read in one
// query whatever its length (the case page's Timeline).
func (s *Service) Timeline(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) ([]domain.TimelineEvent, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return nil, err
	}
	return store.SessionTimeline(ctx, s.db, caller.ApplicationID, sessionID)
}
