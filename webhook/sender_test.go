package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
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
	"handoff/webhookverify"
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

func TestDecisionDeliversSignedEvent(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	_, secret := e.destination(rc.URL + "/hooks/didit")
	e.sender(fastRetries)

	sess := e.sessions(1, domain.KindBusiness, domain.PhaseApproved)[0]
	e.decide(sess.ID, "Approved") // no change: no event
	e.decide(sess.ID, "Declined")
	waitFor(t, "the delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })

	got := rc.all()[0]
	if err := webhookverify.Verify(secret, got.header, got.body, time.Now()); err != nil {
		t.Fatalf("the receiver's verification fails: %v", err)
	}
	v2, err := webhookverify.SignV2(secret, got.body)
	if err != nil || got.header.Get("X-Signature-V2") != v2 {
		t.Fatalf("X-Signature-V2 %q, want %q (%v)", got.header.Get("X-Signature-V2"), v2, err)
	}
	if got.header.Get("X-Signature") != webhookverify.SignV1(secret, got.body) {
		t.Fatal("X-Signature is not the HMAC of the raw body")
	}
	onlyV2 := http.Header{"X-Timestamp": got.header.Values("X-Timestamp"), "X-Signature-V2": {v2}}
	if err := webhookverify.Verify(secret, onlyV2, got.body, time.Now()); err != nil {
		t.Fatalf("X-Signature-V2 alone: %v", err)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if got.header.Get("X-Signature-V2-Previous") != "" {
		t.Fatal("a previous-secret signature without a rotation")
	}
	ev := got.event
	for k, want := range map[string]any{"webhook_type": "status.updated", "session_id": sess.ID.String(),
		"session_kind": "business", "status": "DECLINED", "vendor_data": sess.VendorData, "workflow_id": "wf_kyb",
		"created_at": float64(sess.CreatedAt.Unix())} {
		if ev[k] != want {
			t.Errorf("body %s = %#v, want %#v", k, ev[k], want)
		}
	}
	if _, err := uuid.Parse(ev["event_id"].(string)); err != nil {
		t.Errorf("event_id %v", ev["event_id"])
	}
	if ts, ok := ev["timestamp"].(float64); !ok || time.Since(time.Unix(int64(ts), 0)) > time.Minute {
		t.Errorf("timestamp %v", ev["timestamp"])
	}
	if _, ok := ev["shared_from_session"]; ok {
		t.Error("shared_from_session in the event of a session that was not imported")
	}
	waitFor(t, "the delivery to be recorded", 5*time.Second, func() bool {
		ds := e.deliveries(false)
		return len(ds) == 1 && ds[0].State == "delivered" && ds[0].Attempts == 1 && ds[0].LastStatusCode == 200
	})

	// As Didit, a delete sends no webhook (the audit trail records it): no
	// event is even written for it.
	if err := e.svc.DeleteSession(context.Background(), e.caller(), sess.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM webhook_events WHERE session_id = $1`, sess.ID); err != nil || n != 1 {
		t.Fatalf("%d events for the session after its delete (%v), want the decision's only", n, err)
	}
}

func TestImportIsReported(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	_, secret := e.destination(rc.URL)
	e.sender(fastRetries)

	issuer, err := e.svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: "Issuer",
		Workflows: []domain.Workflow{{ID: "wf_issuer", Kind: domain.KindUser}}})
	if err != nil {
		t.Fatal(err)
	}
	var src domain.Session
	if err := demo.Generate(context.Background(), e.svc, demo.Options{App: issuer.Application.ID, Count: 1, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 1, Actor: "test"}, func(s domain.Session) { src = s }); err != nil {
		t.Fatal(err)
	}
	m, err := e.svc.Share(context.Background(), review.Analyst(issuer.Application.ID, "x"), src.ID, e.app, 600)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := e.svc.Import(context.Background(), review.Analyst(e.app, "y"), review.ImportRequest{ShareToken: m.Token,
		WorkflowID: "wf_kyc", VendorData: "user-<42>&\u2028"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the import's delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })
	got := rc.all()[0]
	if err := webhookverify.Verify(secret, got.header, got.body, time.Now()); err != nil {
		t.Fatal(err)
	}
	ev := got.event
	if ev["session_id"] != imported.ID.String() || ev["shared_from_session"] != src.ID.String() ||
		ev["status"] != "In Review" || ev["vendor_data"] != "user-<42>&\u2028" || ev["workflow_id"] != "wf_kyc" {
		t.Fatalf("import event %s", got.body)
	}
}

func TestReceiverDownThenUpLosesNothing(t *testing.T) {
	e := newHookEnv(t)
	// A port nobody listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
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
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: rc}
	go srv.Serve(ln)
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

func TestRotatedSecretSignsWithBoth(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	dest, oldSecret := e.destination(rc.URL)
	newSecret, err := e.svc.RotateDestinationSecret(context.Background(), review.WebhookOperator(e.app), dest)
	if err != nil || newSecret == oldSecret {
		t.Fatal(err)
	}
	e.sender(fastRetries)
	sess := e.sessions(1, domain.KindUser, domain.PhaseInReview)[0]
	e.decide(sess.ID, "Approved")
	waitFor(t, "the delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })
	got := rc.all()[0]
	if err := webhookverify.Verify(newSecret, got.header, got.body, time.Now()); err != nil {
		t.Fatalf("new secret: %v", err)
	}
	if webhookverify.Verify(oldSecret, got.header, got.body, time.Now()) == nil {
		t.Fatal("the main signatures verify with the old secret")
	}
	old := http.Header{"X-Timestamp": got.header.Values("X-Timestamp"),
		"X-Signature-V2": got.header.Values("X-Signature-V2-Previous"), "X-Signature": got.header.Values("X-Signature-Previous")}
	if err := webhookverify.Verify(oldSecret, old, got.body, time.Now()); err != nil {
		t.Fatalf("old secret against the -Previous headers: %v", err)
	}
	d, err := e.svc.Destination(context.Background(), review.WebhookOperator(e.app), dest)
	if err != nil || d.PreviousSecretUntil == nil || d.PreviousSecretUntil.Sub(time.Now()) < 23*time.Hour {
		t.Fatalf("previous secret kept until %v (%v)", d.PreviousSecretUntil, err)
	}
}

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

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
