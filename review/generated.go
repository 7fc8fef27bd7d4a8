package review

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// AddGeneratedSessions stores a batch of synthetic sessions in the
// operator's application (made by handoff/demo's generator), numbering
// them in order, in one transaction and one COPY, with one audit event for
// the batch.
func (s *Service) AddGeneratedSessions(ctx context.Context, caller domain.Caller, batch []domain.Session) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	app, actor := caller.ApplicationID, caller.Actor()
	n := len(batch)
	if n == 0 {
		return nil
	}
	for _, sess := range batch {
		if sess.ApplicationID != app {
			return domain.Invalidf("a generated session of another application")
		}
	}
	sealed, err := s.sealBatch(ctx, app, batch)
	if err != nil {
		return err
	}
	match, err := s.matcher(ctx, app)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Synthetic bulk data need not wait for each batch's flush; a
		// crash can lose only whole batches, never leave half of one.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		numbers, err := store.NextSessionNumbers(ctx, tx, app, n)
		if err != nil {
			return err
		}
		for i := range batch {
			batch[i].Number = numbers[i]
			sealed[i].Number = batch[i].Number
		}
		if err := store.CopySessions(ctx, tx, sealed); err != nil {
			return err
		}
		if err := recordBatchIdentifiers(ctx, tx, match.Matcher, app, batch); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: app, What: ChangeSessionCreated, By: actor}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: actor,
			Action: domain.ActionSessionCreated, Details: mustJSON(map[string]any{
				"generated": n, "first_session_number": numbers[0], "last_session_number": numbers[n-1]})})
	})
	if err != nil {
		return fmt.Errorf("generating sessions: %w", err)
	}
	return nil
}

// sealBatch seals the sessions' checks, on a few goroutines (sealing is
// mostly splitting out the biometrics, which is JSON work).
func (s *Service) sealBatch(ctx context.Context, app uuid.UUID, batch []domain.Session) ([]store.SealedSession, error) {
	keys, err := s.data.forApp(ctx, app)
	if err != nil {
		return nil, err
	}
	out := make([]store.SealedSession, len(batch))
	workers := min(4, runtime.GOMAXPROCS(0))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(batch); i += workers {
				p, err := keys.seal(batch[i].ID, batch[i].Checks)
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = store.SealedSession{Session: batch[i], Payload: p}
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Now is the service's clock, so that data made for it (the demo, the
// generator) lines up with the times it records itself.
func (s *Service) Now() time.Time { return s.now() }

// Clone returns another Service on the same database with this one's clock
// and logger and then opts (the demo mints tokens in the past with it).
func (s *Service) Clone(opts ...Option) *Service {
	return New(s.db, append([]Option{WithClock(s.now), WithLogger(s.log), WithKeys(s.masterKeys)}, opts...)...)
}
