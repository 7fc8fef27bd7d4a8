package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

// A mint's one write applies only while what it read holds: the session
// live at the version read, the partner live. Otherwise neither the token
// nor its audit event is written.
func TestMintWritesOnlyWhatItRead(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	x, y := newApp(t, db, "Issuer"), newApp(t, db, "Partner")
	s := store.NewSession{Session: domain.Session{ApplicationID: x, ID: uuid.New(), Kind: domain.KindUser,
		Status: "Approved", WorkflowID: "wf_kyc", Checks: userChecks(), CreatedAt: time.Now()}}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return store.InsertSession(ctx, tx, &s) }); err != nil {
		t.Fatal(err)
	}
	mint := func(version int64) bool {
		t.Helper()
		now := time.Now().UTC().Truncate(time.Second)
		ev := domain.AuditEvent{ApplicationID: x, At: now, Actor: "test", Action: domain.ActionTokenMinted, SessionID: &s.ID,
			Details: []byte(`{}`)}
		ev.Prepare()
		ok, err := store.MintShareToken(ctx, db, store.ShareToken{ApplicationID: x, ID: uuid.New(), SessionID: s.ID,
			SessionKind: "user", ForApplicationID: y, MintedBy: "test", KeyID: "k", CreatedAt: now,
			ExpiresAt: now.Add(time.Hour), MintLeaf: ev.LeafHash()}, version, ev)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	written := func() (tokens, events int) {
		t.Helper()
		if err := db.GetContext(ctx, &tokens, `SELECT count(*) FROM share_tokens WHERE application_id = $1`, x); err != nil {
			t.Fatal(err)
		}
		if err := db.GetContext(ctx, &events, `SELECT count(*) FROM audit_pending WHERE application_id = $1 AND action = $2`,
			x, domain.ActionTokenMinted); err != nil {
			t.Fatal(err)
		}
		return tokens, events
	}

	read, live, err := store.MintSource(ctx, db, x, s.ID, y, false)
	if err != nil || !live || read.ID != s.ID {
		t.Fatalf("mint source: %+v, partner live %v, %v", read, live, err)
	}
	if !mint(read.Version) {
		t.Fatal("a mint of an unchanged session wrote nothing")
	}
	if tok, ev := written(); tok != 1 || ev != 1 {
		t.Fatalf("after one mint: %d tokens, %d mint events", tok, ev)
	}

	// The session changes between the read and the write.
	if err := store.SetSessionStatus(ctx, db, x, s.ID, domain.StatusOf(domain.KindUser, domain.PhaseDeclined), time.Now()); err != nil {
		t.Fatal(err)
	}
	if mint(read.Version) {
		t.Fatal("a mint wrote although its session changed since it was read")
	}
	// The partner goes between the read and the write.
	read, _, _ = store.MintSource(ctx, db, x, s.ID, y, false)
	if err := store.DeleteApplication(ctx, db, y, time.Now()); err != nil {
		t.Fatal(err)
	}
	if mint(read.Version) {
		t.Fatal("a mint wrote although its partner was deleted since it was read")
	}
	if _, live, _ := store.MintSource(ctx, db, x, s.ID, y, false); live {
		t.Fatal("a deleted partner reads as live")
	}
	if tok, ev := written(); tok != 1 || ev != 1 {
		t.Fatalf("refused mints wrote: %d tokens, %d mint events, want 1 and 1", tok, ev)
	}
	if _, _, err := store.MintSource(ctx, db, x, uuid.New(), y, false); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("an unknown session: %v, want not found", err)
	}
}
