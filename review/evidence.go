package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth/evidence"
	"handoff/store"
)

// Evidence returns the media of one of the caller's sessions (all of it,
// or the files named), in name order; a session without media has none.
func (s *Service) Evidence(ctx context.Context, caller domain.Caller, id uuid.UUID, names ...string) ([]domain.Media, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, id, false); err != nil {
		return nil, err
	}
	return store.SessionMedia(ctx, s.db, caller.ApplicationID, id, names...)
}

// AddGeneratedEvidence draws and stores the synthetic evidence of
// generated sessions (the demo's), in one transaction.
func (s *Service) AddGeneratedEvidence(ctx context.Context, caller domain.Caller, batch []domain.Session) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, sess := range batch {
			if sess.ApplicationID != caller.ApplicationID {
				return domain.Invalidf("a generated session of another application")
			}
			if err := store.PutMedia(ctx, tx, sess.ApplicationID, sess.ID, evidence.Media(sess.Kind, sess.Checks)); err != nil {
				return err
			}
		}
		return nil
	})
}
