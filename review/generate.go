package review

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth"
	"handoff/store"
)

// GenerateOptions describes a batch of synthetic sessions.
type GenerateOptions struct {
	App   uuid.UUID
	Count int
	Kind  domain.Kind  // empty: mixed
	Phase domain.Phase // 0: a realistic mix of finished statuses
	Seed  uint64
	Actor string
}

const generateBatch = 5000

// Generate creates synthetic sessions with realistic payloads, in batches
// of one transaction and one COPY each, and calls emit for each created
// session.
func (s *Service) Generate(ctx context.Context, opts GenerateOptions, emit func(domain.Session)) error {
	if opts.Count < 1 || opts.Count > 10_000_000 {
		return domain.Invalidf("--count must be between 1 and 10000000")
	}
	wfs, err := store.ListWorkflows(ctx, s.db, opts.App)
	if err != nil {
		return err
	}
	workflow := map[domain.Kind]string{}
	for _, wf := range wfs {
		if workflow[wf.Kind] == "" {
			workflow[wf.Kind] = wf.ID
		}
	}
	for _, k := range []domain.Kind{domain.KindUser, domain.KindBusiness} {
		if workflow[k] == "" && (opts.Kind == "" || opts.Kind == k) {
			return domain.Invalidf("the application has no %s workflow to create %s sessions in; add one with `handoff app workflow add`", k, k.Label())
		}
	}
	// Session ids are random, so running a seed again adds new sessions;
	// the people and companies repeat. Payloads are made on one goroutine while the previous batch is being
	// copied on this one, so Go and PostgreSQL work at the same time.
	batches := make(chan []domain.Session, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		g := synth.New(opts.Seed)
		now := s.now().UTC().Truncate(time.Microsecond)
		for done := 0; done < opts.Count; {
			n := min(generateBatch, opts.Count-done)
			batch := make([]domain.Session, n)
			for i := range batch {
				kind := opts.Kind
				if kind == "" {
					kind = g.Kind()
				}
				status := g.Status(kind)
				if opts.Phase != 0 {
					status = domain.StatusOf(kind, opts.Phase)
				}
				batch[i] = domain.Session{ApplicationID: opts.App, ID: uuid.New(), Kind: kind, Status: status,
					WorkflowID: workflow[kind], VendorData: g.VendorData(kind), Checks: g.Checks(kind, status),
					CreatedAt: now.Add(-time.Duration(opts.Count-done-i) * 37 * time.Second)}
			}
			select {
			case batches <- batch:
			case <-stop:
				return
			}
			done += n
		}
	}()
	for batch := range batches {
		n := len(batch)
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			// Synthetic bulk data need not wait for each batch's flush; a
			// crash can lose only whole batches, never leave half of one.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return err
			}
			first, err := store.NextSessionNumbers(ctx, tx, opts.App, n)
			if err != nil {
				return err
			}
			for i := range batch {
				batch[i].Number = first + int64(i)
			}
			if err := store.CopySessions(ctx, tx, batch); err != nil {
				return err
			}
			if err := announce(ctx, tx, Change{App: opts.App, What: ChangeSessionCreated, By: opts.Actor}); err != nil {
				return err
			}
			return store.AppendAudit(ctx, tx, opts.App, domain.AuditEvent{At: s.now(), Actor: opts.Actor,
				Action: domain.ActionSessionCreated, Details: mustJSON(map[string]any{
					"generated": n, "first_session_number": first, "last_session_number": first + int64(n) - 1})})
		})
		if err != nil {
			return fmt.Errorf("generating sessions: %w", err)
		}
		for _, sess := range batch {
			emit(sess)
		}
	}
	return nil
}
