package review

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Case is what the workstation's case page shows of a session: the
// session, its findings, the decision on it, how it arrived, a proposal
// awaiting a second review, and its whole timeline.
type Case struct {
	Session  domain.Session
	Findings []domain.Finding
	Decision *domain.Review   // the newest review that set its status; nil if none did
	Proposal *domain.Proposal // a decision awaiting a second review; nil if none
	Landing  *Landing         // how an imported case arrived; nil if not imported
	Timeline []domain.TimelineEvent
}

// Landing is how an imported case arrived, as its import recorded it: the
// issuer's status then, whether the importer trusted it, and the status
// the clone landed in (In Review, unless trusted; held there when the
// entity was blocked).
type Landing struct {
	SourceStatus domain.Status // "" for imports recorded before it was kept
	Trusted      bool
	Blocked      bool
	Status       domain.Status
	By           string
	At           time.Time
}

// Case reads one of the caller's sessions for its case page in a fixed
// number of queries, whatever the length of its history: the timeline is
// one query (Timeline), the decision another (the newest status review).
func (s *Service) Case(ctx context.Context, caller domain.Caller, id uuid.UUID) (Case, error) {
	sess, err := s.Session(ctx, caller, id)
	if err != nil {
		return Case{}, err
	}
	c := Case{Session: sess}
	if c.Findings, err = s.findings(ctx, caller, sess); err != nil {
		return Case{}, err
	}
	if r, err := store.LastDecision(ctx, s.db, caller.ApplicationID, id); err == nil {
		c.Decision = &r
	} else if !domain.IsCode(err, domain.CodeNotFound) {
		return Case{}, err
	}
	if p, err := store.ProposalOf(ctx, s.db, caller.ApplicationID, id); err == nil {
		c.Proposal = &p
	} else if !domain.IsCode(err, domain.CodeNotFound) {
		return Case{}, err
	}
	if c.Timeline, err = store.SessionTimeline(ctx, s.db, caller.ApplicationID, id); err != nil {
		return Case{}, err
	}
	c.Landing = landing(c.Timeline)
	return c, nil
}

// landing reads the import's event of a timeline.
func landing(tl []domain.TimelineEvent) *Landing {
	for _, e := range tl {
		if e.Action != domain.ActionSessionImported {
			continue
		}
		var d struct {
			SourceStatus domain.Status `json:"source_status"`
			Trust        bool          `json:"trust_review"`
			Blocked      bool          `json:"blocked_entity"`
			Status       domain.Status `json:"status"`
		}
		_ = json.Unmarshal(e.Details, &d) // a detail missing is shown as unknown
		return &Landing{SourceStatus: d.SourceStatus, Trusted: d.Trust, Blocked: d.Blocked, Status: d.Status, By: e.Actor, At: e.At}
	}
	return nil
}
