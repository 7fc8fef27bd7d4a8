package review

import (
	"context"
	"unicode/utf8"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// MaxComment bounds a decision comment.
const MaxComment = 2000

// Decide sets a finished session to Approved or Declined (in its kind's
// casing), the use case behind PATCH /v3/session/{id}/update-status/ and the
// analyst's a/d keys. Setting the status it already has changes nothing.
func (s *Service) Decide(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, newStatus, comment string) (domain.Session, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, err
	}
	phase, err := domain.ParseDecision(newStatus)
	if err != nil {
		return domain.Session{}, err
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return domain.Session{}, domain.FieldError("comment", "must be at most %d characters", MaxComment)
	}
	var sess domain.Session
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		sess, err = store.GetSession(ctx, tx, caller.ApplicationID, sessionID, true)
		if err != nil {
			return err
		}
		if !sess.Status.Finished() {
			return domain.Invalidf("Only finished sessions can be decided (this one is %s).", sess.Status)
		}
		to := domain.StatusOf(sess.Kind, phase)
		if to == sess.Status {
			return nil
		}
		from := sess.Status
		sess.Status = to
		if err := store.SetSessionStatus(ctx, tx, caller.ApplicationID, sessionID, to, s.now()); err != nil {
			return err
		}
		if err := s.emitStatusUpdated(ctx, tx, sess); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: s.now(), Actor: caller.Actor(),
			Action: domain.ActionStatusChanged, SessionID: &sessionID,
			Details: mustJSON(map[string]any{"from": from, "to": to, "comment": comment})})
	})
	return sess, err
}
