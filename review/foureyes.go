package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Four-eyes review: under an application's policy an analyst's (or API
// key's) decision is a proposal, and a different reviewer confirms it
// (decide, with the proposal's decision) or rejects it back to the queue.
// Every step is a review and an audit event; the session's row lock
// orders them, so of two confirmers exactly one finds the proposal.

func openProposal(ctx context.Context, tx *store.Tx, app, id uuid.UUID) (domain.Proposal, bool, error) {
	p, err := store.ProposalOf(ctx, tx, app, id)
	if domain.IsCode(err, domain.CodeNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// propose records d as the case's proposal, leaving its status.
func (s *Service) propose(ctx context.Context, tx *store.Tx, caller domain.Caller, sess domain.Session, d domain.Decision) (domain.Review, error) {
	r := s.newReview(caller, sess.ID, domain.ActivityDecisionProposed)
	r.Comment, r.Reason = d.Note, d.Reason
	to := domain.StatusOf(sess.Kind, d.Phase)
	r.Metadata = mustJSON(map[string]any{"proposed_status": to, "awaiting_second_review": true})
	p := domain.Proposal{SessionID: sess.ID, ReviewID: r.ID, Decision: d, Proposer: r.Actor, By: r.ActorDisplay, At: r.CreatedAt}
	if err := store.InsertProposal(ctx, tx, caller.ApplicationID, p); err != nil {
		return r, err
	}
	if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionReviewed, Session: &sess.ID, By: caller.Actor()}); err != nil {
		return r, err
	}
	details := map[string]any{"status": sess.Status, "proposed_status": to, "comment": d.Comment(), "summary": p.Summary()}
	if d.Reason != "" {
		details["reason_code"] = d.Reason
	}
	return r, s.recordReview(ctx, tx, caller, r, domain.ActionDecisionProposed, details)
}

// ConfirmProposal is a second reviewer's confirmation of the decision
// awaiting review on a case, with an optional note: the status changes
// and both names are in the audit trail. The proposer cannot confirm.
func (s *Service) ConfirmProposal(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, note string) (domain.Review, error) {
	_, r, err := s.decide(ctx, caller, sessionID, domain.Decision{Note: note}, decideOpts{confirm: true})
	s.observe(OpDecide, err)
	return r, err
}

// RejectProposal sends a case's proposal back to the queue with a note
// saying why; the case stays In Review, undecided. Its proposer cannot
// reject it either (they may propose again only after someone else has).
func (s *Service) RejectProposal(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, note string) (domain.Review, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Review{}, err
	}
	if err := domain.ValidateRejection(note); err != nil {
		return domain.Review{}, err
	}
	var r domain.Review
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := store.GetSession(ctx, tx, caller.ApplicationID, sessionID, true); err != nil {
			return err
		}
		p, open, err := openProposal(ctx, tx, caller.ApplicationID, sessionID)
		switch {
		case err != nil:
			return err
		case !open:
			return domain.Conflictf("This case has no decision awaiting a second review.")
		case p.Proposer == caller.Actor():
			return domain.Forbiddenf("You proposed this decision; a different reviewer must confirm or reject it.")
		case caller.Analyst == "":
			return domain.Forbiddenf("Only a different analyst can reject a proposal, at the workstation.")
		}
		if err := store.DeleteProposal(ctx, tx, caller.ApplicationID, sessionID); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionReviewed, Session: &sessionID, By: caller.Actor()}); err != nil {
			return err
		}
		r = s.newReview(caller, sessionID, domain.ActivityProposalRejected)
		r.Comment = note
		r.Metadata = mustJSON(map[string]any{"proposal_review_id": p.ReviewID, "proposed_by": p.By})
		return s.recordReview(ctx, tx, caller, r, domain.ActionProposalRejected, map[string]any{"comment": note,
			"proposed_by": p.Proposer, "rejected_by": caller.Actor(), "summary": p.Summary(), "proposal_review_id": p.ReviewID})
	})
	s.observe(OpDecide, err)
	return r, err
}

// Proposal returns the decision awaiting a second review on a case, and
// whether there is one.
func (s *Service) Proposal(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) (domain.Proposal, bool, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return domain.Proposal{}, false, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return domain.Proposal{}, false, err
	}
	p, err := store.ProposalOf(ctx, s.db, caller.ApplicationID, sessionID)
	if domain.IsCode(err, domain.CodeNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// AppSettings are the caller's application's review settings (the
// workstation's header shows the four-eyes policy).
func (s *Service) AppSettings(ctx context.Context, caller domain.Caller) (domain.AppSettings, error) {
	return store.GetAppSettings(ctx, s.db, caller.ApplicationID)
}

// SettingsChange is what handoff app set changes; nil fields stay.
type SettingsChange struct {
	FourEyes  *domain.FourEyes
	ReviewSLA *time.Duration
}

// SetAppSettings changes app's review settings (operators only), audited.
func (s *Service) SetAppSettings(ctx context.Context, caller domain.Caller, app uuid.UUID, c SettingsChange) (domain.AppSettings, error) {
	if err := caller.RequireOperator(); err != nil {
		return domain.AppSettings{}, err
	}
	if c.ReviewSLA != nil {
		if err := domain.ValidateReviewSLA(*c.ReviewSLA); err != nil {
			return domain.AppSettings{}, err
		}
	}
	var out domain.AppSettings
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.GetAppSettings(ctx, tx, app)
		if err != nil {
			return err
		}
		out = cur
		if c.FourEyes != nil {
			out.FourEyes = *c.FourEyes
		}
		if c.ReviewSLA != nil {
			out.ReviewSLA = *c.ReviewSLA
		}
		if out == cur {
			return nil
		}
		if err := store.SetAppSettings(ctx, tx, app, out); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: app, What: ChangeApplications, By: caller.Actor()}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: caller.Actor(), Action: domain.ActionAppSettings,
			Details: mustJSON(map[string]any{"four_eyes": out.FourEyes, "review_sla_seconds": int64(out.ReviewSLA / time.Second),
				"was": map[string]any{"four_eyes": cur.FourEyes, "review_sla_seconds": int64(cur.ReviewSLA / time.Second)}})})
	})
	return out, err
}
