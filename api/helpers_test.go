package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/api"
	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
	"handoff/webhook"
)

// world is a running API server on real PostgreSQL with two partner
// applications, as in the seed: X mints, Y imports.
type world struct {
	t    *testing.T
	url  string
	db   *store.DB
	svc  *review.Service
	api  *api.Server
	skew atomic.Int64 // seconds added to the server's clock
	x, y app
}

type app struct {
	id  uuid.UUID
	key string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, db: pgtest.DB(t)}
	w.svc = review.New(w.db, review.WithClock(func() time.Time {
		return time.Now().Add(time.Duration(w.skew.Load()) * time.Second)
	}), review.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	w.api = api.New(w.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(checked(t, w.api))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	w.x = w.newApp("Service X", "wf_x_kyc", "wf_x_kyb")
	w.y = w.newApp("Service Y", "wf_partner_kyc", "wf_partner_kyb")
	return w
}

// deliver runs a webhook sender, as serve does, until the test ends.
func (w *world) deliver() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(w.db, webhook.Config{AllowPrivate: true, Secrets: w.svc.OpenDeliverySecrets, Decision: w.svc.DeliveryDecision}).Run(ctx)
	}()
	w.t.Cleanup(func() { cancel(); <-done })
}

// seal seals the pending audit events, as a serve process's sequencer does
// within a fraction of a second.
func (w *world) seal() {
	w.t.Helper()
	for {
		n, err := w.svc.SealAudit(context.Background())
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (w *world) newApp(name, kyc, kyb string, privs ...domain.Privilege) app {
	w.t.Helper()
	out, err := w.svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: name, Privileges: privs,
		Workflows: []domain.Workflow{{ID: kyc, Kind: domain.KindUser}, {ID: kyb, Kind: domain.KindBusiness}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return app{id: out.Application.ID, key: out.APIKey}
}

func (w *world) key(a app, privs ...domain.Privilege) string {
	w.t.Helper()
	k, err := w.svc.CreateAPIKey(context.Background(), review.Operator("test"), a.id, privs)
	if err != nil {
		w.t.Fatal(err)
	}
	return k
}

// session creates one session of kind in a with the given phase.
func (w *world) session(a app, kind domain.Kind, phase domain.Phase) domain.Session {
	w.t.Helper()
	var out domain.Session
	err := demo.Generate(context.Background(), w.svc, demo.Options{App: a.id, Count: 1, Kind: kind, Phase: phase,
		Seed: uint64(time.Now().UnixNano()), Actor: "test"}, func(s domain.Session) { out = s })
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

type response struct {
	status int
	raw    []byte
	body   map[string]any
}

func (r response) str(k string) string { s, _ := r.body[k].(string); return s }

func (w *world) do(method, path, key string, body any) response {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.url+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			w.t.Fatalf("%s %s: body is not a JSON object: %q", method, path, raw)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			w.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
		}
	}
	return out
}

func (w *world) share(from app, sess uuid.UUID, body any) response {
	return w.do("POST", "/v3/session/"+sess.String()+"/share/", from.key, body)
}

func (w *world) mint(from app, sess uuid.UUID, forApp uuid.UUID) string {
	w.t.Helper()
	r := w.share(from, sess, map[string]any{"for_application_id": forApp, "ttl_in_seconds": 3600})
	if r.status != 201 {
		w.t.Fatalf("mint: %d %s", r.status, r.raw)
	}
	return r.str("share_token")
}

func (w *world) importAs(to app, body any) response {
	return w.do("POST", "/v3/session/import-shared/", to.key, body)
}

func expect(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.raw)
	}
}

// expectDetail checks Didit's {"detail": "..."} error shape.
func expectDetail(t *testing.T, r response, status int, what string) {
	t.Helper()
	expect(t, r, status, what)
	if d, ok := r.body["detail"].(string); !ok || d == "" {
		t.Fatalf("%s: no detail in %s", what, r.raw)
	}
}

// expectField checks a field-keyed validation error.
func expectField(t *testing.T, r response, field, what string) {
	t.Helper()
	expect(t, r, 400, what)
	list, ok := r.body[field].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("%s: no %q error list in %s", what, field, r.raw)
	}
}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
