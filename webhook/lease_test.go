package webhook_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"handoff/domain"
)

func TestKilledMidDeliveryIsDeliveredByAnother(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	first := make(chan struct{})
	var once sync.Once
	rc.respond = func(r *http.Request, _ []byte) int {
		hung := false
		once.Do(func() { hung = true; close(first) })
		if hung {
			<-r.Context().Done() // the sender dies while we work on it
			return http.StatusOK
		}
		return http.StatusOK
	}
	e.destination(rc.URL)
	cfg := fastRetries
	cfg.Timeout, cfg.LeaseTTL = 500*time.Millisecond, 1500*time.Millisecond
	stopA := e.sender(cfg)
	sess := e.sessions(1, domain.KindUser, domain.PhaseInReview)[0]
	e.decide(sess.ID, "Approved")

	select {
	case <-first:
	case <-time.After(5 * time.Second):
		t.Fatal("the first sender never sent")
	}
	stopA() // "killed": it records nothing, its lease stays until it lapses
	var leased int
	e.db.Get(&leased, `SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND leased_until > now()`)
	if leased != 1 {
		t.Fatalf("%d live leases after the kill, want 1", leased)
	}

	e.sender(cfg) // the restarted process, or another one
	waitFor(t, "the second sender to deliver", 10*time.Second, func() bool {
		ds := e.deliveries(false)
		return len(ds) == 1 && ds[0].State == "delivered"
	})
	hits := rc.hits()
	if len(hits) != 1 {
		t.Fatalf("hits %v", hits)
	}
	for _, n := range hits {
		if n != 2 {
			t.Fatalf("the event reached the receiver %d times, want 2 (one abandoned, one delivered)", n)
		}
	}
	var attempts []int
	e.db.Select(&attempts, `SELECT attempt_no FROM webhook_attempts ORDER BY attempt_no`)
	if len(attempts) != 1 || attempts[0] != 2 {
		t.Fatalf("recorded attempts %v, want only the second", attempts)
	}
}

func TestTwoSendersNeverSendOneEventAtOnce(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	rc.respond = func(*http.Request, []byte) int {
		time.Sleep(30 * time.Millisecond) // slow receiver
		return http.StatusOK
	}
	e.destination(rc.URL)
	sessions := e.sessions(40, domain.KindUser, domain.PhaseInReview)
	for _, s := range sessions {
		e.decide(s.ID, "Approved")
	}
	cfg := fastRetries
	cfg.Workers, cfg.PerDestination = 4, 4
	e.sender(cfg)
	e.sender(cfg)
	waitFor(t, "every event", 10*time.Second, func() bool { return len(rc.hits()) == 40 })
	waitFor(t, "every delivery recorded", 5*time.Second, func() bool {
		for _, d := range e.deliveries(false) {
			if d.State != "delivered" {
				return false
			}
		}
		return true
	})
	for id, n := range rc.hits() {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.maxPar != 1 {
		t.Errorf("one event was being sent %d times at once", rc.maxPar)
	}
}
