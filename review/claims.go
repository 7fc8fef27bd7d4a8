package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// DefaultClaimTTL is how long a claim lasts unless the analyst renews it
// (reopening the case renews it).
const DefaultClaimTTL = 15 * time.Minute

// WithClaimTTL sets how long claims last.
func WithClaimTTL(d time.Duration) Option { return func(s *Service) { s.claimTTL = d } }

// ClaimInfo says who holds a case until when.
type ClaimInfo struct {
	SessionID uuid.UUID
	Analyst   string
	ExpiresAt time.Time
}

func requireAnalyst(caller domain.Caller) error {
	if caller.Analyst == "" {
		return domain.Forbiddenf("Only analysts claim cases.")
	}
	return caller.Require(domain.PrivWriteSessions)
}

// Claim takes (or renews) the analyst's claim on a queued case. When
// another analyst holds it, it fails with a conflict that names them; the
// proposer of the decision awaiting a second review on it cannot take it.
func (s *Service) Claim(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) (ClaimInfo, error) {
	if err := requireAnalyst(caller); err != nil {
		return ClaimInfo{}, err
	}
	var out ClaimInfo
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// The proposer is refused before the case is locked: the proposer's
		// open case page asks again on every claim change, and its lock,
		// however short, made the second reviewer's ClaimNext (SKIP LOCKED)
		// pass the proposal over for the next case.
		if err := refuseProposer(ctx, tx, caller, sessionID); err != nil {
			return err
		}
		sess, err := store.GetSession(ctx, tx, caller.ApplicationID, sessionID, true)
		if err != nil {
			return err
		}
		if !sess.Imported() {
			return domain.Invalidf("Only imported cases in the queue are claimed.")
		}
		if sess.Status.Phase() != domain.PhaseInReview {
			return domain.Conflictf("This case is no longer in review (%s).", sess.Status)
		}
		if err := refuseProposer(ctx, tx, caller, sessionID); err != nil { // again, under the lock
			return err
		}
		out, err = s.takeClaim(ctx, tx, caller, sessionID)
		return err
	})
	return out, err
}

func (s *Service) takeClaim(ctx context.Context, tx *store.Tx, caller domain.Caller, id uuid.UUID) (ClaimInfo, error) {
	now := s.now()
	c, ok, err := store.TakeClaim(ctx, tx, caller.ApplicationID, id, caller.Analyst, now, now.Add(s.claimTTL))
	if err != nil {
		return ClaimInfo{}, err
	}
	info := ClaimInfo{SessionID: id, Analyst: c.Analyst, ExpiresAt: c.ExpiresAt}
	if !ok {
		return info, domain.Conflictf("This case is claimed by %s until %s.", c.Analyst, c.ExpiresAt.Local().Format("15:04"))
	}
	if c.Fresh { // the case's timeline shows who held it when; renewals are not news
		if err := claimEvent(ctx, tx, caller, domain.ActionCaseClaimed, id, now); err != nil {
			return info, err
		}
	}
	return info, announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeClaimTaken, Session: &id, By: caller.Actor()})
}

// claimEvent records a claim taken or released in the audit trail.
func claimEvent(ctx context.Context, tx *store.Tx, caller domain.Caller, action string, id uuid.UUID, at time.Time) error {
	return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: at.UTC().Truncate(time.Microsecond),
		Actor: caller.Actor(), RequestID: caller.RequestID, Action: action, SessionID: &id, Details: []byte("{}")})
}

// refuseProposer refuses the claim of the analyst who proposed the case's
// decision: holding it would keep the second reviewer it waits for away.
func refuseProposer(ctx context.Context, tx *store.Tx, caller domain.Caller, id uuid.UUID) error {
	p, open, err := openProposal(ctx, tx, caller.ApplicationID, id)
	if err != nil {
		return err
	}
	if open && p.Proposer == caller.Actor() {
		return domain.Conflictf("Not held for you: you proposed its decision, and it waits for a second analyst.")
	}
	return nil
}

// ClaimNext claims the next queued case nobody holds and returns it with
// its payload: a decision awaiting the caller's second review first, then
// the oldest case; never one whose decision the caller proposed. Two
// analysts asking at once get different cases.
func (s *Service) ClaimNext(ctx context.Context, caller domain.Caller) (domain.Session, ClaimInfo, error) {
	if err := requireAnalyst(caller); err != nil {
		return domain.Session{}, ClaimInfo{}, err
	}
	var sealed store.SealedSession
	var info ClaimInfo
	var err error
	// A case claimed by a transaction that committed after this one's
	// snapshot looks free but cannot be taken: try the next one.
	for try := 0; try < 5; try++ {
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			id, err := store.NextUnclaimed(ctx, tx, caller.ApplicationID, caller.Actor(), s.now())
			if err != nil {
				return err
			}
			if info, err = s.takeClaim(ctx, tx, caller, id); err != nil {
				return err
			}
			sealed, err = store.GetSealedSession(ctx, tx, caller.ApplicationID, id)
			return err
		})
		if !domain.IsCode(err, domain.CodeConflict) {
			break
		}
	}
	if err != nil {
		return domain.Session{}, info, err
	}
	sess, err := s.data.openSession(ctx, sealed)
	return sess, info, err
}

// Release drops the analyst's claim on a case (leaving it).
func (s *Service) Release(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		released, err := store.ReleaseClaim(ctx, tx, caller.ApplicationID, sessionID, caller.Analyst)
		if err != nil || !released {
			return err
		}
		if err := claimEvent(ctx, tx, caller, domain.ActionCaseReleased, sessionID, s.now()); err != nil {
			return err
		}
		return announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeClaimReleased, Session: &sessionID, By: caller.Actor()})
	})
}

// ReleaseAll drops every claim the analyst holds in the caller's
// application: on quitting, switching application or disconnecting.
func (s *Service) ReleaseAll(ctx context.Context, caller domain.Caller) error {
	if caller.Analyst == "" {
		return nil
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		ids, err := store.ReleaseAnalystClaims(ctx, tx, caller.ApplicationID, caller.Analyst)
		if err != nil {
			return err
		}
		changes := make([]Change, len(ids))
		for i := range ids {
			changes[i] = Change{App: caller.ApplicationID, What: ChangeClaimReleased, Session: &ids[i], By: caller.Actor()}
			if err := claimEvent(ctx, tx, caller, domain.ActionCaseReleased, ids[i], s.now()); err != nil {
				return err
			}
		}
		return announce(ctx, tx, changes...)
	})
}

// Claims returns the live claims in the caller's queue by session.
func (s *Service) Claims(ctx context.Context, caller domain.Caller) (map[uuid.UUID]ClaimInfo, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	cs, err := store.LiveClaims(ctx, s.db, caller.ApplicationID, s.now())
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]ClaimInfo, len(cs))
	for _, c := range cs {
		out[c.SessionID] = ClaimInfo{SessionID: c.SessionID, Analyst: c.Analyst, ExpiresAt: c.ExpiresAt}
	}
	return out, nil
}
