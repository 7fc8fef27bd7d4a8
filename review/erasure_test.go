package review_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	. "handoff/review"
	"handoff/store"
)

// Erasure takes the session's identifiers (keyed hashes of its personal
// data) and the bodies of its webhooks with it; a delivery still to be
// sent fails as "session erased" instead of going out empty, and cannot be
// redelivered.
func TestErasureTakesIdentifiersAndWebhookBodies(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	svc := New(w.db, WithKeys(w.keys), WithPrivateWebhooks(true))
	t.Cleanup(svc.Close)
	url, events := "http://127.0.0.1:9/hook", []string{domain.EventStatusUpdated} // no sender runs here: nothing is sent
	if _, err := svc.CreateDestination(ctx, WebhookOperator(w.x), DestinationInput{URL: &url, SubscribedEvents: &events}); err != nil {
		t.Fatal(err)
	}
	s := w.generate(t, svc, w.x, 1)[0]
	if err := w.db.InTx(ctx, func(tx *store.Tx) error { return svc.EmitStatusUpdated(ctx, tx, s) }); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := w.db.GetContext(ctx, &n, q, w.x, s.ID); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const (
		identifiers = `SELECT count(*) FROM session_identifiers WHERE application_id = $1 AND session_id = $2`
		bodies      = `SELECT count(*) FROM webhook_events WHERE application_id = $1 AND session_id = $2
			AND (payload IS NOT NULL OR sealed_payload IS NOT NULL)`
		pending = `SELECT count(*) FROM webhook_deliveries d JOIN webhook_events e USING (application_id, event_id)
			WHERE d.application_id = $1 AND e.session_id = $2 AND d.state = 'pending'`
		erased = `SELECT count(*) FROM webhook_deliveries d JOIN webhook_events e USING (application_id, event_id)
			WHERE d.application_id = $1 AND e.session_id = $2 AND d.state = 'failed' AND d.last_error = 'session erased'`
	)
	if count(identifiers) == 0 || count(bodies) == 0 || count(pending) == 0 {
		t.Fatalf("before erasure: %d identifiers, %d bodies, %d pending", count(identifiers), count(bodies), count(pending))
	}
	if err := svc.DeleteSession(ctx, Analyst(w.x, "ops"), s.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(identifiers); n != 0 {
		t.Fatalf("%d identifiers outlived the erasure", n)
	}
	if n := count(bodies); n != 0 {
		t.Fatalf("%d webhook bodies outlived the erasure", n)
	}
	if count(pending) != 0 || count(erased) == 0 {
		t.Fatalf("after erasure: %d pending, %d failed as erased", count(pending), count(erased))
	}
	var event string
	if err := w.db.GetContext(ctx, &event, `SELECT event_id::text FROM webhook_events WHERE application_id = $1 AND session_id = $2 LIMIT 1`, w.x, s.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Redeliver(ctx, WebhookOperator(w.x), uuid.MustParse(event), nil); err == nil && n != 0 {
		t.Fatalf("an erased session's webhook was queued again (%d)", n)
	}
}

// Sessions stored before identifiers were indexed get them from the
// housekeeping, batch by batch, exactly as an import would have written
// them; once done, nothing is left to index.
func TestOlderSessionsGetTheirIdentifiers(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	ss := w.generate(t, w.svc, w.x, 3)
	want := w.hashes(t)
	if len(want) == 0 {
		t.Fatal("generated sessions hold no identifiers")
	}
	// As a database from before 00030 looks after migrating: no rows, flagged.
	if _, err := w.db.ExecContext(ctx, `DELETE FROM session_identifiers WHERE application_id = $1`, w.x); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE sessions SET identifiers_pending = true WHERE application_id = $1`, w.x); err != nil {
		t.Fatal(err)
	}
	// Without the biometric key a session's face identifier cannot be
	// read: it waits rather than being indexed without it.
	noBio := New(w.db, WithKeys(Keys{Master: w.keys.Master}))
	t.Cleanup(noBio.Close)
	if n, err := noBio.IndexPendingIdentifiers(ctx); err != nil || n != 0 {
		t.Fatalf("without the biometric key: indexed %d (%v)", n, err)
	}
	if got := w.hashes(t); len(got) != 0 {
		t.Fatalf("%d identifiers written without the biometric key", len(got))
	}
	n, err := w.svc.IndexPendingIdentifiers(ctx)
	if err != nil || n != len(ss) {
		t.Fatalf("indexed %d of %d: %v", n, len(ss), err)
	}
	got := w.hashes(t)
	if len(got) != len(want) {
		t.Fatalf("%d identifiers after indexing, %d before", len(got), len(want))
	}
	for h := range want {
		if !got[h] {
			t.Fatalf("identifier %x not restored", h)
		}
	}
	if n, err := w.svc.IndexPendingIdentifiers(ctx); err != nil || n != 0 {
		t.Fatalf("a second pass indexed %d: %v", n, err)
	}
}

// hashes is every identifier row of X, as type and hash.
func (w *sealedWorld) hashes(t *testing.T) map[string]bool {
	t.Helper()
	var rows []string
	if err := w.db.SelectContext(context.Background(), &rows, `SELECT session_id::text || id_type || encode(value_hash, 'hex')
		FROM session_identifiers WHERE application_id = $1`, w.x); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r] = true
	}
	return out
}

// One application whose keys do not load is logged and passed over; the
// others' sessions are indexed all the same.
func TestIndexingSkipsAnApplicationWhoseKeysFail(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	w.generate(t, w.svc, w.x, 2)
	ys := w.generate(t, w.svc, w.y, 2)
	for _, app := range []uuid.UUID{w.x, w.y} {
		w.db.MustExecContext(ctx, `DELETE FROM session_identifiers WHERE application_id = $1`, app)
		w.db.MustExecContext(ctx, `UPDATE sessions SET identifiers_pending = true WHERE application_id = $1`, app)
	}
	w.db.MustExecContext(ctx, `UPDATE data_keys SET wrapped = '\x00' WHERE application_id = $1`, w.x)
	var logged bytes.Buffer
	svc := New(w.db, WithKeys(w.keys), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	t.Cleanup(svc.Close)
	if n, err := svc.IndexPendingIdentifiers(ctx); err != nil || n != len(ys) {
		t.Fatalf("indexed %d (%v), want the other application's %d", n, err, len(ys))
	}
	var pending []uuid.UUID
	if err := w.db.SelectContext(ctx, &pending, `SELECT DISTINCT application_id FROM sessions WHERE identifiers_pending`); err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0] != w.x {
		t.Fatalf("applications still pending: %v, want only %s", pending, w.x)
	}
	if !strings.Contains(logged.String(), w.x.String()) {
		t.Fatalf("the log does not name the application:\n%s", logged.String())
	}
}
