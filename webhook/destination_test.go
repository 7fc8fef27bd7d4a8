package webhook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
)

func TestPrivateTargetRefusedAtDelivery(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	e.destination(rc.URL) // accepted while private targets were allowed ...
	e.svc.SetPrivateWebhooks(false)
	// ... and now refused when connecting, as a public name re-resolving
	// to 127.0.0.1 (DNS rebinding) would be.
	cfg := fastRetries
	cfg.AllowPrivate = false
	e.sender(cfg)
	e.decide(e.sessions(1, domain.KindUser, domain.PhaseInReview)[0].ID, "Approved")
	waitFor(t, "a refused attempt", 5*time.Second, func() bool {
		var n int
		e.db.Get(&n, `SELECT count(*) FROM webhook_attempts WHERE error LIKE '%not a public address%'`)
		return n > 0
	})
	if len(rc.all()) != 0 {
		t.Fatal("the private target was reached")
	}
}

// A private address named in PrivateTargets (the demo's receiver) is
// reached while private targets are otherwise refused; another private
// address is not.
func TestPrivateTargetAllowedByAddress(t *testing.T) {
	e := newHookEnv(t)
	allowed, other := newReceiver(t), newReceiver(t)
	e.destination(allowed.URL)
	e.destination(other.URL)
	e.svc.SetPrivateWebhooks(false)
	cfg := fastRetries
	cfg.AllowPrivate = false
	cfg.PrivateTargets = []string{strings.TrimPrefix(allowed.URL, "http://")}
	e.sender(cfg)
	e.decide(e.sessions(1, domain.KindUser, domain.PhaseInReview)[0].ID, "Approved")
	waitFor(t, "the allowed target's delivery and the other's refusal", 5*time.Second, func() bool {
		var n int
		e.db.Get(&n, `SELECT count(*) FROM webhook_attempts WHERE error LIKE '%not a public address%'`)
		return n > 0 && len(allowed.all()) == 1
	})
	if len(other.all()) != 0 {
		t.Fatal("a private target not named was reached")
	}
}

func TestDisabledOrDeletedDestination(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	dest, _ := e.destination(rc.URL)
	sessions := e.sessions(2, domain.KindUser, domain.PhaseInReview)
	e.decide(sessions[0].ID, "Approved") // queued while enabled
	off := false
	if _, err := e.svc.UpdateDestination(context.Background(), e.caller(), dest, review.DestinationInput{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	e.decide(sessions[1].ID, "Approved") // not queued at all
	if ids := e.eventIDs(); len(ids) != 1 {
		t.Fatalf("events %v: a disabled destination got a delivery queued", ids)
	}
	e.sender(fastRetries)
	waitFor(t, "the queued delivery to fail", 5*time.Second, func() bool {
		ds := e.deliveries(true)
		return len(ds) == 1 && ds[0].LastError == "destination disabled"
	})
	if len(rc.all()) != 0 {
		t.Fatal("a disabled destination was posted to")
	}
	if err := e.svc.DeleteDestination(context.Background(), e.caller(), dest); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Redeliver(context.Background(), e.caller(), e.deliveries(true)[0].EventID, nil); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("redelivering to a deleted destination: %v", err)
	}
}
