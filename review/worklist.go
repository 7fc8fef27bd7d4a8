package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// QueueCase is a case in the imports queue with what an analyst chooses
// it by: its findings (the case page's list, computed the same way), the
// issuer's status at import, the decision awaiting a second review on it
// and who holds it. The session comes without its checks.
type QueueCase struct {
	domain.Session
	Findings     []domain.Finding
	SourceStatus domain.Status // "" when the import did not record it
	Proposal     *domain.Proposal
	Claim        *ClaimInfo // a live claim
}

// WorkList reads the imports queue, oldest first, as the workstation's
// work list shows it: a fixed handful of statements whatever its length
// (the queue with payloads, entities and issuer statuses; the list
// matches of every case at once; the claims; the proposals).
func (s *Service) WorkList(ctx context.Context, caller domain.Caller, limit int) ([]QueueCase, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	key, err := s.matcher(ctx, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	rows, err := store.ListQueueSealed(ctx, s.db, caller.ApplicationID, limit)
	if err != nil {
		return nil, err
	}
	sessions := make([]domain.Session, len(rows))
	for i, r := range rows {
		if sessions[i], err = s.data.openSession(ctx, r.SealedSession); err != nil {
			return nil, err
		}
	}
	matches, err := matchBatch(ctx, s.db, key, caller.ApplicationID, sessions, false)
	if err != nil {
		return nil, err
	}
	claims, err := store.LiveClaims(ctx, s.db, caller.ApplicationID, s.now())
	if err != nil {
		return nil, err
	}
	held := make(map[uuid.UUID]ClaimInfo, len(claims))
	for _, c := range claims {
		held[c.SessionID] = ClaimInfo{SessionID: c.SessionID, Analyst: c.Analyst, ExpiresAt: c.ExpiresAt}
	}
	proposals, err := store.Proposals(ctx, s.db, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	out := make([]QueueCase, len(rows))
	for i, sess := range sessions {
		qc := QueueCase{Findings: caseFindings(sess, rows[i].EntityStatus, matches[i]), SourceStatus: rows[i].SourceStatus}
		sess.Checks, sess.Details = nil, nil // the list does not hold payloads
		qc.Session = sess
		if c, ok := held[sess.ID]; ok {
			qc.Claim = &c
		}
		if p, ok := proposals[sess.ID]; ok {
			qc.Proposal = &p
		}
		out[i] = qc
	}
	return out, nil
}

// Findings is everything that deserves a look on one of the caller's
// sessions, worst first within each part: its user's or business's
// standing, what its data shows, and its list hits and duplicates as they
// are now. The work list, the case page and the case file show this list.
func (s *Service) Findings(ctx context.Context, caller domain.Caller, id uuid.UUID) ([]domain.Finding, error) {
	sess, err := s.Session(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	return s.findings(ctx, caller, sess)
}
