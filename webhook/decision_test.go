package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// lockedBuffer is a log that a test reads while the sender writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A decision object that cannot be built is its own failure, in the log
// and in the delivery's record, and not the signing secret's; the
// delivery is retried, and carries its decision once it can be built.
func TestDecisionFailureIsItsOwn(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	e.destination(rc.URL)
	var healed atomic.Bool
	var log lockedBuffer
	cfg := fastRetries
	cfg.Log = slog.New(slog.NewTextHandler(&log, nil))
	cfg.Decision = func(ctx context.Context, r *store.LeasedDelivery) error {
		if !healed.Load() {
			return errors.New("boom")
		}
		return e.svc.DeliveryDecision(ctx, r)
	}
	e.sender(cfg)
	sess := e.sessions(1, domain.KindUser, domain.PhaseInReview)[0]
	e.decide(sess.ID, "Approved")
	waitFor(t, "a failed attempt", 5*time.Second, func() bool {
		ds := e.deliveries(false)
		return len(ds) == 1 && ds[0].Attempts >= 1 && ds[0].LastError != ""
	})
	if d := e.deliveries(false)[0]; d.State != "pending" || !strings.Contains(d.LastError, "decision object cannot be built") ||
		strings.Contains(d.LastError, "secret") {
		t.Fatalf("delivery after a decision failure: %s %q", d.State, d.LastError)
	}
	if l := log.String(); !strings.Contains(l, "building a delivery's decision object") || !strings.Contains(l, "boom") ||
		strings.Contains(l, "secret") {
		t.Fatalf("log:\n%s", l)
	}
	if n := len(rc.all()); n != 0 {
		t.Fatalf("%d deliveries sent without their decision", n)
	}
	healed.Store(true)
	waitFor(t, "the retry's delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })
	if dec, _ := rc.all()[0].event["decision"].(map[string]any); dec == nil || dec["status"] != "Approved" {
		t.Fatalf("delivered %s", rc.all()[0].body)
	}
}

// Only an erased session goes without its decision: a session that is
// not found for another reason (here deleted before erasure existed, its
// payload still stored) is an error, and the delivery is retried.
func TestDecisionOfErasedAndMissingSessions(t *testing.T) {
	e := newHookEnv(t)
	ctx := context.Background()
	ss := e.sessions(2, domain.KindUser, domain.PhaseApproved)
	body := func(s domain.Session) string {
		return `{"webhook_type":"status.updated","session_id":"` + s.ID.String() + `","status":"Approved"}`
	}
	if err := e.svc.DeleteSession(ctx, e.caller(), ss[0].ID); err != nil {
		t.Fatal(err)
	}
	erased := store.LeasedDelivery{Payload: body(ss[0])}
	erased.ApplicationID = e.app
	if err := e.svc.DeliveryDecision(ctx, &erased); err != nil || erased.Payload != body(ss[0]) {
		t.Fatalf("an erased session's delivery: %v %s", err, erased.Payload)
	}
	// Deleted before erasure existed: as gone, so sent without a decision
	// rather than retried until its attempts run out.
	if _, err := e.db.Exec(`UPDATE sessions SET deleted_at = now() WHERE session_id = $1`, ss[1].ID); err != nil {
		t.Fatal(err)
	}
	deleted := store.LeasedDelivery{Payload: body(ss[1])}
	deleted.ApplicationID = e.app
	if err := e.svc.DeliveryDecision(ctx, &deleted); err != nil || deleted.Payload != body(ss[1]) {
		t.Fatalf("a deleted session's delivery: %v %s", err, deleted.Payload)
	}
	// A session that was never there is an error to retry and report.
	missing := store.LeasedDelivery{Payload: body(domain.Session{ID: uuid.New()})}
	missing.ApplicationID = e.app
	if err := e.svc.DeliveryDecision(ctx, &missing); err == nil || !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("a session that never existed: %v %s", err, missing.Payload)
	}
}

// A delivery sent after a later status change (here both changes are
// queued before any sender runs) carries no decision: its status and its
// decision's could differ. The later change's event carries it.
func TestDelayedDeliveryCarriesNoStaleDecision(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	e.destination(rc.URL)
	sess := e.sessions(1, domain.KindUser, domain.PhaseInReview)[0]
	e.decide(sess.ID, "Approved")
	e.decide(sess.ID, "Declined")
	e.sender(fastRetries)
	waitFor(t, "both deliveries", 5*time.Second, func() bool { return len(rc.all()) == 2 })
	for _, d := range rc.all() {
		dec, has := d.event["decision"].(map[string]any)
		switch d.event["status"] {
		case "Approved":
			if has {
				t.Errorf("the delayed Approved event carries a decision of status %v", dec["status"])
			}
		case "Declined":
			if !has || dec["status"] != "Declined" {
				t.Errorf("the Declined event's decision: %v", dec)
			}
		default:
			t.Errorf("unexpected event %s", d.body)
		}
	}
}
