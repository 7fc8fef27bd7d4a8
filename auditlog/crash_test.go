package auditlog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/auditlog"
	"handoff/store"
	"handoff/store/pgtest"
)

// A sequencer whose process dies mid-batch — its connections cut at random
// moments, as a kill -9 of the server cuts them — loses nothing: its
// transaction rolls back whole, the batch stays pending, and the next
// sequencer seals every event exactly once, in a tree that verifies.
func TestSequencerKilledMidBatchLosesNothing(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	doomed, err := store.Connect(ctx, db.DSN()+" application_name=doomed_sequencer")
	if err != nil {
		t.Fatal(err)
	}
	defer doomed.Close()
	apps := []uuid.UUID{newApp(t, db, "Crash A"), newApp(t, db, "Crash B")}

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		auditlog.New(doomed, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil))).Run(runCtx, time.Millisecond)
	}()

	var mu sync.Mutex
	appended := map[uuid.UUID]bool{}
	var writers sync.WaitGroup
	for w := 0; w < 6; w++ {
		writers.Add(1)
		go func(w int) {
			defer writers.Done()
			for i := 0; i < 40; i++ {
				e := appendEvent(t, db, apps[(w+i)%2], fmt.Sprintf("w%d", w))
				mu.Lock()
				appended[e.ID] = true
				mu.Unlock()
			}
		}(w)
	}
	wrote := make(chan struct{})
	go func() { writers.Wait(); close(wrote) }()
	// Cut the sequencer's connections again and again while it works.
	kills := 0
	for {
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = 'doomed_sequencer' AND state <> 'idle'`); err != nil {
			t.Fatal(err)
		}
		kills += n
		select {
		case <-wrote:
		case <-time.After(3 * time.Millisecond):
			continue
		}
		break
	}
	stop() // the process is gone
	<-done
	t.Logf("cut the sequencer's connection mid-work %d times", kills)

	// The next process's sequencer finishes the job.
	l := newLog(db)
	sealAll(t, l)
	var pending int
	db.GetContext(ctx, &pending, `SELECT count(*) FROM audit_pending`)
	if pending != 0 {
		t.Fatalf("%d events left pending", pending)
	}
	var rows []struct {
		ID uuid.UUID `db:"event_id"`
		N  int       `db:"n"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT event_id, count(*) AS n FROM audit_events GROUP BY event_id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(appended) {
		t.Fatalf("%d events sealed, %d appended", len(rows), len(appended))
	}
	for _, r := range rows {
		if r.N != 1 || !appended[r.ID] {
			t.Fatalf("event %s sealed %d times (appended: %v)", r.ID, r.N, appended[r.ID])
		}
	}
	for _, app := range apps {
		rep := mustVerify(t, l, app)
		if rep.Break != nil || rep.Checked != 120 {
			t.Fatalf("log after the crashes: %+v %+v", rep, rep.Break)
		}
	}
}
