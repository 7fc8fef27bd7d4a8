package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

// The sequencer is woken by the commit of a transaction that queued audit
// events, and not by one that rolled back or queued none.
func TestSealWakeAfterCommitOfAuditEvents(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	app := newApp(t, db, "Wake")
	drain := func() bool { // whether app was woken
		select {
		case <-db.SealWake():
		default:
			return false
		}
		for _, a := range db.WokenApps() {
			if a == app {
				return true
			}
		}
		return false
	}
	drain()
	event := func() domain.AuditEvent {
		return domain.AuditEvent{ApplicationID: app, At: time.Now(), Actor: "test", Action: "test.woken", Details: []byte(`{}`)}
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.InsertAudit(ctx, tx, event()); err != nil {
			return err
		}
		return errors.New("fail")
	}); err == nil {
		t.Fatal("the transaction did not fail")
	}
	if drain() {
		t.Fatal("a rolled-back transaction woke the sequencer")
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return store.Notify(ctx, tx, "no events") }); err != nil {
		t.Fatal(err)
	}
	if drain() {
		t.Fatal("a transaction without audit events woke the sequencer")
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return store.InsertAudit(ctx, tx, event(), event()) }); err != nil {
		t.Fatal(err)
	}
	if !drain() {
		t.Fatal("committed audit events did not wake the sequencer")
	}
}

// Webhook senders are woken after the commit that queued a delivery, never
// by a transaction that rolled back.
func TestWebhookWakeAfterCommit(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := newApp(t, db, "Wake Webhooks")
	now := time.Now()
	dest := domain.Destination{ApplicationID: app, ID: uuid.New(), URL: "http://192.0.2.10/hook", Label: "test",
		SubscribedEvents: []string{"status.updated"}, Enabled: true, CreatedAt: now, UpdatedAt: now, WebhookVersion: "v3"}
	if err := store.InsertDestination(ctx, db, dest, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	heard, _, ready := db.Listen(ctx, store.WebhookChannel)
	<-ready
	queue := func(tx *store.Tx) error {
		n, err := store.InsertWebhookEvent(ctx, tx, store.WebhookEvent{ApplicationID: app, ID: uuid.New(), Type: "status.updated",
			Payload: []byte(`{}`), CreatedAt: time.Now()})
		if err == nil && n != 1 {
			t.Errorf("queued %d deliveries, want 1", n)
		}
		return err
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := queue(tx); err != nil {
			return err
		}
		return errors.New("fail")
	}); err == nil {
		t.Fatal("the transaction did not fail")
	}
	if err := db.InTx(ctx, queue); err != nil {
		t.Fatal(err)
	}
	select {
	case <-heard:
	case <-time.After(time.Minute): // a bound for "never", not a timing assertion
		t.Fatal("no wake-up within a minute of the commit")
	}
	select { // the rolled-back transaction's wake-up must not follow
	case <-heard:
		t.Fatal("woken twice: the rolled-back transaction signalled too")
	case <-time.After(300 * time.Millisecond):
	}
}
