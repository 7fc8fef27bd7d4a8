package review

import (
	"context"

	"handoff/domain"
	"handoff/store"
)

// EmitStatusUpdated lets the outbox test write an event inside a
// transaction of its own, to roll it back.
func (s *Service) EmitStatusUpdated(ctx context.Context, tx *store.Tx, sess domain.Session) error {
	return s.emitStatusUpdated(ctx, tx, sess)
}
