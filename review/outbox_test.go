package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
	"handoff/webhook"
)

// The outbox: an event is written in the transaction of the change it
// reports, so a change rolled back reports nothing.
func TestRolledBackChangeProducesNoEvent(t *testing.T) {
	ctx := context.Background()
	db := pgtest.DB(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := review.New(db, review.WithPrivateWebhooks(true), review.WithLogger(quiet))
	t.Cleanup(svc.Close)
	out, err := svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: "Partner",
		Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}}})
	if err != nil {
		t.Fatal(err)
	}
	app := out.Application.ID

	var mu sync.Mutex
	var received []string // event ids
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			EventID string `json:"event_id"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &ev)
		mu.Lock()
		received = append(received, ev.EventID)
		mu.Unlock()
	}))
	t.Cleanup(rc.Close)
	url, events := rc.URL, []string{domain.EventStatusUpdated}
	if _, err := svc.CreateDestination(ctx, review.WebhookOperator(app), review.DestinationInput{URL: &url, SubscribedEvents: &events}); err != nil {
		t.Fatal(err)
	}
	var sess domain.Session
	if err := demo.Generate(ctx, svc, demo.Options{App: app, Count: 1, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 1, Actor: "test"}, func(s domain.Session) { sess = s }); err != nil {
		t.Fatal(err)
	}
	eventIDs := func() []string {
		var ids []string
		if err := db.Select(&ids, `SELECT event_id::text FROM webhook_events ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return ids
	}

	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *store.Tx) error {
		sess.Status = domain.StatusOf(sess.Kind, domain.PhaseDeclined)
		if err := svc.EmitStatusUpdated(ctx, tx, sess); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if ids := eventIDs(); len(ids) != 0 {
		t.Fatalf("a rolled-back change left events %v", ids)
	}
	var deliveries int
	db.Get(&deliveries, `SELECT count(*) FROM webhook_deliveries`)
	if deliveries != 0 {
		t.Fatalf("a rolled-back change left %d deliveries", deliveries)
	}

	// The same change committed is delivered, and it is the only event.
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(db, webhook.Config{Poll: 50 * time.Millisecond, AllowPrivate: true, Log: quiet, Secrets: svc.OpenDeliverySecrets, Decision: svc.DeliveryDecision}).Run(sctx)
	}()
	t.Cleanup(func() { stop(); <-done })
	if _, err := svc.Decide(ctx, review.Analyst(app, "ana"), sess.ID, domain.Decline(domain.ReasonOther, "test")); err != nil {
		t.Fatal(err)
	}
	got := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), received...)
	}
	for deadline := time.Now().Add(5 * time.Second); len(got()) < 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the committed change's delivery")
		}
	}
	if ids := eventIDs(); len(ids) != 1 || got()[0] != ids[0] {
		t.Fatalf("events %v, received %v", ids, got())
	}
}
