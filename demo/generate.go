// Package demo makes synthetic data: the bulk session generator behind
// `handoff session generate` and the demo scenario behind `handoff demo`.
// It drives review's use cases like any other front end; only cmd (and
// tests that want realistic data) import it.
package demo

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth"
	"handoff/review"
)

// Options describes a batch of synthetic sessions.
type Options struct {
	App   uuid.UUID
	Count int
	Kind  domain.Kind  // empty: mixed
	Phase domain.Phase // 0: a realistic mix of finished statuses
	Seed  uint64
	Actor string
	// Evidence also draws and stores the pictures (documents, selfie,
	// registry extract) of the newest Evidence sessions: the ones a demo
	// shares and opens. Drawing costs milliseconds a session, so bulk
	// loads leave it at 0.
	Evidence int
}

const batchSize = 5000

// Generate creates synthetic sessions with realistic payloads, in batches
// of one transaction and one COPY each (review.AddGeneratedSessions), and
// calls emit for each created session.
func Generate(ctx context.Context, svc *review.Service, opts Options, emit func(domain.Session)) error {
	if opts.Count < 1 || opts.Count > 10_000_000 {
		return domain.Invalidf("--count must be between 1 and 10000000")
	}
	op := review.Operator(opts.Actor).In(opts.App)
	wfs, err := svc.Workflows(ctx, op)
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
		// Sessions are created before now, far enough that every capture
		// (within synth.CaptureWindow of creation) is in the past too.
		now := svc.Now().UTC().Truncate(time.Microsecond).Add(-synth.CaptureWindow)
		for done := 0; done < opts.Count; {
			n := min(batchSize, opts.Count-done)
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
				created := now.Add(-time.Duration(opts.Count-done-i) * 37 * time.Second)
				batch[i] = domain.Session{ApplicationID: opts.App, ID: uuid.New(), Kind: kind, Status: status,
					WorkflowID: workflow[kind], VendorData: g.VendorData(kind), Checks: g.ChecksAt(kind, status, created),
					CreatedAt: created}
			}
			select {
			case batches <- batch:
			case <-stop:
				return
			}
			done += n
		}
	}()
	done := 0
	for batch := range batches {
		if err := svc.AddGeneratedSessions(ctx, op, batch); err != nil {
			return err
		}
		if drawFrom := opts.Count - opts.Evidence; drawFrom < done+len(batch) && opts.Evidence > 0 {
			if err := svc.AddGeneratedEvidence(ctx, op, batch[max(drawFrom-done, 0):]); err != nil {
				return err
			}
		}
		done += len(batch)
		for _, sess := range batch {
			emit(sess)
		}
	}
	return nil
}
