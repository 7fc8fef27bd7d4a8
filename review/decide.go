package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Decide sets a finished session to Approved or Declined (in its kind's
// casing), the use case behind PATCH /v3/session/{id}/update-status/.
// Setting the status it already has changes nothing. An analyst cannot
// decide a case another analyst has claimed, nor decline one without a
// reason code and a note (domain.Decision.ValidateFor).
func (s *Service) Decide(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, d domain.Decision) (domain.Session, error) {
	sess, _, err := s.decide(ctx, caller, sessionID, d, decideOpts{})
	s.observe(OpDecide, err)
	return sess, err
}

// DecisionRefused counts a decision its front end could not even build
// (an update-status new_status that is no decision) like any refused
// decision, and returns err.
func (s *Service) DecisionRefused(err error) error {
	s.observe(OpDecide, err)
	return err
}

// DecideCase is an analyst's decision on a case from the imports queue: the
// case must still be In Review, so of two analysts deciding at once exactly
// one wins; the analyst's claim on it is released.
func (s *Service) DecideCase(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, d domain.Decision) (domain.Session, error) {
	sess, _, err := s.decide(ctx, caller, sessionID, d, decideOpts{queued: true})
	s.observe(OpDecide, err)
	return sess, err
}

// decideOpts are how a front end's decision differs: queued (the case
// must still be In Review) and keepNoop (a decision that changes nothing
// is still recorded, as a note: the reviews endpoint answers with a
// review).
type decideOpts struct{ queued, keepNoop bool }

// decide is every decision, whatever the front end: it is a review
// (STATUS_UPDATED) and an audit event, in one transaction.
func (s *Service) decide(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, d domain.Decision, o decideOpts) (domain.Session, domain.Review, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, domain.Review{}, err
	}
	if err := d.ValidateFor(caller); err != nil {
		return domain.Session{}, domain.Review{}, err
	}
	var sess domain.Session
	var r domain.Review
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		sess, err = store.GetSession(ctx, tx, caller.ApplicationID, sessionID, true)
		if err != nil {
			return err
		}
		if p := sess.Status.Phase(); !p.Finished() && p != domain.PhaseAbandoned && p != domain.PhaseExpired {
			return domain.Invalidf("Only finished, abandoned or expired sessions can be decided (this one is %s).", sess.Status)
		}
		if o.queued && sess.Status.Phase() != domain.PhaseInReview {
			return domain.Conflictf("This case was already decided: it is %s.", sess.Status)
		}
		if caller.Analyst != "" {
			if err := s.checkClaim(ctx, tx, caller, sessionID); err != nil {
				return err
			}
		}
		to := domain.StatusOf(sess.Kind, d.Phase)
		if to == sess.Status {
			if !o.keepNoop {
				return nil
			}
			r = s.newReview(caller, sessionID, domain.ActivityNoteAdded)
			r.NewStatus, r.Comment, r.Reason = &to, d.Note, d.Reason
			return s.recordReview(ctx, tx, caller, r, domain.ActionNoteAdded, map[string]any{"comment": d.Comment()})
		}
		from := sess.Status
		sess.Status = to
		sess.Changed() // the row is locked: the store counts the same change
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionDecided, Session: &sessionID, By: caller.Actor()}); err != nil {
			return err
		}
		if err := store.SetSessionStatus(ctx, tx, caller.ApplicationID, sessionID, to, s.now()); err != nil {
			return err
		}
		if err := s.emitStatusUpdated(ctx, tx, sess); err != nil {
			return err
		}
		details := map[string]any{"from": from, "to": to, "comment": d.Comment()}
		if d.Reason != "" {
			details["reason_code"] = d.Reason
		}
		r = s.newReview(caller, sessionID, domain.ActivityStatusUpdated)
		r.NewStatus, r.PreviousStatus, r.Comment, r.Reason = &to, &from, d.Note, d.Reason
		return s.recordReview(ctx, tx, caller, r, domain.ActionStatusChanged, details)
	})
	return sess, r, err
}

// checkClaim refuses an analyst's decision on a case someone else holds a
// live claim on, and releases the analyst's own claim.
func (s *Service) checkClaim(ctx context.Context, tx *store.Tx, caller domain.Caller, id uuid.UUID) error {
	c, err := store.ClaimOf(ctx, tx, caller.ApplicationID, id)
	switch {
	case domain.IsCode(err, domain.CodeNotFound):
		return nil
	case err != nil:
		return err
	case c.Analyst != caller.Analyst && c.ExpiresAt.After(s.now()):
		return domain.Conflictf("This case is claimed by %s; only they can decide it now.", c.Analyst)
	}
	if _, err := store.ReleaseClaim(ctx, tx, caller.ApplicationID, id, caller.Analyst); err != nil {
		return err
	}
	return announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeClaimReleased, Session: &id, By: caller.Actor()})
}
