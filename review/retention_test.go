package review_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	. "handoff/review"
	"handoff/store"
)

// rawSession is what the sessions table holds for one session.
type rawSession struct {
	Number   int64      `db:"session_number"`
	Status   string     `db:"status"`
	Sealed   []byte     `db:"sealed"`
	Bio      []byte     `db:"biometrics"`
	Checks   []byte     `db:"checks"`
	ErasedAt *time.Time `db:"erased_at"`
}

func (w *sealedWorld) raw(t *testing.T, id uuid.UUID) rawSession {
	t.Helper()
	var r rawSession
	if err := w.db.GetContext(context.Background(), &r, `SELECT session_number, status, sealed, biometrics, checks, erased_at
		FROM sessions WHERE session_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRetentionPurgerErasesWithAMovedClock(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	xs := w.generate(t, w.svc, w.x, 6)
	ys := w.generate(t, w.svc, w.y, 2) // Y keeps sessions forever
	m, err := w.svc.Share(ctx, Analyst(w.x, "minter"), xs[0].ID, w.y, 86400)
	if err != nil {
		t.Fatal(err)
	}
	clone, err := w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := w.svc.Share(ctx, Analyst(w.x, "minter"), xs[1].ID, w.y, 86400)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.SetRetention(ctx, Operator("ops"), w.x, ptr(30)); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.SetRetention(ctx, Operator("ops"), w.x, ptr(29)); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("29 days accepted: %v", err)
	}

	// 29 days on nothing is due; at 31 days X's sessions are, Y's are not.
	at := func(days int) *Service {
		svc := New(w.db, WithKeys(w.keys), WithClock(func() time.Time { return time.Now().Add(time.Duration(days) * 24 * time.Hour) }))
		t.Cleanup(svc.Close)
		return svc
	}
	if n, err := at(29).PurgeExpired(ctx); err != nil || n != 0 {
		t.Fatalf("at 29 days: erased %d, %v", n, err)
	}
	later := at(31)
	// Two purgers at once (two serve processes): one erases, none twice.
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := at(31).PurgeExpired(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if n, _ := later.PurgeExpired(ctx); counts[0]+counts[1]+n != 6 {
		t.Fatalf("purgers erased %v then %d, want 6 in all", counts, n)
	}
	for _, s := range xs {
		r := w.raw(t, s.ID)
		if r.ErasedAt == nil || r.Sealed != nil || r.Bio != nil || r.Checks != nil || r.Number != s.Number || r.Status != string(s.Status) {
			t.Fatalf("session %d after the purge: %+v", s.Number, r)
		}
		if _, err := w.svc.Session(ctx, Analyst(w.x, "reader"), s.ID); !domain.IsCode(err, domain.CodeNotFound) {
			t.Fatalf("an erased session reads: %v", err)
		}
	}
	for _, id := range []uuid.UUID{ys[0].ID, ys[1].ID, clone.ID} {
		if r := w.raw(t, id); r.ErasedAt != nil || r.Sealed == nil {
			t.Fatalf("the partner's session (its own copy, its own retention) was erased: %+v", r)
		}
	}
	// Each erasure is audited with ids only.
	var details []string
	if err := w.db.SelectContext(ctx, &details, `SELECT details::text FROM audit_pending WHERE application_id = $1 AND action = $2
		UNION ALL SELECT details::text FROM audit_events WHERE application_id = $1 AND action = $2`, w.x, domain.ActionSessionErased); err != nil {
		t.Fatal(err)
	}
	if len(details) != 6 {
		t.Fatalf("%d erasure events, want 6", len(details))
	}
	for _, d := range details {
		if !strings.Contains(d, `"reason":"retention"`) || strings.Contains(d, "full_name") {
			t.Fatalf("erasure event %s", d)
		}
	}
	// A token for an erased session: 404 on import.
	_, err = w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m2.Token, WorkflowID: "wf_Y"})
	if !domain.IsCode(err, domain.CodeNotFound) || err.Error() != "The original session no longer exists." {
		t.Fatalf("import of an erased session: %v", err)
	}
	if n, _ := store.CountToReseal(ctx, w.db, w.x, 99); n != 0 {
		t.Fatalf("%d erased sessions would still be re-sealed", n)
	}
}

func TestDeleteErasesForGood(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	s := w.generate(t, w.svc, w.x, 1)[0]
	m, err := w.svc.Share(ctx, Analyst(w.x, "minter"), s.ID, w.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.DeleteSession(ctx, Analyst(w.x, "ops"), s.ID); err != nil {
		t.Fatal(err)
	}
	if r := w.raw(t, s.ID); r.ErasedAt == nil || r.Sealed != nil || r.Bio != nil || r.Number != s.Number {
		t.Fatalf("after DELETE: %+v", r)
	}
	_, err = w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if !domain.IsCode(err, domain.CodeNotFound) || err.Error() != "The original session no longer exists." {
		t.Fatalf("import after DELETE: %v", err)
	}
}

func ptr(n int) *int { return &n }
