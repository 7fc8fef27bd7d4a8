package review

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// ReviewRequest is the body of POST /v3/sessions/{session_id}/reviews/.
type ReviewRequest struct {
	NewStatus string
	Comment   string
	// Reason files a decline under a reason code (the workstation sends
	// one; Didit's body has none, so an API key's decline may go without).
	Reason domain.ReasonCode
}

// AddReview is Didit's manual review: Approved or Declined decide the
// session as Decide does; In Review records the comment as a note and
// leaves the status. Either way the answer is the review written. A
// decision that changes nothing is kept as a note.
func (s *Service) AddReview(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, req ReviewRequest) (domain.Review, error) {
	phase, note, err := domain.ReviewStatus(req.NewStatus)
	if err == nil {
		err = domain.ValidateReviewComment(req.Comment)
	}
	if err != nil {
		if !note {
			return domain.Review{}, s.DecisionRefused(err)
		}
		return domain.Review{}, err
	}
	if note {
		st := domain.Status(req.NewStatus)
		return s.note(ctx, caller, sessionID, req.Comment, &st)
	}
	_, r, err := s.decide(ctx, caller, sessionID, domain.Decision{Phase: phase, Reason: req.Reason, Note: req.Comment},
		decideOpts{keepNoop: true})
	s.observe(OpDecide, err)
	return r, err
}

// Note adds a note to a case without deciding it (the workstation's c).
func (s *Service) Note(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, text string) (domain.Review, error) {
	if strings.TrimSpace(text) == "" {
		return domain.Review{}, domain.FieldError("comment", "A note needs some text.")
	}
	if err := domain.ValidateReviewComment(text); err != nil {
		return domain.Review{}, err
	}
	return s.note(ctx, caller, sessionID, text, nil)
}

func (s *Service) note(ctx context.Context, caller domain.Caller, sessionID uuid.UUID, text string, st *domain.Status) (domain.Review, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Review{}, err
	}
	var r domain.Review
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := store.GetSession(ctx, tx, caller.ApplicationID, sessionID, false); err != nil {
			return err
		}
		r = s.newReview(caller, sessionID, domain.ActivityNoteAdded)
		r.NewStatus, r.Comment = st, text
		// Open case pages (anyone's) show the note in their timeline.
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionReviewed, Session: &sessionID, By: caller.Actor()}); err != nil {
			return err
		}
		return s.recordReview(ctx, tx, caller, r, domain.ActionNoteAdded, map[string]any{"comment": text})
	})
	return r, err
}

// Reviews lists a session's reviews, oldest first.
func (s *Service) Reviews(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) ([]domain.Review, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return nil, err
	}
	return store.ListReviews(ctx, s.db, caller.ApplicationID, sessionID)
}

func (s *Service) newReview(caller domain.Caller, sessionID uuid.UUID, a domain.Activity) domain.Review {
	actor, typ, display := domain.ReviewBy(caller)
	return domain.Review{ApplicationID: caller.ApplicationID, ID: uuid.New(), SessionID: sessionID, Activity: a,
		Actor: actor, ActorType: typ, ActorDisplay: display, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
}

// recordReview writes r and its audit event (action, with details and the
// review's id) in tx: every review is in the audit trail.
func (s *Service) recordReview(ctx context.Context, tx *store.Tx, caller domain.Caller, r domain.Review, action string, details map[string]any) error {
	if err := store.InsertReview(ctx, tx, r); err != nil {
		return err
	}
	details["review_id"] = r.ID
	details["activity_type"] = r.Activity
	id := r.SessionID
	return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: r.CreatedAt, Actor: caller.Actor(),
		RequestID: caller.RequestID, Action: action, SessionID: &id, Details: mustJSON(details)})
}
