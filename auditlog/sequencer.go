package auditlog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/transparency-dev/merkle/compact"

	"handoff/domain"
	"handoff/store"
)

// BatchSize is the most events one sealing step takes for an application.
const BatchSize = 2000

// parallelApps is how many applications one sequencer seals at once.
const parallelApps = 8

// Run seals pending events until ctx ends. Every serve process runs one:
// an application's tree is sealed by one process at a time (the others
// skip it), so they share the work and any one of them can die.
//
// Each application with events is drained by a worker of its own, batch
// after batch until none is left, so a busy application costs no look
// for work between its batches, and one slow commit does not hold up the
// others. A worker starts when this process commits events of its
// application, and for the events of other processes when a look, every
// interval, finds them.
func (l *Log) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	busy := map[uuid.UUID]bool{}  // has a worker
	again := map[uuid.UUID]bool{} // woken while its worker was finishing
	done := make(chan uuid.UUID, parallelApps)
	var wg sync.WaitGroup
	defer wg.Wait()
	full := false // an application waited for a free worker: look when one is
	// woken: apps are this process's commits, which a worker finishing
	// may just have missed; a look's are found again at the next one.
	start := func(apps []uuid.UUID, woken bool) {
		for _, app := range apps {
			switch {
			case busy[app]:
				again[app] = again[app] || woken
			case len(busy) >= parallelApps:
				full = true
			default:
				busy[app] = true
				wg.Add(1)
				go func() {
					defer wg.Done()
					l.drain(ctx, app)
					done <- app
				}()
			}
		}
	}
	look := func() {
		full = false
		apps, err := store.PendingApps(ctx, l.db)
		if err != nil && ctx.Err() == nil {
			l.log.Error("sealing audit events", "err", err)
		}
		start(apps, false)
	}
	look()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			look()
		case <-l.db.SealWake():
			start(l.db.WokenApps(), true)
		case app := <-done:
			delete(busy, app)
			if again[app] {
				delete(again, app)
				start([]uuid.UUID{app}, false)
			}
			if full {
				look()
			}
		}
	}
}

// drain seals app's pending events batch after batch until none is left
// (or another sequencer has its tree).
func (l *Log) drain(ctx context.Context, app uuid.UUID) {
	for ctx.Err() == nil {
		n, err := l.sealApp(ctx, app)
		if err != nil {
			if ctx.Err() == nil {
				l.log.Error("sealing audit events", "err", fmt.Errorf("application %s: %w", app, err))
			}
			return
		}
		if n == 0 {
			return
		}
	}
}

// SealPending seals one batch of every application with events pending
// (or chained events not yet in its tree) and returns how many it sealed.
func (l *Log) SealPending(ctx context.Context) (int, error) {
	apps, err := store.PendingApps(ctx, l.db)
	if err != nil {
		return 0, err
	}
	// Applications seal independently, so several at once: one slow
	// commit does not hold up the others' events.
	var mu sync.Mutex
	total := 0
	var errs []error
	sem := make(chan struct{}, parallelApps)
	var wg sync.WaitGroup
	for _, app := range apps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := l.sealApp(ctx, app)
			mu.Lock()
			defer mu.Unlock()
			total += n
			if err != nil {
				errs = append(errs, fmt.Errorf("application %s: %w", app, err))
			}
		}()
	}
	wg.Wait()
	return total, errors.Join(errs...)
}

// sealApp numbers one batch of app's events, integrates them into its tree
// and signs a checkpoint, in one transaction: all of it happens or none.
func (l *Log) sealApp(ctx context.Context, app uuid.UUID) (int, error) {
	sealed := 0
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		tree, events, ok, err := store.TakeBatch(ctx, tx, app, BatchSize)
		if err != nil || !ok {
			return err // !ok: another sequencer has it now
		}
		var legacy int
		if tree.LegacyUntil > tree.Size {
			if legacy, err = l.legacyBatch(ctx, tx, tree); err != nil {
				return err
			}
		}
		for i := range events {
			events[i].Seq = tree.Size + int64(i) + 1
		}
		if len(events) == 0 && legacy == 0 {
			return nil
		}
		r, err := ranges.NewRange(0, uint64(tree.Size), tree.CompactRange)
		if err != nil {
			return fmt.Errorf("stored compact range: %w", err)
		}
		var nodes []store.TreeNode
		visit := func(id compact.NodeID, hash []byte) {
			nodes = append(nodes, store.TreeNode{Level: id.Level, Index: id.Index, Hash: hash})
		}
		leaves, err := l.leaves(ctx, tx, tree, events, legacy)
		if err != nil {
			return err
		}
		for _, leaf := range leaves {
			if err := r.Append(leaf, visit); err != nil {
				return err
			}
		}
		root, err := r.GetRootHash(nil)
		if err != nil {
			return err
		}
		size := int64(r.End())
		cp, err := l.sign(ctx, app, size, root)
		if err != nil {
			return err
		}
		sealed = len(leaves)
		return store.SaveBatch(ctx, tx, store.Batch{PrevSize: tree.Size, Events: events, Nodes: nodes, Checkpoint: cp,
			Tree: store.Tree{App: app, Size: size, CompactRange: r.Hashes()}})
	})
	return sealed, err
}

// leaves are the leaf hashes of a batch: the new events', or those of the
// next legacy chained events.
func (l *Log) leaves(ctx context.Context, tx *store.Tx, tree store.Tree, events []domain.AuditEvent, legacy int) ([][]byte, error) {
	if legacy == 0 {
		out := make([][]byte, len(events))
		for i := range events {
			out[i] = events[i].LeafHash()
		}
		return out, nil
	}
	old, err := store.SealedEvents(ctx, tx, tree.App, tree.Size, tree.Size+int64(legacy), legacy)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(old))
	for i := range old {
		out[i] = old[i].LeafHash()
	}
	return out, nil
}

// legacyBatch checks the next chained events from before the trees (the
// migration) and returns how many to integrate; a broken chain is not
// integrated but reported, for `audit verify` and an operator to see.
func (l *Log) legacyBatch(ctx context.Context, tx *store.Tx, tree store.Tree) (int, error) {
	from := max(tree.Size-1, 0)
	old, err := store.SealedEvents(ctx, tx, tree.App, from, min(tree.LegacyUntil, tree.Size+BatchSize), BatchSize+1)
	if err != nil {
		return 0, err
	}
	var prevHash []byte
	if tree.Size > 0 {
		if len(old) == 0 || old[0].Seq != tree.Size {
			return 0, fmt.Errorf("chained event %d is missing", tree.Size)
		}
		prevHash, old = old[0].Hash, old[1:]
	}
	chain := make([]domain.AuditEvent, len(old))
	for i := range old {
		chain[i] = old[i].AuditEvent
	}
	if brk := domain.VerifyLegacyChain(chain, prevHash, tree.Size); brk != nil {
		return 0, fmt.Errorf("the hash chain from before the trees is broken at event %d (%s); not integrated", brk.Seq, brk.Reason)
	}
	if len(chain) == 0 {
		return 0, fmt.Errorf("chained events %d..%d are missing", tree.Size+1, tree.LegacyUntil)
	}
	return len(chain), nil
}
