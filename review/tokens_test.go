package review_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
	"handoff/vault"
)

// tokenWorld: X mints, Y and Z import, on real PostgreSQL, with a clock
// the test moves.
type tokenWorld struct {
	t       *testing.T
	svc     *review.Service
	db      *store.DB
	x, y, z uuid.UUID
	skew    atomic.Int64 // seconds added to the service's clock
}

func newTokenWorld(t *testing.T) *tokenWorld {
	t.Helper()
	w := &tokenWorld{t: t, db: pgtest.DB(t)}
	w.svc = review.New(w.db, review.WithClock(func() time.Time {
		return time.Now().Add(time.Duration(w.skew.Load()) * time.Second)
	}))
	t.Cleanup(w.svc.Close)
	mk := func(name string) uuid.UUID {
		a, err := w.svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}, {ID: "wf_kyb", Kind: domain.KindBusiness}}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Application.ID
	}
	w.x, w.y, w.z = mk("X"), mk("Y"), mk("Z")
	return w
}

func (w *tokenWorld) session(kind domain.Kind) domain.Session {
	w.t.Helper()
	var out domain.Session
	if err := demo.Generate(context.Background(), w.svc, demo.Options{App: w.x, Count: 1, Kind: kind,
		Phase: domain.PhaseApproved, Seed: uint64(time.Now().UnixNano()), Actor: "test"},
		func(s domain.Session) { out = s }); err != nil {
		w.t.Fatal(err)
	}
	return out
}

func (w *tokenWorld) mint(sess uuid.UUID, forApp uuid.UUID, ttl int) review.Minted {
	w.t.Helper()
	m, err := w.svc.Share(context.Background(), review.Analyst(w.x, "minter"), sess, forApp, ttl)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *tokenWorld) importAs(app uuid.UUID, tok, wf string) (domain.Session, error) {
	return w.svc.Import(context.Background(), review.Analyst(app, "importer"),
		review.ImportRequest{ShareToken: tok, WorkflowID: wf})
}

// forge signs claims with the service's real signing key, as whoever
// read it from the database could.
func (w *tokenWorld) forge(claims jwt.MapClaims) string {
	w.t.Helper()
	keys, err := store.SigningKeys(context.Background(), w.db)
	if err != nil || len(keys) == 0 {
		w.t.Fatalf("signing keys: %v %d", err, len(keys))
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = keys[0].ID
	s, err := tok.SignedString(signingSecret(w.t, keys[0]))
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// claimsOf reads a genuine token's claims back for reshaping.
func claimsOf(t *testing.T, tok string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func wantUnauthorized(t *testing.T, err error, what, says string) {
	t.Helper()
	if !domain.IsCode(err, domain.CodeUnauthorized) || !strings.Contains(err.Error(), says) {
		t.Fatalf("%s: %v; want unauthorized saying %q", what, err, says)
	}
}

// Whoever holds the signing key still cannot redirect, prolong, invent or
// repoint a token: import trusts the record it wrote at minting.
func TestImportChecksTheStoredRecord(t *testing.T) {
	w := newTokenWorld(t)
	src := w.session(domain.KindUser)
	used := w.mint(src.ID, w.y, 120)
	if _, err := w.importAs(w.y, used.Token, "wf_kyc"); err != nil {
		t.Fatal(err)
	}
	genuine := claimsOf(t, used.Token)
	reshape := func(mutate func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range genuine {
			c[k] = v
		}
		mutate(c)
		return w.forge(c)
	}

	// The redeemed token id re-signed for another partner.
	redirected := reshape(func(c jwt.MapClaims) { c["for_application_id"] = w.z.String() })
	_, err := w.importAs(w.z, redirected, "wf_kyc")
	wantUnauthorized(t, err, "redeemed token re-signed for Z", "does not match")

	// A fresh token re-signed with a ten-year lifetime: good until the
	// stored expiry, refused after it.
	fresh := w.mint(src.ID, w.y, 120)
	long := reshape(func(c jwt.MapClaims) {
		c["jti"] = fresh.TokenID.String()
		c["exp"] = time.Now().Add(10 * 365 * 24 * time.Hour).Unix()
	})
	w.skew.Store(121)
	_, err = w.importAs(w.y, long, "wf_kyc")
	wantUnauthorized(t, err, "ten-year token past its stored expiry", "expired")
	w.skew.Store(0)

	// A token id handoff never minted.
	_, err = w.importAs(w.y, reshape(func(c jwt.MapClaims) { c["jti"] = uuid.NewString() }), "wf_kyc")
	wantUnauthorized(t, err, "invented token id", "not issued")

	// A real token id pointed at another of X's sessions.
	other := w.session(domain.KindUser)
	repointed := reshape(func(c jwt.MapClaims) {
		c["jti"] = fresh.TokenID.String()
		c["session_id"] = other.ID.String()
	})
	_, err = w.importAs(w.y, repointed, "wf_kyc")
	wantUnauthorized(t, err, "token repointed at another session", "does not match")

	// iat more than a minute ahead.
	_, err = w.importAs(w.y, reshape(func(c jwt.MapClaims) {
		c["jti"] = fresh.TokenID.String()
		c["iat"] = time.Now().Add(2 * time.Minute).Unix()
	}), "wf_kyc")
	wantUnauthorized(t, err, "iat two minutes ahead", "future")

	// None of that left anything behind: the fresh token still imports once.
	if _, err := w.importAs(w.y, fresh.Token, "wf_kyc"); err != nil {
		t.Fatalf("the genuine fresh token: %v", err)
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM sessions WHERE application_id IN ($1, $2)`, w.y, w.z); err != nil || n != 2 {
		t.Fatalf("%d imported sessions (%v), want the 2 genuine imports", n, err)
	}
}

// A token without session_kind takes its kind from the stored record, so
// an old-style token for a business session imports into a KYB workflow.
func TestTokenWithoutKindTakesTheRecordsKind(t *testing.T) {
	w := newTokenWorld(t)
	src := w.session(domain.KindBusiness)
	m := w.mint(src.ID, w.y, 600)
	c := claimsOf(t, m.Token)
	delete(c, "session_kind")
	got, err := w.importAs(w.y, w.forge(c), "wf_kyb")
	if err != nil || got.Kind != domain.KindBusiness || got.Status != "IN_REVIEW" {
		t.Fatalf("imported %q %q (%v); want a business session IN_REVIEW", got.Kind, got.Status, err)
	}
}

func TestRevokeToken(t *testing.T) {
	w := newTokenWorld(t)
	ctx := context.Background()
	src := w.session(domain.KindUser)
	m := w.mint(src.ID, w.y, 600)
	issuer := review.Analyst(w.x, "rev")

	if _, err := w.svc.RevokeToken(ctx, review.Analyst(w.y, "mallory"), src.ID, m.TokenID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("the partner revoking the issuer's token: %v, want not found", err)
	}
	if _, err := w.svc.RevokeToken(ctx, issuer, w.session(domain.KindUser).ID, m.TokenID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("revoking through another session: %v, want not found", err)
	}
	reader := domain.Caller{ApplicationID: w.x, Privileges: []domain.Privilege{domain.PrivReadSessions}}
	if _, err := w.svc.RevokeToken(ctx, reader, src.ID, m.TokenID); !domain.IsCode(err, domain.CodeForbidden) {
		t.Fatalf("a read-only caller revoking: %v, want forbidden", err)
	}

	info, err := w.svc.RevokeToken(ctx, issuer, src.ID, m.TokenID)
	if err != nil || info.State != review.TokenRevoked || info.RevokedAt == nil || info.RevokedBy != "analyst:rev" {
		t.Fatalf("revoke: %+v %v", info, err)
	}
	if _, err := w.svc.RevokeToken(ctx, issuer, src.ID, m.TokenID); err != nil {
		t.Fatalf("revoking again is a no-op: %v", err)
	}
	_, err = w.importAs(w.y, m.Token, "wf_kyc")
	if !domain.IsCode(err, domain.CodeUnauthorized) || err.Error() != "This share token was revoked." {
		t.Fatalf("importing a revoked token: %v", err)
	}
	if _, err := w.svc.PeekToken(ctx, review.Analyst(w.y, "importer"), m.Token); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("peeking a revoked token: %v", err)
	}

	events, err := w.svc.Audit(ctx, issuer, review.AuditQuery{SessionID: &src.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	revocations := 0
	for _, e := range events {
		if e.Action == domain.ActionTokenRevoked {
			revocations++
			if e.Actor != "analyst:rev" || !strings.Contains(string(e.Details), m.TokenID.String()) {
				t.Fatalf("revocation event %s %s", e.Actor, e.Details)
			}
		}
	}
	if revocations != 1 {
		t.Fatalf("%d revocation events, want 1 (the second revoke changed nothing)", revocations)
	}

	// An imported token can no longer be revoked.
	used := w.mint(src.ID, w.y, 600)
	if _, err := w.importAs(w.y, used.Token, "wf_kyc"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.RevokeToken(ctx, issuer, src.ID, used.TokenID); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("revoking an imported token: %v, want conflict", err)
	}

	// The session's tokens, each in its state.
	expiring := w.mint(src.ID, w.z, 60)
	active := w.mint(src.ID, w.z, 600)
	w.skew.Store(61)
	list, err := w.svc.SessionTokens(ctx, issuer, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uuid.UUID]review.TokenState{m.TokenID: review.TokenRevoked, used.TokenID: review.TokenImported,
		expiring.TokenID: review.TokenExpired, active.TokenID: review.TokenActive}
	if len(list) != len(want) {
		t.Fatalf("%d tokens listed, want %d", len(list), len(want))
	}
	for _, tok := range list {
		if want[tok.TokenID] != tok.State {
			t.Errorf("token %s: %s, want %s", tok.TokenID, tok.State, want[tok.TokenID])
		}
	}
	if _, err := w.svc.SessionTokens(ctx, review.Analyst(w.y, "mallory"), src.ID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("listing another application's session: %v, want not found", err)
	}
}

// A revocation and an import racing for one token end one way: either the
// import wins and the revocation is refused, or the revocation wins and
// the import is refused; never both, never neither.
func TestRevokeRacesImport(t *testing.T) {
	w := newTokenWorld(t)
	ctx := context.Background()
	src := w.session(domain.KindUser)
	issuer := review.Analyst(w.x, "rev")
	outcomes := map[string]int{}
	for i := 0; i < 30; i++ {
		m := w.mint(src.ID, w.y, 600)
		var importErr, revokeErr error
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() { defer wg.Done(); <-start; _, importErr = w.importAs(w.y, m.Token, "wf_kyc") }()
		go func() { defer wg.Done(); <-start; _, revokeErr = w.svc.RevokeToken(ctx, issuer, src.ID, m.TokenID) }()
		close(start)
		wg.Wait()
		list, err := w.svc.SessionTokens(ctx, issuer, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		var state review.TokenState
		for _, tok := range list {
			if tok.TokenID == m.TokenID {
				state = tok.State
			}
		}
		switch {
		case importErr == nil && domain.IsCode(revokeErr, domain.CodeConflict) && state == review.TokenImported:
			outcomes["imported"]++
		case revokeErr == nil && importErr != nil && importErr.Error() == "This share token was revoked." && state == review.TokenRevoked:
			outcomes["revoked"]++
		default:
			t.Fatalf("round %d: import %v, revoke %v, state %s", i, importErr, revokeErr, state)
		}
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM sessions WHERE application_id = $1`, w.y); err != nil || n != outcomes["imported"] {
		t.Fatalf("%d sessions in Y (%v), want one per import that won (%v)", n, err, outcomes)
	}
	t.Logf("outcomes: %v", outcomes)
}

// signingSecret unwraps a stored signing key with the master key, as a
// reader holding both the database and the key file could.
func signingSecret(t *testing.T, k store.StoredSigningKey) []byte {
	t.Helper()
	secret, err := review.ProcessKeys().Master.Unwrap(context.Background(), k.Wrapped, vault.AD("handoff signing key", []byte(k.ID)))
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// A mint and an import each hold one connection, their transaction's:
// nothing they load on the way (signing keys, data keys, both cached and
// gone stale) may wait for a second one from the pool, or a server whose
// pool is busy with transactions like them stops.
func TestMintAndImportNeedOneConnection(t *testing.T) {
	w := newTokenWorld(t)
	sess := w.session(domain.KindUser)
	w.db.SetMaxOpenConns(1)
	w.skew.Store(3600) // every cached key is now stale
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := w.svc.Share(ctx, review.Analyst(w.x, "minter"), sess.ID, w.y, 600)
	if err != nil {
		t.Fatalf("mint with one connection: %v", err)
	}
	w.skew.Store(3700) // stale again, and the token still lives
	clone, err := w.svc.Import(ctx, review.Analyst(w.y, "importer"), review.ImportRequest{ShareToken: m.Token, WorkflowID: "wf_kyc"})
	if err != nil {
		t.Fatalf("import with one connection: %v", err)
	}
	if clone.SharedFromSession == nil || *clone.SharedFromSession != sess.ID {
		t.Fatalf("the clone does not name its source: %+v", clone.SharedFromSession)
	}
}

// A mint whose session changes between its read and its write every time
// it tries takes the slow way, holding the session, and mints once.
func TestMintRacingChangesMintsOnce(t *testing.T) {
	w := newTokenWorld(t)
	sess := w.session(domain.KindUser)
	ctx := context.Background()
	var unlocked, locked int
	changed := make(chan error, 1)
	review.SetMintRace(w.svc, func(lock bool) {
		if lock {
			locked++
			// Held by the mint's transaction: this change waits for it.
			go func() {
				changed <- store.SetSessionStatus(ctx, w.db, w.x, sess.ID, sess.Status, time.Now())
			}()
			waitForLockWait(t, w.db, changed)
			return
		}
		unlocked++
		if err := store.SetSessionStatus(ctx, w.db, w.x, sess.ID, sess.Status, time.Now()); err != nil {
			t.Error(err)
		}
	})
	m := w.mint(sess.ID, w.y, 600)
	if unlocked != 3 || locked != 1 {
		t.Fatalf("%d attempts without a lock and %d with, want 3 and 1", unlocked, locked)
	}
	if err := <-changed; err != nil {
		t.Fatal(err)
	}
	list, err := w.svc.SessionTokens(ctx, review.Analyst(w.x, "minter"), sess.ID)
	if err != nil || len(list) != 1 || list[0].TokenID != m.TokenID {
		t.Fatalf("tokens after the racing mint: %+v, %v", list, err)
	}
	var events int
	if err := w.db.GetContext(ctx, &events, `SELECT count(*) FROM (SELECT action FROM audit_pending WHERE application_id = $1
		UNION ALL SELECT action FROM audit_events WHERE application_id = $1) e WHERE action = $2`, w.x, domain.ActionTokenMinted); err != nil {
		t.Fatal(err)
	}
	if events != 1 {
		t.Fatalf("%d mint events, want 1", events)
	}
	if _, err := w.importAs(w.y, m.Token, "wf_kyc"); err != nil {
		t.Fatalf("the racing mint's token does not import: %v", err)
	}
}

// waitForLockWait returns once a statement of this database waits for a
// lock, or fails the test when done reports first: the statement it waits
// for was not held up.
func waitForLockWait(t *testing.T, db *store.DB, done chan error) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err
			t.Error("the change went through while the mint held its session")
			return
		default:
		}
		var waiting int
		if err := db.GetContext(context.Background(), &waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Error(err)
			return
		}
		if waiting > 0 {
			return
		}
	}
	t.Error("nothing waited for the mint's lock")
}
