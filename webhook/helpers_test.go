package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
	"handoff/webhook"
)

// These tests run the real sender against real PostgreSQL and a real
// HTTP receiver on loopback. They wait for outcomes with deadlines and
// never assert on fixed sleeps.

// fast retries, so a receiver that comes back is reached within
// milliseconds.
// The receivers are on loopback.
var fastRetries = webhook.Config{Poll: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond,
	RetryMax: 100 * time.Millisecond, RetryFor: time.Minute, AllowPrivate: true}

type hookEnv struct {
	t   testing.TB
	svc *review.Service
	db  *store.DB
	app uuid.UUID
	log *slog.Logger
}

func newHookEnv(t testing.TB) *hookEnv {
	t.Helper()
	db := pgtest.DB(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	svc := review.New(db, review.WithPrivateWebhooks(true), review.WithLogger(log))
	out, err := svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: "Partner",
		Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}, {ID: "wf_kyb", Kind: domain.KindBusiness}}})
	if err != nil {
		t.Fatal(err)
	}
	return &hookEnv{t: t, svc: svc, db: db, app: out.Application.ID, log: log}
}

func (e *hookEnv) caller() domain.Caller { return review.Analyst(e.app, "ana") }

// sessions creates n finished sessions of kind in the given phase.
func (e *hookEnv) sessions(n int, kind domain.Kind, phase domain.Phase) []domain.Session {
	e.t.Helper()
	var out []domain.Session
	err := demo.Generate(context.Background(), e.svc, demo.Options{App: e.app, Count: n, Kind: kind, Phase: phase,
		Seed: uint64(time.Now().UnixNano()), Actor: "test"}, func(s domain.Session) { out = append(out, s) })
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// destination subscribes url to status.updated and returns its id and
// secret.
func (e *hookEnv) destination(url string) (uuid.UUID, string) {
	e.t.Helper()
	events := []string{domain.EventStatusUpdated}
	d, err := e.svc.CreateDestination(context.Background(), review.WebhookOperator(e.app), review.DestinationInput{URL: &url, SubscribedEvents: &events})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Destination.ID, d.Secret
}

// decide approves or declines (under "other", with a note) as an analyst.
func (e *hookEnv) decide(id uuid.UUID, status string) {
	e.t.Helper()
	d := domain.Approve("test")
	if status == "Declined" {
		d = domain.Decline(domain.ReasonOther, "test")
	}
	if _, err := e.svc.Decide(context.Background(), e.caller(), id, d); err != nil {
		e.t.Fatal(err)
	}
}

// sender runs a sender until the test ends (or stop is called).
func (e *hookEnv) sender(cfg webhook.Config) (stop func()) {
	if cfg.Log == nil {
		cfg.Log = e.log
	}
	cfg.Secrets = e.svc.OpenDeliverySecrets
	if cfg.Decision == nil {
		cfg.Decision = e.svc.DeliveryDecision
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(e.db, cfg).Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	e.t.Cleanup(stop)
	return stop
}

func (e *hookEnv) deliveries(failedOnly bool) []review.DeliveryInfo {
	e.t.Helper()
	ds, err := e.svc.Deliveries(context.Background(), e.caller(), failedOnly, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// eventIDs are the ids of every event in the outbox.
func (e *hookEnv) eventIDs() []string {
	var ids []string
	if err := e.db.Select(&ids, `SELECT event_id::text FROM webhook_events ORDER BY 1`); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func waitFor(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// receiver is a webhook endpoint on loopback that records what it gets.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []delivery
	respond  func(r *http.Request, body []byte) int // status to answer; 200 when nil
	inflight map[string]int
	maxPar   int // most concurrent requests seen for one event_id
}

type delivery struct {
	header http.Header
	body   []byte
	event  map[string]any
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{inflight: map[string]int{}}
	rc.Server = httptest.NewServer(rc)
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev map[string]any
	json.Unmarshal(body, &ev)
	id, _ := ev["event_id"].(string)
	rc.mu.Lock()
	rc.got = append(rc.got, delivery{header: r.Header.Clone(), body: body, event: ev})
	rc.inflight[id]++
	rc.maxPar = max(rc.maxPar, rc.inflight[id])
	respond := rc.respond
	rc.mu.Unlock()
	status := http.StatusOK
	if respond != nil {
		status = respond(r, body)
	}
	rc.mu.Lock()
	rc.inflight[id]--
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func (rc *receiver) setRespond(f func(*http.Request, []byte) int) {
	rc.mu.Lock()
	rc.respond = f
	rc.mu.Unlock()
}

func (rc *receiver) all() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

// hits counts requests per event_id.
func (rc *receiver) hits() map[string]int {
	out := map[string]int{}
	for _, d := range rc.all() {
		id, _ := d.event["event_id"].(string)
		out[id]++
	}
	return out
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
