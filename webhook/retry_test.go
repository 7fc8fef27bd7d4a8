package webhook_test

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

func TestReceiverDownThenUpLosesNothing(t *testing.T) {
	e := newHookEnv(t)
	// A port nobody listens on: connection refused. It stays reserved, so
	// the receiver comes up on it later.
	addr, up := downPort(t)
	e.destination("http://" + addr + "/hook")
	e.sender(fastRetries)

	sessions := e.sessions(12, domain.KindUser, domain.PhaseInReview)
	for i, s := range sessions[:6] {
		e.decide(s.ID, []string{"Approved", "Declined"}[i%2])
	}
	waitFor(t, "two refused attempts of each delivery while the receiver is down", 5*time.Second, func() bool {
		var n int
		e.db.Get(&n, `SELECT count(*) FROM (SELECT event_id FROM webhook_attempts WHERE status_code IS NULL
			AND error LIKE '%refused%' GROUP BY event_id HAVING count(*) >= 2) AS twice`)
		return n == 6
	})
	for _, d := range e.deliveries(false) {
		if d.State != "pending" {
			t.Fatalf("delivery %+v while the receiver is down", d)
		}
	}

	// Up, but answering 500 to every other request for a while.
	rc := &receiver{inflight: map[string]int{}}
	var n int
	var mu sync.Mutex
	rc.respond = func(*http.Request, []byte) int {
		mu.Lock()
		defer mu.Unlock()
		if n++; n < 10 && n%2 == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	srv := &http.Server{Handler: rc}
	go srv.Serve(up())
	t.Cleanup(func() { srv.Close() })
	for _, s := range sessions[6:] {
		e.decide(s.ID, "Approved")
	}

	ids := e.eventIDs()
	if len(ids) != 12 {
		t.Fatalf("%d events for 12 decisions", len(ids))
	}
	waitFor(t, "every event to arrive", 10*time.Second, func() bool { return len(rc.hits()) == 12 })
	waitFor(t, "every delivery to be recorded delivered", 5*time.Second, func() bool {
		for _, d := range e.deliveries(false) {
			if d.State != "delivered" {
				return false
			}
		}
		return true
	})
	var received []string
	for id := range rc.hits() {
		received = append(received, id)
	}
	sort.Strings(received)
	for i := range ids {
		if received[i] != ids[i] {
			t.Fatalf("received %v, want %v", received, ids)
		}
	}
	var refused, errors500 int
	e.db.Get(&refused, `SELECT count(*) FROM webhook_attempts WHERE status_code IS NULL AND error LIKE '%refused%'`)
	e.db.Get(&errors500, `SELECT count(*) FROM webhook_attempts WHERE status_code = 500 AND error LIKE 'HTTP 500%'`)
	if refused < 12 || errors500 < 1 {
		t.Fatalf("attempts not recorded: %d refused, %d 500s", refused, errors500)
	}
}

func TestGiveUpThenRedeliver(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	rc.respond = func(*http.Request, []byte) int { return http.StatusServiceUnavailable }
	dest, _ := e.destination(rc.URL)
	cfg := fastRetries
	// Long enough for a second attempt even when the machine is loaded
	// (the first can start late), short enough to give up soon.
	cfg.RetryFor = 1500 * time.Millisecond
	e.sender(cfg)
	e.decide(e.sessions(1, domain.KindUser, domain.PhaseInReview)[0].ID, "Declined")
	waitFor(t, "the delivery to fail", 15*time.Second, func() bool { return len(e.deliveries(true)) == 1 })
	failed := e.deliveries(true)[0]
	if failed.Attempts < 2 || failed.LastStatusCode != 503 || failed.LastError == "" || failed.DestinationID != dest {
		t.Fatalf("failed delivery %+v", failed)
	}
	rc.setRespond(nil)
	n, err := e.svc.Redeliver(context.Background(), e.caller(), failed.EventID, nil)
	if err != nil || n != 1 {
		t.Fatalf("redeliver: %d, %v", n, err)
	}
	waitFor(t, "the redelivery", 5*time.Second, func() bool {
		ds := e.deliveries(false)
		return len(ds) == 1 && ds[0].State == "delivered"
	})
	if _, err := e.svc.Redeliver(context.Background(), e.caller(), uuid.New(), nil); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("redelivering an unknown event: %v", err)
	}
}
