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

// Run seals pending events until ctx ends. Every serve process runs one,
// so they share the work and any one of them can die: when two seal the
// same application at once, the batch saved second is undone (sealApp).
//
// Applications with events take turns, one batch each, at most
// parallelApps at once: a busy one goes to the back of the line after each
// batch, so it needs no look for work between its batches and cannot hold
// the others up, and one slow commit delays only its own application. An
// application joins the line when this process commits events of it, and
// for the events of other processes when a look, every interval, finds
// them.
func (l *Log) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	type turn struct {
		app  uuid.UUID
		more bool // it sealed a batch: there may be more
	}
	done := make(chan turn, parallelApps)
	var wg sync.WaitGroup
	defer wg.Wait()
	busy := map[uuid.UUID]bool{}   // sealing a batch now
	again := map[uuid.UUID]bool{}  // woken while busy: its batch may have missed them
	queued := map[uuid.UUID]bool{} // in line
	var line []uuid.UUID
	join := func(app uuid.UUID) {
		if !queued[app] {
			queued[app] = true
			line = append(line, app)
		}
	}
	fill := func() {
		for len(busy) < parallelApps && len(line) > 0 {
			app := line[0]
			line = line[1:]
			delete(queued, app)
			busy[app] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := l.sealApp(ctx, app)
				if err != nil && ctx.Err() == nil {
					l.log.Error("sealing audit events", "err", fmt.Errorf("application %s: %w", app, err))
				}
				done <- turn{app: app, more: n > 0 && err == nil}
			}()
		}
	}
	// woken: apps are this process's commits, which a batch being sealed
	// may just have missed; what a look finds is found again at the next.
	arrive := func(apps []uuid.UUID, woken bool) {
		for _, app := range apps {
			if busy[app] {
				again[app] = again[app] || woken
			} else {
				join(app)
			}
		}
		fill()
	}
	look := func() {
		apps, err := store.PendingApps(ctx, l.db)
		if err != nil && ctx.Err() == nil {
			l.log.Error("sealing audit events", "err", err)
		}
		arrive(apps, false)
	}
	look()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			look()
		case <-l.db.SealWake():
			arrive(l.db.WokenApps(), true)
		case r := <-done:
			delete(busy, r.app)
			if r.more || again[r.app] {
				join(r.app)
			}
			delete(again, r.app)
			fill()
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
// and signs a checkpoint. Nothing is locked while it hashes and signs: the
// batch is read, then saved in one statement (its own transaction, all of
// it or none) that applies only if no other sequencer sealed first — two
// round trips. A batch that lost the race seals nothing.
func (l *Log) sealApp(ctx context.Context, app uuid.UUID) (int, error) {
	start := time.Now()
	tree, events, ok, err := store.ReadBatch(ctx, l.db, app, BatchSize)
	read := time.Since(start)
	if err != nil || !ok {
		return 0, err
	}
	var legacy int
	if tree.LegacyUntil > tree.Size {
		if legacy, err = l.legacyBatch(ctx, tree); err != nil {
			return 0, err
		}
	}
	for i := range events {
		events[i].Seq = tree.Size + int64(i) + 1
	}
	if len(events) == 0 && legacy == 0 {
		return 0, nil
	}
	r, err := ranges.NewRange(0, uint64(tree.Size), tree.CompactRange)
	if err != nil {
		return 0, fmt.Errorf("stored compact range: %w", err)
	}
	var nodes []store.TreeNode
	visit := func(id compact.NodeID, hash []byte) {
		nodes = append(nodes, store.TreeNode{Level: id.Level, Index: id.Index, Hash: hash})
	}
	leaves, err := l.leaves(ctx, tree, events, legacy)
	if err != nil {
		return 0, err
	}
	for _, leaf := range leaves {
		if err := r.Append(leaf, visit); err != nil {
			return 0, err
		}
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		return 0, err
	}
	size := int64(r.End())
	cp, err := l.sign(ctx, app, size, root)
	if err != nil {
		return 0, err
	}
	saving := time.Now()
	err = store.SaveBatch(ctx, l.db, store.Batch{PrevSize: tree.Size, Events: events, Nodes: nodes, Checkpoint: cp,
		Tree: store.Tree{App: app, Size: size, CompactRange: r.Hashes()}})
	l.log.Debug("audit batch", "app", app, "events", len(leaves), "read", read, "hash_sign", saving.Sub(start)-read,
		"save", time.Since(saving), "err", err)
	if errors.Is(err, store.ErrSealedFirst) {
		return 0, nil // another sequencer has this application now
	}
	if err != nil {
		return 0, err
	}
	return len(leaves), nil
}

// leaves are the leaf hashes of a batch: the new events', or those of the
// next legacy chained events.
func (l *Log) leaves(ctx context.Context, tree store.Tree, events []domain.AuditEvent, legacy int) ([][]byte, error) {
	if legacy == 0 {
		out := make([][]byte, len(events))
		for i := range events {
			out[i] = events[i].LeafHash()
		}
		return out, nil
	}
	old, err := store.SealedEvents(ctx, l.db, tree.App, tree.Size, tree.Size+int64(legacy), legacy)
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
func (l *Log) legacyBatch(ctx context.Context, tree store.Tree) (int, error) {
	from := max(tree.Size-1, 0)
	old, err := store.SealedEvents(ctx, l.db, tree.App, from, min(tree.LegacyUntil, tree.Size+BatchSize), BatchSize+1)
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
