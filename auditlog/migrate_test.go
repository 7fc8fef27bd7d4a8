package auditlog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

// A database made by the schema before the trees (migrations up to 00004:
// counters, hash-chained events) migrates: the chained events go into the
// trees once, in order, verify passes, and both session numbers and the
// trail go on from where they were.
func TestMigrateChainedEventsIntoTrees(t *testing.T) {
	ctx := context.Background()
	db, err := store.Connect(ctx, pgtest.EmptyDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.MigrateTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	apps := []uuid.UUID{uuid.New(), uuid.New()}
	for i, app := range apps {
		db.MustExecContext(ctx, `INSERT INTO applications (application_id, name) VALUES ($1, $2)`, app, fmt.Sprintf("Old %d", i))
		db.MustExecContext(ctx, `INSERT INTO workflows (application_id, workflow_id, kind) VALUES ($1, 'wf_kyc', 'user')`, app)
		// Sessions 1..3 and a chain of 7 (then 4) events, as the old code wrote them.
		for n := 1; n <= 3; n++ {
			db.MustExecContext(ctx, `INSERT INTO sessions (application_id, session_id, session_number, session_kind, status, workflow_id, checks)
				VALUES ($1, $2, $3, 'user', 'Approved', 'wf_kyc', '{}')`, app, uuid.New(), n)
		}
		prev := []byte{}
		events := 7 - 3*i
		for seq := 1; seq <= events; seq++ {
			e := domain.AuditEvent{ApplicationID: app, Seq: int64(seq), At: time.Now().UTC().Truncate(time.Microsecond),
				Actor: "analyst:old", Action: domain.ActionStatusChanged, Details: json.RawMessage(fmt.Sprintf(`{"n":%d}`, seq)), PrevHash: prev}
			e.Hash = e.ComputeHash()
			db.MustExecContext(ctx, `INSERT INTO audit_events (application_id, seq, at, actor, action, details, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, app, e.Seq, e.At, e.Actor, e.Action, string(e.Details), e.PrevHash, e.Hash)
			prev = e.Hash
		}
		db.MustExecContext(ctx, `INSERT INTO app_counters (application_id, last_session_number, audit_seq, audit_head) VALUES ($1, 3, $2, $3)`,
			app, events, prev)
	}

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	l := newLog(db)
	if rep := mustVerify(t, l, apps[0]); rep.Checked != 0 || rep.Pending != 7 {
		t.Fatalf("before the first sequencer run, nothing is in the tree yet: %+v", rep)
	}
	sealAll(t, l)
	for i, app := range apps {
		rep := mustVerify(t, l, app)
		if rep.Break != nil || rep.Checked != int64(7-3*i) {
			t.Fatalf("migrated app %d: %+v %+v", i, rep, rep.Break)
		}
	}
	// The trail and the numbers go on.
	appendEvent(t, db, apps[0], "analyst:new")
	sealAll(t, l)
	if rep := mustVerify(t, l, apps[0]); rep.Break != nil || rep.Checked != 8 || rep.Latest.Size != 8 {
		t.Fatalf("after a new event: %+v %+v", rep, rep.Break)
	}
	s := store.NewSession{Session: domain.Session{ApplicationID: apps[1], ID: uuid.New(), Kind: domain.KindUser,
		Status: "Approved", WorkflowID: "wf_kyc", Checks: domain.Checks{}, CreatedAt: time.Now()}}
	if err := store.InsertSession(ctx, db, &s); err != nil || s.Number != 4 {
		t.Fatalf("next session number %d, %v; want 4", s.Number, err)
	}
	// An altered chained event is still named after the migration.
	asOwner(t, db, "audit_events", `UPDATE audit_events SET actor = 'mallory' WHERE application_id = $1 AND seq = 2`, apps[1])
	if rep := mustVerify(t, l, apps[1]); rep.Break == nil || rep.Break.Seq != 2 {
		t.Fatalf("altered migrated event: %+v", rep.Break)
	}
}

// A chain broken before the migration is not integrated: the sequencer
// reports it and verify shows the events as not in the tree.
func TestMigrateRefusesBrokenChain(t *testing.T) {
	ctx := context.Background()
	db, err := store.Connect(ctx, pgtest.EmptyDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.MigrateTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	app := uuid.New()
	db.MustExecContext(ctx, `INSERT INTO applications (application_id, name) VALUES ($1, 'Broken')`, app)
	prev := []byte{}
	for seq := 1; seq <= 3; seq++ {
		e := domain.AuditEvent{ApplicationID: app, Seq: int64(seq), At: time.Now().UTC().Truncate(time.Microsecond),
			Actor: "a", Action: domain.ActionStatusChanged, Details: json.RawMessage(`{}`), PrevHash: prev}
		e.Hash = e.ComputeHash()
		if seq == 2 {
			e.Actor = "mallory" // altered after it was chained
		}
		db.MustExecContext(ctx, `INSERT INTO audit_events (application_id, seq, at, actor, action, details, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, app, e.Seq, e.At, e.Actor, e.Action, string(e.Details), e.PrevHash, e.Hash)
		prev = e.Hash
	}
	db.MustExecContext(ctx, `INSERT INTO app_counters (application_id, audit_seq, audit_head) VALUES ($1, 3, $2)`, app, prev)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := newLog(db).SealPending(ctx); err == nil {
		t.Fatal("a broken chain was integrated without complaint")
	}
	rep := mustVerify(t, newLog(db), app)
	if rep.Stale != 3 {
		t.Fatalf("verify does not report the chained events that never made it into the tree: %+v", rep)
	}
}
