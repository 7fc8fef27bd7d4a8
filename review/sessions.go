package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Session returns one of the caller's sessions with its full payload.
func (s *Service) Session(ctx context.Context, caller domain.Caller, id uuid.UUID) (domain.Session, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return domain.Session{}, err
	}
	sealed, err := store.GetSealedSession(ctx, s.db, caller.ApplicationID, id)
	if err != nil {
		return domain.Session{}, err
	}
	sess, err := s.data.openSession(ctx, sealed)
	if err != nil {
		return sess, err
	}
	sess.Details, err = s.sessionDetails(ctx, caller.ApplicationID, id)
	return sess, err
}

// DeleteSession erases one of the caller's sessions: its payload and
// biometrics are gone for good, its number, status and audit events
// remain; tokens minted for it import as not found from then on.
func (s *Service) DeleteSession(ctx context.Context, caller domain.Caller, id uuid.UUID) error {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		sess, err := store.GetSession(ctx, tx, caller.ApplicationID, id, true)
		if err != nil {
			return err
		}
		if err := store.EraseSession(ctx, tx, caller.ApplicationID, id, s.now()); err != nil {
			return err
		}
		// As Didit, a deletion sends no webhook; the audit trail records it.
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionDeleted, Session: &id, By: caller.Actor()}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: s.now(), Actor: caller.Actor(), RequestID: caller.RequestID,
			Action: domain.ActionSessionDeleted, SessionID: &id, Details: mustJSON(map[string]any{"status": sess.Status})})
	})
}
