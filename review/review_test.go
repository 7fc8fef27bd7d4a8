package review_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

type fixture struct {
	svc    *review.Service
	x, y   uuid.UUID
	queued []uuid.UUID // imported sessions in Y waiting In Review
}

// newFixture makes two applications and n imported cases in Y's queue.
func newFixture(t testing.TB, n int, opts ...review.Option) *fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.DB(t)
	f := &fixture{svc: review.New(db, opts...)}
	t.Cleanup(f.svc.Close)
	mk := func(name, wf string) uuid.UUID {
		a, err := f.svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: wf, Kind: domain.KindUser}}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Application.ID
	}
	f.x, f.y = mk("X", "wf_x"), mk("Y", "wf_y")
	var srcs []domain.Session
	if n == 0 {
		return f
	}
	if err := demo.Generate(ctx, f.svc, demo.Options{App: f.x, Count: n, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 1, Actor: "test"}, func(s domain.Session) { srcs = append(srcs, s) }); err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		m, err := f.svc.Share(ctx, review.Analyst(f.x, "minter"), src.ID, f.y, 600)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.svc.Import(ctx, review.Analyst(f.y, "importer"), review.ImportRequest{ShareToken: m.Token, WorkflowID: "wf_y"})
		if err != nil {
			t.Fatal(err)
		}
		f.queued = append(f.queued, s.ID)
	}
	return f
}

func TestClaimIsExclusive(t *testing.T) {
	f := newFixture(t, 1)
	ctx := context.Background()
	alice, bob := review.Analyst(f.y, "alice"), review.Analyst(f.y, "bob")
	id := f.queued[0]
	if _, err := f.svc.Claim(ctx, alice, id); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Claim(ctx, bob, id)
	if !domain.IsCode(err, domain.CodeConflict) || !strings.Contains(err.Error(), "alice") {
		t.Fatalf("bob's claim: %v; want a conflict naming alice", err)
	}
	if _, err := f.svc.DecideCase(ctx, bob, id, domain.Approve("")); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("bob decided alice's case: %v", err)
	}
	if _, err := f.svc.Claim(ctx, alice, id); err != nil {
		t.Fatalf("alice renewing her claim: %v", err)
	}
	if err := f.svc.Release(ctx, alice, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Claim(ctx, bob, id); err != nil {
		t.Fatalf("bob after alice left: %v", err)
	}
	s, err := f.svc.DecideCase(ctx, bob, id, domain.Decline(domain.ReasonOther, "test"))
	if err != nil || s.Status != "Declined" {
		t.Fatalf("bob's decision: %v %v", s.Status, err)
	}
	claims, _ := f.svc.Claims(ctx, bob)
	if len(claims) != 0 {
		t.Fatalf("claim not released after the decision: %v", claims)
	}
	if _, err := f.svc.DecideCase(ctx, alice, id, domain.Approve("")); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("a second decision on a decided case: %v", err)
	}
}

func TestClaimsExpire(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f := newFixture(t, 1, review.WithClock(clock), review.WithClaimTTL(time.Minute))
	ctx := context.Background()
	if _, err := f.svc.Claim(ctx, review.Analyst(f.y, "alice"), f.queued[0]); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	if _, err := f.svc.Claim(ctx, review.Analyst(f.y, "bob"), f.queued[0]); err != nil {
		t.Fatalf("an expired claim still holds: %v", err)
	}
}

// Analysts racing for the next case never get the same one, and racing
// decisions on one case have exactly one winner.
func TestRacingAnalysts(t *testing.T) {
	f := newFixture(t, 5)
	ctx := context.Background()
	const analysts = 12
	got := make([]uuid.UUID, analysts)
	var wg sync.WaitGroup
	for i := 0; i < analysts; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s, _, err := f.svc.ClaimNext(ctx, review.Analyst(f.y, "analyst-"+string(rune('a'+i))))
			if err == nil {
				got[i] = s.ID
			} else if !domain.IsCode(err, domain.CodeNotFound) {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	seen := map[uuid.UUID]bool{}
	for _, id := range got {
		if id == uuid.Nil {
			continue
		}
		if seen[id] {
			t.Fatalf("two analysts claimed %s", id)
		}
		seen[id] = true
	}
	if len(seen) != 5 {
		t.Fatalf("%d cases claimed, want all 5", len(seen))
	}

	// Release everything, then race decisions on one case.
	for i := 0; i < analysts; i++ {
		f.svc.ReleaseAll(ctx, review.Analyst(f.y, "analyst-"+string(rune('a'+i))))
	}
	wins := make(chan string, analysts)
	for i := 0; i < analysts; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			verdict := []domain.Decision{domain.Approve(""), domain.Decline(domain.ReasonOther, "race")}[i%2]
			if _, err := f.svc.DecideCase(ctx, review.Analyst(f.y, "analyst-"+string(rune('a'+i))), f.queued[0], verdict); err == nil {
				wins <- verdict.Comment()
			}
		}(i)
	}
	wg.Wait()
	close(wins)
	if len(wins) != 1 {
		t.Fatalf("%d decisions won, want exactly 1", len(wins))
	}
}

// Changes reach subscribers of another service (another process) on the
// same database, and a rolled-back use case announces nothing.
func TestChangesReachOtherProcesses(t *testing.T) {
	f := newFixture(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	other := review.New(f.svc.DB())
	defer other.Close()
	changes, err := other.Subscribe(ctx, review.Analyst(f.y, "watcher"))
	if err != nil {
		t.Fatal(err)
	}
	xChanges, err := other.Subscribe(ctx, review.Analyst(f.x, "watcher"))
	if err != nil {
		t.Fatal(err)
	}
	reader := review.Analyst(f.y, "reader")
	before, err := other.Counts(ctx, reader)
	if err != nil || before.Queue != 2 {
		t.Fatalf("counts before: %+v %v", before, err)
	}
	// A refused decision announces nothing.
	if _, err := f.svc.Decide(ctx, review.Analyst(f.y, "alice"), f.queued[0], domain.Decision{Phase: domain.PhaseInReview}); err == nil {
		t.Fatal("In Review accepted as a decision")
	}
	if _, err := f.svc.Decide(ctx, review.Analyst(f.y, "alice"), f.queued[1], domain.Approve("ok")); err != nil {
		t.Fatal(err)
	}
	// Changes are announced after their commit, so the fixture's own
	// imports may still arrive first; the refused decision never does.
	timeout := time.After(10 * time.Second)
	for decided := false; !decided; {
		select {
		case c := <-changes:
			if c.App != f.y {
				t.Fatalf("Y's subscriber heard %+v", c)
			}
			if c.What == review.ChangeSessionDecided {
				if c.Session == nil || *c.Session != f.queued[1] {
					t.Fatalf("decision change %+v; want the decision on %s only", c, f.queued[1])
				}
				decided = true
			}
		case <-timeout:
			t.Fatal("the decision's change did not arrive")
		}
	}
	// The shared header counts were dropped when the change was heard.
	if after, err := other.Counts(ctx, reader); err != nil || after.Queue != 1 {
		t.Fatalf("counts after the decision: %+v %v; want queue 1", after, err)
	}
	for quiet := time.After(200 * time.Millisecond); ; {
		select {
		case c := <-xChanges:
			if c.App != f.x { // X's own changes may still be arriving
				t.Fatalf("X's subscriber heard Y's change %+v", c)
			}
			continue
		case <-quiet:
		}
		break
	}
}

func TestAnalystKeyBelongsToTheUserName(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	key := review.AnalystKey{Fingerprint: "SHA256:shared", PublicKey: "ssh-ed25519 AAAA"}
	for _, name := range []string{"alice", "bob"} {
		if err := f.svc.AddAnalyst(ctx, review.Operator("test"), review.NewAnalyst{Name: name, Apps: []uuid.UUID{f.y}, Keys: []review.AnalystKey{key}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"alice", "BOB"} {
		if a, err := f.svc.AnalystByKey(ctx, name, key.Fingerprint); err != nil || !strings.EqualFold(a.Name, name) || !a.CanWorkFor(f.y) {
			t.Fatalf("%s: %+v %v", name, a, err)
		}
	}
	if _, err := f.svc.AnalystByKey(ctx, "carol", key.Fingerprint); !domain.IsCode(err, domain.CodeUnauthorized) {
		t.Fatalf("carol with alice's key: %v", err)
	}
	if err := f.svc.RemoveAnalyst(ctx, review.Operator("test"), "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AnalystByKey(ctx, "bob", key.Fingerprint); !domain.IsCode(err, domain.CodeUnauthorized) {
		t.Fatalf("removed bob: %v", err)
	}
}

func TestOnlyImportedCasesAreClaimed(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	var own domain.Session
	demo.Generate(ctx, f.svc, demo.Options{App: f.y, Count: 1, Kind: domain.KindUser, Phase: domain.PhaseInReview, Actor: "t"},
		func(s domain.Session) { own = s })
	if _, err := f.svc.Claim(ctx, review.Analyst(f.y, "alice"), own.ID); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("claiming a session that was not imported: %v", err)
	}
}

// A subscriber that stops reading is sent a resync in place of what it
// missed, never left without news of a change.
func TestSlowSubscriberGetsResync(t *testing.T) {
	f := newFixture(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := f.svc.Subscribe(ctx, review.Analyst(f.x, "watcher"))
	if err != nil {
		t.Fatal(err)
	}
	// Four times the subscriber's buffer, unread: on a loaded machine the
	// notifications trail the commits, and the buffer must still overflow
	// before the reading below starts.
	for i := 0; i < 64; i++ {
		if err := demo.Generate(ctx, f.svc, demo.Options{App: f.x, Count: 1, Kind: domain.KindUser, Actor: "t"}, func(domain.Session) {}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case c := <-ch:
			if c.What == review.ChangeResync {
				return
			}
		case <-deadline:
			t.Fatal("no resync after the subscriber fell behind")
		}
	}
}
