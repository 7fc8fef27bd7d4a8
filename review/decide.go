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
// must still be In Review), keepNoop (a decision that changes nothing is
// still recorded, as a note: the reviews endpoint answers with a review)
// and confirm (the decision is the case's open proposal, confirmed).
type decideOpts struct{ queued, keepNoop, confirm bool }

// decide is every decision, whatever the front end: it is a review and an
// audit event, in one transaction under the session's row lock. Under a
// four-eyes policy an analyst's or key's decision becomes a proposal; the
// same decision by a different reviewer confirms it, and its proposer can
// never confirm it, nor can a key (which names no person).
func (s *Service) decide(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, d domain.Decision, o decideOpts) (domain.Session, domain.Review, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, domain.Review{}, err
	}
	if !o.confirm {
		if err := d.ValidateFor(caller); err != nil {
			return domain.Session{}, domain.Review{}, err
		}
	} else if err := domain.ValidateReviewComment(d.Note); err != nil {
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
		prop, open, err := openProposal(ctx, tx, caller.ApplicationID, sessionID)
		if err != nil {
			return err
		}
		var confirmNote string
		switch {
		case open && prop.Proposer == caller.Actor():
			return domain.Forbiddenf("You proposed this decision (%s); a different reviewer must confirm it.", prop.Summary())
		case open && caller.Analyst == "":
			// A key or the command line names no person, so it could be the
			// proposer's: only a different analyst may settle a proposal.
			return domain.Forbiddenf("This case is %s; only a different analyst can confirm or reject it, at the workstation.", prop.Summary())
		case open && o.confirm:
			confirmNote, d = d.Note, prop.Decision
		case open && prop.Decision.Phase != d.Phase:
			return domain.Conflictf("This case is %s; reject that proposal before deciding otherwise.", prop.Summary())
		case open:
			confirmNote, d = d.Note, prop.Decision
		case o.confirm:
			return domain.Conflictf("This case has no decision awaiting a second review (it is %s).", sess.Status)
		default:
			set, err := store.GetAppSettings(ctx, tx, caller.ApplicationID)
			if err != nil {
				return err
			}
			if caller.Operator == "" && set.FourEyes.Requires(d.Phase) {
				r, err = s.propose(ctx, tx, caller, sess, d)
				return err
			}
		}
		activity := domain.ActivityStatusUpdated
		if open {
			if err := store.DeleteProposal(ctx, tx, caller.ApplicationID, sessionID); err != nil {
				return err
			}
			activity = domain.ActivityProposalApproved
		}
		to := domain.StatusOf(sess.Kind, d.Phase)
		if to == sess.Status && !open {
			if !o.keepNoop {
				return nil
			}
			r = s.newReview(caller, sessionID, domain.ActivityNoteAdded)
			r.NewStatus, r.Comment, r.Reason = &to, d.Note, d.Reason
			return s.recordReview(ctx, tx, caller, r, domain.ActionNoteAdded, map[string]any{"comment": d.Comment()})
		}
		from := sess.Status
		details := map[string]any{"from": from, "to": to, "comment": d.Comment()}
		if d.Reason != "" {
			details["reason_code"] = d.Reason
		}
		r = s.newReview(caller, sessionID, activity)
		r.NewStatus, r.PreviousStatus, r.Comment, r.Reason = &to, &from, d.Note, d.Reason
		if open {
			details["proposed_by"], details["confirmed_by"], details["confirm_note"] = prop.Proposer, caller.Actor(), confirmNote
			details["proposal_review_id"] = prop.ReviewID
			r.Comment = confirmNote
			r.Metadata = mustJSON(map[string]any{"proposal_review_id": prop.ReviewID, "proposed_by": prop.By,
				"proposed_note": prop.Decision.Note})
		}
		if to != from {
			sess.Status = to
			sess.Changed() // the row is locked: the store counts the same change
			if err := store.SetSessionStatus(ctx, tx, caller.ApplicationID, sessionID, to, s.now()); err != nil {
				return err
			}
			if err := s.emitStatusUpdated(ctx, tx, sess); err != nil {
				return err
			}
		}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionDecided, Session: &sessionID, By: caller.Actor()}); err != nil {
			return err
		}
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
