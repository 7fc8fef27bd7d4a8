package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// SetRetention sets how long the application keeps sessions (days nil:
// unlimited, the default); the purger erases older ones from then on.
func (s *Service) SetRetention(ctx context.Context, caller domain.Caller, app uuid.UUID, days *int) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	if days != nil && (*days < domain.MinRetentionDays || *days > domain.MaxRetentionDays) {
		return domain.FieldError("retention", "must be between %d and %d days", domain.MinRetentionDays, domain.MaxRetentionDays)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.SetRetention(ctx, tx, app, days); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: app, What: ChangeApplications, By: caller.Actor()}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: caller.Actor(),
			Action: domain.ActionRetentionSet, Details: mustJSON(map[string]any{"retention": domain.RetentionLabel(days)})})
	})
}

// PurgeBatch bounds the sessions one purge transaction erases.
const PurgeBatch = 500

// PurgeExpired erases up to PurgeBatch sessions past their application's
// retention, in one transaction, and says how many. One purger runs at a
// time across every process on the database: another that finds the
// purge lock taken erases nothing and returns at once. Each erasure is an
// audit event holding ids only. A clone in a partner's application is the
// partner's copy, governed by the partner's retention.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		ok, err := store.TryPurgeLock(ctx, tx)
		if err != nil || !ok {
			return err
		}
		now := s.now()
		expired, err := store.ExpiredSessions(ctx, tx, now, PurgeBatch)
		if err != nil {
			return err
		}
		byApp := map[uuid.UUID][]domain.AuditEvent{}
		for _, e := range expired {
			if err := store.EraseSession(ctx, tx, e.ApplicationID, e.SessionID, now); err != nil {
				return err
			}
			id := e.SessionID
			byApp[e.ApplicationID] = append(byApp[e.ApplicationID], domain.AuditEvent{At: now, Actor: "purger",
				Action: domain.ActionSessionErased, SessionID: &id, Details: mustJSON(map[string]any{
					"session_number": e.Number, "status": e.Status, "reason": "retention", "retention_days": e.RetentionDays})})
		}
		for app, events := range byApp {
			if err := announce(ctx, tx, Change{App: app, What: ChangeSessionDeleted, By: "purger"}); err != nil {
				return err
			}
			if err := store.AppendAudit(ctx, tx, app, events...); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}

// RunHousekeeping erases expired sessions, indexes the identifiers of
// sessions stored before identifiers existed and seals the list entries
// written before entries were sealed, every interval until ctx ends, each
// in batches until none is left.
func (s *Service) RunHousekeeping(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.drain(ctx, "erasing sessions past retention", "erased sessions past retention", "sessions", PurgeBatch, s.PurgeExpired)
		s.drain(ctx, "indexing identifiers", "indexed the identifiers of older sessions", "sessions", IndexBatch, s.IndexPendingIdentifiers)
		s.drain(ctx, "sealing list entries", "sealed older list entries", "entries", EntryBatch, s.SealPendingEntries)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drain runs one batch after another until a batch is short of full or
// fails, logging what it did under what and done, and how many of what
// (noun) each batch did.
func (s *Service) drain(ctx context.Context, what, done, noun string, full int, batch func(context.Context) (int, error)) {
	for {
		n, err := batch(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("housekeeping: "+what, "err", err)
			}
			return
		}
		if n > 0 {
			s.log.Info("housekeeping: "+done, noun, n)
		}
		if n < full {
			return
		}
	}
}
