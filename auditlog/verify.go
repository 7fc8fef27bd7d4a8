package auditlog

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/transparency-dev/merkle/compact"

	"handoff/auditverify"
	"handoff/domain"
	"handoff/store"
)

// Report is the result of verifying one application's log.
type Report struct {
	Checked     int64 // sealed events checked
	Checkpoints int   // checkpoints checked (signature, root, consistency)
	Pending     int64 // events not sealed yet
	Stale       int64 // of those, how many are older than StaleAfter
	Latest      *store.Checkpoint
	Break       *domain.AuditBreak // nil when everything holds
}

// StaleAfter is how old a pending event may be before verify reports it:
// the sequencer seals within a fraction of it.
const StaleAfter = time.Second

// Verify rebuilds app's tree from its events and checks every stored
// checkpoint against it: the signature under the deployment's key, the
// root, and a consistency proof (built from the stored nodes, as partners
// get them) with the next checkpoint. It names the first event that does
// not match. It checks up to the tree size it reads first, so events
// sealed meanwhile are the next run's.
func (l *Log) Verify(ctx context.Context, app uuid.UUID) (Report, error) {
	var rep Report
	st, err := store.GetAuditState(ctx, l.db, app, l.now().Add(-StaleAfter))
	if err != nil {
		return rep, err
	}
	rep.Pending, rep.Stale, rep.Latest = st.Pending, st.Stale, st.Latest
	if legacy := st.LegacyUntil - st.Sealed; legacy > 0 {
		// Chained events from before the trees not integrated yet: they are
		// pending, and old.
		rep.Pending += legacy
		rep.Stale += legacy
	}
	_, vkey, err := l.keys(ctx)
	if err != nil {
		return rep, err
	}
	r := ranges.NewEmptyRange(0)
	var cps []store.Checkpoint
	var prev *auditverify.Checkpoint
	for seq := int64(0); ; {
		if len(cps) == 0 {
			if cps, err = store.Checkpoints(ctx, l.db, app, int64(r.End()), 1000); err != nil {
				return rep, err
			}
			for len(cps) > 0 && cps[len(cps)-1].Size > st.Sealed {
				cps = cps[:len(cps)-1]
			}
		}
		events, err := store.SealedEvents(ctx, l.db, app, seq, st.Sealed, 5000)
		if err != nil {
			return rep, err
		}
		if len(events) == 0 {
			break
		}
		for _, e := range events {
			if e.Seq != seq+1 {
				rep.Break = &domain.AuditBreak{Seq: seq + 1, Reason: "the event is missing"}
				return rep, nil
			}
			leaf := e.LeafHash()
			switch {
			case e.StoredLeaf == nil:
				rep.Break = &domain.AuditBreak{Seq: e.Seq, Reason: "the event is not in the tree"}
				return rep, nil
			case !bytes.Equal(leaf, e.StoredLeaf):
				rep.Break = &domain.AuditBreak{Seq: e.Seq, Reason: "its content does not match its leaf in the tree (altered)"}
				return rep, nil
			}
			if err := r.Append(leaf, nil); err != nil {
				return rep, err
			}
			seq = e.Seq
			rep.Checked++
			for len(cps) > 0 && cps[0].Size == seq {
				cp, brk, err := l.checkCheckpoint(ctx, app, vkey, cps[0], prev, r.GetRootHash)
				if err != nil || brk != nil {
					rep.Break = brk
					return rep, err
				}
				prev, cps = &cp, cps[1:]
				rep.Checkpoints++
			}
			if len(cps) > 0 && cps[0].Size < seq {
				rep.Break = &domain.AuditBreak{Checkpoint: cps[0].Size, Reason: "a checkpoint for a size the tree skipped"}
				return rep, nil
			}
		}
	}
	switch {
	case int64(r.End()) < st.Sealed:
		rep.Break = &domain.AuditBreak{Seq: int64(r.End()) + 1, Reason: fmt.Sprintf("the tree has %d events, the trail ends at %d (events at the end are missing)", st.Sealed, r.End())}
	case st.Sealed > 0 && (prev == nil || int64(prev.Size) != st.Sealed):
		rep.Break = &domain.AuditBreak{Checkpoint: st.Sealed, Reason: "the tree's current size has no checkpoint"}
	}
	return rep, nil
}

// checkCheckpoint checks one stored checkpoint against the rebuilt tree
// and, through a consistency proof from the stored nodes, against the one
// before it.
func (l *Log) checkCheckpoint(ctx context.Context, app uuid.UUID, vkey string, c store.Checkpoint,
	prev *auditverify.Checkpoint, root func(compact.VisitFn) ([]byte, error)) (auditverify.Checkpoint, *domain.AuditBreak, error) {
	bad := func(why string) (auditverify.Checkpoint, *domain.AuditBreak, error) {
		first := int64(1)
		if prev != nil {
			first = int64(prev.Size) + 1
		}
		return auditverify.Checkpoint{}, &domain.AuditBreak{Seq: first, Checkpoint: c.Size,
			Reason: fmt.Sprintf("checkpoint at size %d %s (events %d..%d)", c.Size, why, first, c.Size)}, nil
	}
	cp, err := auditverify.Open([]byte(c.Note), vkey)
	if err != nil {
		return bad("is not signed by this deployment's key: " + err.Error())
	}
	want, err := root(nil)
	if err != nil {
		return auditverify.Checkpoint{}, nil, err
	}
	if cp.Origin != Origin(app) || int64(cp.Size) != c.Size || !bytes.Equal(cp.Root, c.Root) {
		return bad("does not say what is stored with it")
	}
	if !bytes.Equal(cp.Root, want) {
		return bad("does not match the events' tree: one of them was altered")
	}
	if prev != nil {
		hashes, err := l.consistency(ctx, app, prev.Size, cp.Size)
		if err != nil {
			return auditverify.Checkpoint{}, nil, err
		}
		if err := auditverify.VerifyConsistency(*prev, cp, hashes); err != nil {
			return bad("is not consistent with the checkpoint before it (stored tree nodes altered): " + err.Error())
		}
	}
	return cp, nil, nil
}
