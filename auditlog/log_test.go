package auditlog_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"golang.org/x/mod/sumdb/note"

	"handoff/auditlog"
	"handoff/auditverify"
	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

func newApp(t *testing.T, db *store.DB, name string) uuid.UUID {
	t.Helper()
	id := uuid.New()
	if err := store.CreateApplication(context.Background(), db, domain.Application{ID: id, Name: name, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return id
}

func newLog(db *store.DB) *auditlog.Log { return auditlog.New(db, time.Now, slog.Default()) }

func appendEvent(t *testing.T, db *store.DB, app uuid.UUID, actor string) domain.AuditEvent {
	t.Helper()
	e := domain.AuditEvent{ApplicationID: app, At: time.Now(), Actor: actor, Action: domain.ActionStatusChanged,
		Details: json.RawMessage(fmt.Sprintf(`{"by": %q}`, actor))}
	e.Prepare()
	if err := db.InTx(context.Background(), func(tx *store.Tx) error { return store.InsertAudit(context.Background(), tx, e) }); err != nil {
		t.Error(err)
	}
	return e
}

func sealAll(t *testing.T, l *auditlog.Log) {
	t.Helper()
	for {
		n, err := l.SealPending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func mustVerify(t *testing.T, l *auditlog.Log, app uuid.UUID) auditlog.Report {
	t.Helper()
	rep, err := l.Verify(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// asOwner runs stmt with the append-only triggers dropped, as the owner
// of the tables could, and puts them back.
func asOwner(t *testing.T, db *store.DB, table, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	db.MustExecContext(ctx, `ALTER TABLE `+table+` DISABLE TRIGGER USER`)
	defer db.MustExecContext(ctx, `ALTER TABLE `+table+` ENABLE TRIGGER USER`)
	db.MustExecContext(ctx, stmt, args...)
}

func TestSealVerifyAndTamper(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	ctx := context.Background()
	app, other := newApp(t, db, "Audit"), newApp(t, db, "Other")
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 6; i++ {
				target := app
				if i%3 == 0 {
					target = other
				}
				appendEvent(t, db, target, fmt.Sprintf("worker-%d", w))
			}
		}(w)
		if w == 3 {
			wg.Wait()
			sealAll(t, l) // two checkpoints at least
		}
	}
	wg.Wait()
	if rep := mustVerify(t, l, app); rep.Pending != 16 || rep.Checked != 16 {
		t.Fatalf("before sealing the rest: %+v", rep)
	}
	sealAll(t, l)
	rep := mustVerify(t, l, app)
	if rep.Break != nil || rep.Checked != 32 || rep.Pending != 0 || rep.Checkpoints < 2 || rep.Latest == nil || rep.Latest.Size != 32 {
		t.Fatalf("sealed log: %+v (break %+v)", rep, rep.Break)
	}

	// The database refuses changes to sealed events, nodes, checkpoints.
	for _, stmt := range []string{`UPDATE audit_events SET actor = 'mallory' WHERE application_id = $1 AND seq = 3`,
		`DELETE FROM audit_events WHERE application_id = $1 AND seq = 3`,
		`UPDATE audit_tree_nodes SET hash = '\x00' WHERE application_id = $1 AND level = 0 AND idx = 2`,
		`DELETE FROM audit_checkpoints WHERE application_id = $1`} {
		if _, err := db.ExecContext(ctx, stmt, app); err == nil {
			t.Fatalf("allowed: %s", stmt)
		}
	}

	// The owner drops the trigger and alters event 7: verify names it.
	asOwner(t, db, "audit_events", `UPDATE audit_events SET details = '{"by": "mallory"}' WHERE application_id = $1 AND seq = 7`, app)
	rep = mustVerify(t, l, app)
	if rep.Break == nil || rep.Break.Seq != 7 {
		t.Fatalf("altered event 7: break %+v", rep.Break)
	}
	// The other application's log is untouched.
	if rep := mustVerify(t, l, other); rep.Break != nil || rep.Checked != 16 {
		t.Fatalf("other log: %+v %+v", rep, rep.Break)
	}
}

func TestTamperWithLeafToo(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	app := newApp(t, db, "Leaf")
	for i := 0; i < 5; i++ {
		appendEvent(t, db, app, "a")
		sealAll(t, l) // one checkpoint per event
	}
	// Altering an event and rewriting its stored leaf to match is caught
	// by the signed checkpoints.
	asOwner(t, db, "audit_events", `UPDATE audit_events SET actor = 'mallory' WHERE application_id = $1 AND seq = 4`, app)
	events, err := store.SealedEvents(context.Background(), db, app, 3, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	asOwner(t, db, "audit_tree_nodes", `UPDATE audit_tree_nodes SET hash = $2 WHERE application_id = $1 AND level = 0 AND idx = 3`,
		app, events[0].LeafHash())
	rep := mustVerify(t, l, app)
	if rep.Break == nil || rep.Break.Seq != 4 || rep.Break.Checkpoint != 4 {
		t.Fatalf("altered event and leaf: break %+v", rep.Break)
	}
}

func TestMissingEvents(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	app := newApp(t, db, "Gaps")
	for i := 0; i < 6; i++ {
		appendEvent(t, db, app, "a")
	}
	sealAll(t, l)
	asOwner(t, db, "audit_events", `DELETE FROM audit_events WHERE application_id = $1 AND seq = 6`, app)
	if rep := mustVerify(t, l, app); rep.Break == nil || rep.Break.Seq != 6 {
		t.Fatalf("cut-off tail: break %+v", rep.Break)
	}
	asOwner(t, db, "audit_events", `DELETE FROM audit_events WHERE application_id = $1 AND seq = 2`, app)
	if rep := mustVerify(t, l, app); rep.Break == nil || rep.Break.Seq != 2 {
		t.Fatalf("removed event 2: break %+v", rep.Break)
	}
}

func TestForgedCheckpointRefused(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	ctx := context.Background()
	app := newApp(t, db, "Forged")
	for i := 0; i < 3; i++ {
		appendEvent(t, db, app, "a")
	}
	sealAll(t, l)
	cp, err := l.Checkpoint(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := l.VerifierKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A key of the same name that is not the deployment's.
	skey, _, err := note.GenerateKey(rand.Reader, auditlog.KeyName)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	body := auditverify.Body(auditlog.Origin(app), uint64(cp.Size), cp.Root)
	forged, err := note.Sign(&note.Note{Text: body}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auditverify.Open(forged, vkey); err == nil {
		t.Fatal("the stand-alone verifier accepted a checkpoint signed by another key")
	}
	if _, err := auditverify.Open([]byte(cp.Note), vkey); err != nil {
		t.Fatalf("the real checkpoint: %v", err)
	}
	asOwner(t, db, "audit_checkpoints", `UPDATE audit_checkpoints SET note = $2 WHERE application_id = $1 AND tree_size = $3`,
		app, string(forged), cp.Size)
	rep := mustVerify(t, l, app)
	if rep.Break == nil || rep.Break.Checkpoint != cp.Size || !strings.Contains(rep.Break.Reason, "not signed") {
		t.Fatalf("forged checkpoint: break %+v", rep.Break)
	}
}

func TestInclusionAndConsistencyProofs(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	ctx := context.Background()
	app, other := newApp(t, db, "Prover"), newApp(t, db, "Stranger")
	var events []domain.AuditEvent
	for i := 0; i < 13; i++ {
		events = append(events, appendEvent(t, db, app, fmt.Sprintf("a%d", i)))
		if i == 4 {
			sealAll(t, l)
		}
	}
	theirs := appendEvent(t, db, other, "b")
	sealAll(t, l)
	vkey, _ := l.VerifierKey(ctx)

	for _, e := range []domain.AuditEvent{events[0], events[4], events[7], events[12]} {
		p, err := l.InclusionProof(ctx, app, e.LeafHash(), 0)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(p)
		cp, err := auditverify.VerifyProof(raw, vkey)
		if err != nil || cp.Size != 13 {
			t.Fatalf("proof of %s: %v (size %d)", e.Actor, err, cp.Size)
		}
		// A changed leaf does not verify.
		p.LeafHash = hex.EncodeToString(events[1].LeafHash())
		raw, _ = json.Marshal(p)
		if _, err := auditverify.VerifyProof(raw, vkey); err == nil && e.Actor != "a1" {
			t.Fatalf("proof of %s accepted another leaf", e.Actor)
		}
	}
	// The older checkpoint: an event sealed later is not in it.
	if _, err := l.InclusionProof(ctx, app, events[3].LeafHash(), 5); err != nil {
		t.Fatalf("proof in the tree of 5: %v", err)
	}
	if _, err := l.InclusionProof(ctx, app, events[9].LeafHash(), 5); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("event 10 in the tree of 5: %v", err)
	}
	// Another application's event is not found in this one.
	if _, err := l.InclusionProof(ctx, app, theirs.LeafHash(), 0); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's leaf: %v", err)
	}

	// Consistency between the two checkpoints.
	old, err := store.GetCheckpoint(ctx, db, app, 5)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := l.Checkpoint(ctx, app)
	oldCP, err := auditverify.Open([]byte(old.Note), vkey)
	if err != nil {
		t.Fatal(err)
	}
	curCP, err := auditverify.Open([]byte(cur.Note), vkey)
	if err != nil {
		t.Fatal(err)
	}
	hashes, err := l.ConsistencyProof(ctx, app, 5, 13)
	if err != nil {
		t.Fatal(err)
	}
	if err := auditverify.VerifyConsistency(oldCP, curCP, hashes); err != nil {
		t.Fatalf("consistency 5 -> 13: %v", err)
	}
	oldCP.Root = curCP.Root
	if err := auditverify.VerifyConsistency(oldCP, curCP, hashes); err == nil {
		t.Fatal("consistency accepted a wrong old root")
	}
}

// Two sequencers, each on its own connection pool as two serve processes
// would be, seal while writers append: no number is given twice, none is
// skipped, and the log verifies.
func TestTwoSequencersRacing(t *testing.T) {
	db := pgtest.DB(t)
	db2, err := store.Connect(context.Background(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	apps := []uuid.UUID{newApp(t, db, "Race A"), newApp(t, db, "Race B")}
	ctx, cancel := context.WithCancel(context.Background())
	var seqs sync.WaitGroup
	for _, l := range []*auditlog.Log{newLog(db), newLog(db2)} {
		seqs.Add(1)
		go func() { defer seqs.Done(); l.Run(ctx, time.Millisecond) }()
	}
	var writers sync.WaitGroup
	const perWriter = 25
	for w := 0; w < 8; w++ {
		writers.Add(1)
		go func(w int) {
			defer writers.Done()
			for i := 0; i < perWriter; i++ {
				appendEvent(t, db, apps[(w+i)%2], fmt.Sprintf("w%d", w))
			}
		}(w)
	}
	writers.Wait()
	l := newLog(db)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pending int
		db.GetContext(context.Background(), &pending, `SELECT count(*) FROM audit_pending`)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still pending", pending)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	seqs.Wait()
	for _, app := range apps {
		var seqs []int64
		if err := db.SelectContext(context.Background(), &seqs, `SELECT seq FROM audit_events WHERE application_id = $1 ORDER BY seq`, app); err != nil {
			t.Fatal(err)
		}
		if len(seqs) != 8*perWriter/2 {
			t.Fatalf("%d events sealed, want %d", len(seqs), 8*perWriter/2)
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("sequence numbers skip or repeat at %d: %v", i, seqs)
			}
		}
		if rep := mustVerify(t, l, app); rep.Break != nil || rep.Checked != int64(len(seqs)) {
			t.Fatalf("raced log: %+v %+v", rep, rep.Break)
		}
	}
	var keys int
	db.GetContext(context.Background(), &keys, `SELECT count(*) FROM audit_note_keys`)
	if keys != 1 {
		t.Fatalf("%d checkpoint keys, want one per deployment", keys)
	}
}

// A sealed event keeps when its use case committed (the embedded cluster
// records commit times), between its pending insert and its sealing: the
// sealing lag is measured from it.
func TestSealedEventsKeepTheirCommitTime(t *testing.T) {
	db := pgtest.DB(t)
	l := newLog(db)
	app := newApp(t, db, "Commit Times")
	for i := 0; i < 3; i++ {
		appendEvent(t, db, app, fmt.Sprintf("actor-%d", i))
	}
	sealAll(t, l)
	var rows []struct {
		Queued    time.Time  `db:"queued_at"`
		Committed *time.Time `db:"committed_at"`
		Sealed    time.Time  `db:"sealed_at"`
	}
	if err := db.SelectContext(context.Background(), &rows, `SELECT queued_at, committed_at, sealed_at FROM audit_events
		WHERE application_id = $1`, app); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d sealed events, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Committed == nil {
			t.Fatal("a sealed event has no commit time")
		}
		if r.Committed.Before(r.Queued) || r.Sealed.Before(*r.Committed) {
			t.Errorf("queued %s, committed %s, sealed %s: not in that order", r.Queued, r.Committed, r.Sealed)
		}
	}
}

// Run seals what its own process commits as soon as it commits (with an
// hour between its looks, only the wake-up can start the work), and what
// another process commits at its next look.
func TestRunSealsOnWakeAndOnLook(t *testing.T) {
	db := pgtest.DB(t)
	other, err := store.Connect(context.Background(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	app := newApp(t, db, "Woken")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sealed := func() int {
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM audit_events WHERE application_id = $1`, app); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitSealed := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); sealed() < want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) { // a bound for "never", not a timing assertion
				t.Fatalf("%d events sealed after a minute, want %d", sealed(), want)
			}
		}
	}
	var runs sync.WaitGroup
	runs.Add(1)
	woken := newLog(db)
	go func() { defer runs.Done(); woken.Run(ctx, time.Hour) }()
	time.Sleep(50 * time.Millisecond) // past its first look, which would find anything
	for i := 0; i < 3; i++ {
		appendEvent(t, db, app, fmt.Sprintf("woken-%d", i))
		waitSealed(i + 1)
	}
	cancel()
	runs.Wait()

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	runs.Add(1)
	go func() { defer runs.Done(); newLog(db).Run(ctx, 10*time.Millisecond) }()
	appendEvent(t, other, app, "another process")
	waitSealed(4)
	cancel()
	runs.Wait()
	if rep := mustVerify(t, newLog(db), app); rep.Checked != 4 || rep.Break != nil {
		t.Fatalf("verify: %+v", rep)
	}
}

// More busy applications than the sequencer seals at once all get sealed
// while their events keep coming: they take turns.
func TestBusyApplicationsTakeTurns(t *testing.T) {
	db := pgtest.DB(t)
	const apps = 20 // more than a sequencer seals at once
	ids := make([]uuid.UUID, apps)
	for i := range ids {
		ids[i] = newApp(t, db, fmt.Sprintf("Turns %d", i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs, writers sync.WaitGroup
	runs.Add(1)
	go func() { defer runs.Done(); newLog(db).Run(ctx, time.Hour) }() // only its own commits wake it
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop); writers.Wait() }) // also when the test fails
	for i := range ids {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := 0; n < 500; n++ { // bounded, on a shared cluster
				select {
				case <-stop:
					return
				default:
					appendEvent(t, db, ids[i], "writer")
				}
			}
		}()
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var sealed int
		if err := db.GetContext(ctx, &sealed, `SELECT count(DISTINCT application_id) FROM audit_events
			WHERE application_id = ANY ($1::uuid[])`, pq.Array(ids)); err != nil {
			t.Fatal(err)
		}
		if sealed == apps {
			break
		}
		if time.Now().After(deadline) { // a bound for "never", not a timing assertion
			t.Fatalf("after a minute of load only %d of %d applications have sealed events", sealed, apps)
		}
	}
	cancel()
	runs.Wait()
}
