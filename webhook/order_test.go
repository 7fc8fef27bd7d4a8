package webhook_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
	"handoff/webhookverify"
)

// docsReceiver follows docs/WEBHOOKS.md to the letter: the raw body first,
// the 300-second window on X-Timestamp and on the body's timestamp, the
// signature, then per session only an event with a higher session_version
// than the one it holds changes what it knows. It also notes when a
// session's events arrived out of order.
type docsReceiver struct {
	secret string
	up     atomic.Bool
	mu     sync.Mutex
	seen   map[string]bool // event_id
	latest map[string]orderedEvent
	// inversions counts events that arrived after a newer one of their session.
	inversions int
	refused    []string // why a delivery was refused once the outage was over
}

type orderedEvent struct {
	EventID        string `json:"event_id"`
	SessionID      string `json:"session_id"`
	Status         string `json:"status"`
	Deleted        bool   `json:"deleted"`
	SessionVersion int64  `json:"session_version"`
	OccurredAt     string `json:"occurred_at"`
	Timestamp      int64  `json:"timestamp"`
}

var microRFC3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

func (rc *docsReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !rc.up.Load() {
		w.WriteHeader(http.StatusServiceUnavailable) // the outage
		return
	}
	refuse := func(why string) {
		rc.mu.Lock()
		rc.refused = append(rc.refused, why)
		rc.mu.Unlock()
		http.Error(w, why, http.StatusUnauthorized)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	now := time.Now()
	if err := webhookverify.Verify(rc.secret, r.Header, body, now); err != nil {
		refuse(err.Error())
		return
	}
	var ev orderedEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		refuse("bad JSON")
		return
	}
	if d := now.Unix() - ev.Timestamp; d > 300 || d < -300 {
		refuse("body timestamp " + strconv.FormatInt(ev.Timestamp, 10) + " outside the 300 s window")
		return
	}
	if strconv.FormatInt(ev.Timestamp, 10) != r.Header.Get("X-Timestamp") {
		refuse("body timestamp differs from X-Timestamp")
		return
	}
	if !microRFC3339.MatchString(ev.OccurredAt) {
		refuse("occurred_at " + ev.OccurredAt + " is not RFC 3339 with microseconds")
		return
	}
	// A receiver's own flakiness, after the outage: about half of the
	// events fail once more, which scrambles the order further.
	if sum := sha256.Sum256([]byte(ev.EventID)); sum[0]%2 == 0 && !rc.retried(ev.EventID) {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.seen[ev.EventID] {
		return // a duplicate: acknowledged, ignored
	}
	rc.seen[ev.EventID] = true
	if held, ok := rc.latest[ev.SessionID]; ok && held.SessionVersion >= ev.SessionVersion {
		rc.inversions++
		return // older than what we know: ignored
	}
	rc.latest[ev.SessionID] = ev
}

// retried remembers that an event was failed once on purpose.
func (rc *docsReceiver) retried(eventID string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key := "retried:" + eventID
	if rc.seen[key] {
		return true
	}
	rc.seen[key] = true
	return false
}

// After an outage the events of each session arrive in no particular
// order, hours after they happened; a receiver that follows the docs
// (order by session_version, check the 300 s window) still ends with every
// session's final state. The events are an hour old when they are sent:
// only because each attempt refreshes timestamp and X-Timestamp and is
// signed again do they pass the window.
func TestOutOfOrderAfterOutageReceiverEndsRight(t *testing.T) {
	db := pgtest.DB(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	svc := review.New(db, review.WithPrivateWebhooks(true), review.WithLogger(log),
		review.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	out, err := svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: "Partner",
		Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}, {ID: "wf_kyb", Kind: domain.KindBusiness}}})
	if err != nil {
		t.Fatal(err)
	}
	e := &hookEnv{t: t, svc: svc, db: db, app: out.Application.ID, log: log}
	rc := &docsReceiver{seen: map[string]bool{}, latest: map[string]orderedEvent{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var secret string
	_, secret = e.destination(srv.URL)
	rc.secret = secret
	e.sender(fastRetries)

	// While the receiver is down, every session changes one to four
	// times within a second or so. (None is deleted: erasure takes a
	// session's undelivered webhooks with it, see review's erasure test.)
	sessions := e.sessions(12, domain.KindUser, domain.PhaseInReview)
	want := map[string]orderedEvent{}
	events := 0
	for i, s := range sessions {
		status := ""
		for n := 0; n <= i%4; n++ {
			status = []string{"Approved", "Declined"}[(i+n)%2]
			e.decide(s.ID, status)
			events++
		}
		want[s.ID.String()] = orderedEvent{Status: status}
	}
	waitFor(t, "every event to fail at least once during the outage", 10*time.Second, func() bool {
		var n int
		e.db.Get(&n, `SELECT count(DISTINCT event_id) FROM webhook_attempts WHERE status_code = 503`)
		return n == events
	})

	rc.up.Store(true)
	waitFor(t, "every event to be accepted", 20*time.Second, func() bool {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if len(rc.refused) > 0 {
			return true // reported below
		}
		n := 0
		for k := range rc.seen {
			if _, err := uuid.Parse(k); err == nil {
				n++
			}
		}
		return n == events
	})

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.refused) > 0 {
		t.Fatalf("the receiver refused %d deliveries, first: %s", len(rc.refused), rc.refused[0])
	}
	for id, w := range want {
		got := rc.latest[id]
		if got.Status != w.Status || got.Deleted != w.Deleted {
			t.Errorf("session %s: the receiver holds %q deleted=%v (version %d), want %q deleted=%v",
				id, got.Status, got.Deleted, got.SessionVersion, w.Status, w.Deleted)
		}
		var version int64
		err := e.db.Get(&version, `SELECT version FROM sessions WHERE session_id = $1`, id)
		if err != nil || version != got.SessionVersion {
			t.Errorf("session %s: the receiver's version %d, the session's %d (%v)", id, got.SessionVersion, version, err)
		}
	}
	if rc.inversions == 0 {
		t.Fatal("every session's events arrived in order: the test proved nothing about ordering")
	}
	t.Logf("%d events, %d arrived after a newer one of their session", events, rc.inversions)
}
