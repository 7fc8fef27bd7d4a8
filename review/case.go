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
// awaiting a second review, and the newest events of its timeline.
type Case struct {
	Session  domain.Session
	Findings []domain.Finding
	Decision *domain.Review   // the newest review that set its status; nil if none did
	Proposal *domain.Proposal // a decision awaiting a second review; nil if none
	Landing  *Landing         // how an imported case arrived; nil if not imported
	TimelinePage
}

// TimelinePage is a run of a case's timeline, oldest first, and whether
// older events remain (Service.Timeline reads them, before Timeline[0]).
type TimelinePage struct {
	Timeline []domain.TimelineEvent
	Earlier  bool
}

// TimelineSpan picks the run of a case's timeline to read: the newest
// Limit events (CasePage when 0) before the cursor Before ("" for the
// newest of all), of them none older than the event at cursor From. A
// page that holds events from From on reloads them with From and a Limit
// of what it holds and a page more, for what arrived since.
type TimelineSpan = store.TimelineSpan

// CasePage is how many of its newest events a case opens with: more than
// a 200×50 screen shows, and a bound on what opening a case reads.
const CasePage = 50

func pageOf(span TimelineSpan) TimelineSpan {
	if span.Limit == 0 {
		span.Limit = CasePage
	}
	return span
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

// Case reads one of the caller's sessions for its case page with a span
// of its timeline (the zero span: the newest CasePage events), in a fixed
// number of queries each bounded by what it returns, whatever the length
// of the history: the timeline span, the import's event and the newest
// status review are each read by their own index.
func (s *Service) Case(ctx context.Context, caller domain.Caller, id uuid.UUID, span TimelineSpan) (Case, error) {
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
	if c.Timeline, c.Earlier, err = store.SessionTimeline(ctx, s.db, caller.ApplicationID, id, pageOf(span)); err != nil {
		return Case{}, err
	}
	if sess.Imported() {
		e, err := store.SessionImportEvent(ctx, s.db, caller.ApplicationID, id)
		if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
			return Case{}, err
		}
		if err == nil {
			c.Landing = landing(e)
		}
	}
	return c, nil
}

// landing reads the import's event.
func landing(e domain.TimelineEvent) *Landing {
	var d struct {
		SourceStatus domain.Status `json:"source_status"`
		Trust        bool          `json:"trust_review"`
		Blocked      bool          `json:"blocked_entity"`
		Status       domain.Status `json:"status"`
	}
	_ = json.Unmarshal(e.Details, &d) // a detail missing is shown as unknown
	return &Landing{SourceStatus: d.SourceStatus, Trusted: d.Trust, Blocked: d.Blocked, Status: d.Status, By: e.Actor, At: e.At}
}
