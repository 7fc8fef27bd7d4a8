package review_test

import (
	"context"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
)

// The sequencer's lag is the wait of the oldest unsealed event, and drops
// to zero once everything is sealed.
func TestAuditLag(t *testing.T) {
	f := newFixture(t, 0) // creating X and Y left their events pending
	ctx := context.Background()
	time.Sleep(20 * time.Millisecond) // let the oldest event age measurably
	lag, err := f.svc.AuditLag(ctx)
	if err != nil || lag < 20*time.Millisecond || lag > time.Minute {
		t.Fatalf("lag with events pending: %v %v", lag, err)
	}
	for {
		n, err := f.svc.SealAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if lag, err := f.svc.AuditLag(ctx); err != nil || lag != 0 {
		t.Fatalf("lag after sealing: %v %v", lag, err)
	}
}

type countingObserver map[string]int

func (c countingObserver) Operation(op, outcome string) { c[op+" "+outcome]++ }

// Use cases report how they ended, a refused one by its code, from the
// API's callers and the workstation's alike.
func TestObserverHearsOutcomes(t *testing.T) {
	obs := countingObserver{}
	f := newFixture(t, 1, review.WithObserver(obs)) // one mint and one import
	ctx := context.Background()
	alice := review.Analyst(f.y, "alice")
	if _, err := f.svc.Decide(ctx, alice, f.queued[0], domain.Decision{Phase: domain.Status("Maybe").Phase()}); err == nil {
		t.Fatal("a status that does not exist was accepted")
	}
	if _, err := f.svc.DecideCase(ctx, alice, f.queued[0], domain.Approve("looks right")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Share(ctx, review.Analyst(f.x, "m"), f.queued[0], f.y, 600); err == nil {
		t.Fatal("X minted a session of Y's")
	}
	want := countingObserver{"mint ok": 1, "import ok": 1, "decide invalid": 1, "decide ok": 1, "mint not_found": 1}
	if len(obs) != len(want) {
		t.Fatalf("heard %v, want %v", obs, want)
	}
	for k, n := range want {
		if obs[k] != n {
			t.Fatalf("heard %v, want %v", obs, want)
		}
	}
}
