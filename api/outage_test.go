package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"handoff/api"
	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/localpg"
)

// outageCluster is a PostgreSQL cluster of this test's own, since stopping
// the shared test cluster would fail every other package's tests.
func outageCluster(t *testing.T) (*localpg.Cluster, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "out-") // short: the socket path has a limit
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	// Durable as the binary runs it: with synchronous_commit off, a crash
	// loses commits that were already answered 201.
	c, err := localpg.New(localpg.Config{Dir: dir, Port: localpg.SparePort(4), Durable: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Stop(context.Background())
		os.RemoveAll(dir)
	})
	startPatiently(t, c)
	admin := sqlx.MustOpen("postgres", c.DSN("postgres"))
	defer admin.Close()
	admin.MustExec(`CREATE DATABASE handoff`)
	return c, dir
}

// startPatiently starts c, retrying for a few seconds in case the port is
// held for a moment ("Address already in use"). The clusters of these
// tests use ports below Linux's ephemeral range (32768-60999), so no
// outgoing connection of another test can take them.
func startPatiently(t *testing.T, c *localpg.Cluster) {
	t.Helper()
	for i := 0; ; i++ {
		err := c.Start(context.Background())
		if err == nil {
			return
		}
		if i == 4 {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
}

// kill ends the cluster as a crash would: SIGQUIT to the postmaster is
// PostgreSQL's immediate shutdown, no checkpoint, every backend gone.
func kill(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(dir + "/pg/postmaster.pid")
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err := syscall.Kill(pid, syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(pid, 0) == nil {
		time.Sleep(20 * time.Millisecond)
	}
}

// outcome is what partners saw, collected from the load's goroutines.
type outcome struct {
	mu          sync.Mutex
	imported    map[string]string // token -> the new session_id, for each 201
	redeemed    map[string]bool   // token -> 403 "already imported" on a retry after a 503
	unavailable int
	wrong       []string // any answer that is not 201, 503 or the retry's 403
}

func (o *outcome) add(f func()) { o.mu.Lock(); f(); o.mu.Unlock() }

// post sends body to path, returning status, headers and decoded body.
func post(url, key string, body any) (int, http.Header, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("x-api-key", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(b, &out)
	return res.StatusCode, res.Header, out, nil
}

// The cluster is stopped, then killed, in the middle of an import load over
// real HTTP: partners get 503s with Retry-After (never a 500) while it is
// down, the load goes on when it is back, and every import either exists
// whole (session, import record, both audit events) or not at all.
func TestDatabaseOutageMidImportIs503AndLeavesNoHalfImport(t *testing.T) {
	ctx := context.Background()
	c, dir := outageCluster(t)
	db, err := store.Open(ctx, c.DSN("handoff"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &world{t: t, db: db}
	w.svc = review.New(db, review.WithLogger(quiet))
	t.Cleanup(w.svc.Close)
	w.api = api.New(w.svc, quiet)
	srv := httptest.NewServer(checked(t, w.api))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	w.x = w.newApp("Service X", "wf_x_kyc", "wf_x_kyb")
	w.y = w.newApp("Service Y", "wf_partner_kyc", "wf_partner_kyb")
	var sources []domain.Session
	err = demo.Generate(ctx, w.svc, demo.Options{App: w.x.id, Count: 60, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 17, Actor: "test"}, func(s domain.Session) { sources = append(sources, s) })
	if err != nil {
		t.Fatal(err)
	}

	o := &outcome{imported: map[string]string{}, redeemed: map[string]bool{}}
	// call retries while the answer is 503, checking each 503's shape.
	call := func(path, key string, body any, done func(status int, out map[string]any, retry bool) bool) {
		retry := false
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
			status, hdr, out, err := post(w.url+path, key, body)
			if err != nil {
				o.add(func() { o.wrong = append(o.wrong, "transport: "+err.Error()) })
				return
			}
			if status != http.StatusServiceUnavailable {
				if !done(status, out, retry) {
					o.add(func() { o.wrong = append(o.wrong, fmt.Sprintf("%s: %d %v", path, status, out)) })
				}
				return
			}
			if hdr.Get("Retry-After") != "5" || out["detail"] != store.ErrUnavailable {
				o.add(func() {
					o.wrong = append(o.wrong, fmt.Sprintf("a 503 with Retry-After %q and %v", hdr.Get("Retry-After"), out))
				})
			}
			o.add(func() { o.unavailable++ })
			retry = true
			time.Sleep(50 * time.Millisecond)
		}
		o.add(func() { o.wrong = append(o.wrong, path+": still 503 after a minute") })
	}
	work := make(chan domain.Session)
	var load sync.WaitGroup
	for range 4 {
		load.Add(1)
		go func() {
			defer load.Done()
			for s := range work {
				var token string
				call("/v3/session/"+s.ID.String()+"/share/", w.x.key, map[string]any{"for_application_id": w.y.id},
					func(status int, out map[string]any, _ bool) bool {
						token, _ = out["share_token"].(string)
						return status == 201 && token != ""
					})
				if token == "" {
					continue
				}
				call("/v3/session/import-shared/", w.y.key, map[string]any{"share_token": token,
					"workflow_id": "wf_partner_kyc", "vendor_data": "partner-" + s.ID.String()[:8]},
					func(status int, out map[string]any, retry bool) bool {
						switch {
						case status == 201:
							o.add(func() { o.imported[token], _ = out["session_id"].(string) })
							return true
						case status == 403 && retry:
							// The commit landed but its answer was lost with
							// the connection: the documented reconciliation.
							o.add(func() { o.redeemed[token] = true })
							return true
						}
						return false
					})
			}
		}()
	}
	imports := func() int { o.mu.Lock(); defer o.mu.Unlock(); return len(o.imported) }
	waitFor := func(n int) {
		for deadline := time.Now().Add(60 * time.Second); imports() < n; time.Sleep(10 * time.Millisecond) {
			o.mu.Lock()
			wrong := append([]string(nil), o.wrong...)
			o.mu.Unlock()
			if len(wrong) > 0 {
				t.Fatalf("answers that are not 201 or a well-formed 503, e.g. %v", wrong[:min(5, len(wrong))])
			}
			if time.Now().After(deadline) {
				t.Fatalf("the load stalled at %d imports, waiting for %d", imports(), n)
			}
		}
	}
	down := func() {
		time.Sleep(300 * time.Millisecond) // some requests meet the outage
		res, err := http.Get(w.url + "/healthz")
		if err != nil || res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
			t.Errorf("healthz while the database is down: %v %v", res, err)
		}
		startPatiently(t, c)
	}
	feed := make(chan struct{})
	go func() {
		defer close(work)
		for _, s := range sources {
			select {
			case work <- s:
			case <-feed:
				return
			}
		}
	}()

	waitFor(12)
	if err := c.Stop(ctx); err != nil { // fast shutdown: backends told 57P01
		t.Fatal(err)
	}
	down()
	waitFor(imports() + 12)
	kill(t, dir)
	down()
	load.Wait()
	close(feed)

	if len(o.wrong) > 0 {
		t.Fatalf("%d answers were not 201 or a well-formed 503, e.g. %v", len(o.wrong), o.wrong[:min(5, len(o.wrong))])
	}
	if o.unavailable == 0 {
		t.Fatal("no request met the outage: the test proves nothing")
	}
	t.Logf("%d imports answered 201, %d redeemed before a lost answer, %d answers were 503", len(o.imported), len(o.redeemed), o.unavailable)

	// Every import is whole, or absent.
	var stored []struct {
		Token   string `db:"token"`
		Session string `db:"session_id"`
		Parts   int    `db:"parts"`
	}
	// An event is in audit_pending until the sequencer seals it.
	err = db.SelectContext(ctx, &stored, `
		WITH audit AS (SELECT application_id, session_id, action, details FROM audit_events
		               UNION ALL SELECT application_id, session_id, action, details FROM audit_pending)
		SELECT i.token_id::text AS token, i.session_id::text AS session_id,
		       (SELECT count(*) FROM sessions s WHERE s.application_id = i.application_id AND s.session_id = i.session_id
		            AND s.shared_from_session = i.source_session_id AND s.import_token_id = i.token_id) +
		       (SELECT count(*) FROM audit a WHERE a.application_id = i.application_id AND a.session_id = i.session_id
		            AND a.action = 'session.imported') +
		       (SELECT count(*) FROM audit a WHERE a.application_id = i.source_application_id
		            AND a.session_id = i.source_session_id AND a.action = 'share_token.imported'
		            AND a.details->>'imported_session_id' = i.session_id::text) AS parts
		FROM imports i WHERE i.application_id = $1`, w.y.id)
	if err != nil {
		t.Fatal(err)
	}
	var orphans int
	db.GetContext(ctx, &orphans, `SELECT count(*) FROM sessions s WHERE s.application_id = $1 AND s.shared_from_session IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.application_id = s.application_id AND i.session_id = s.session_id)`, w.y.id)
	if orphans != 0 {
		t.Errorf("%d imported sessions without their import record", orphans)
	}
	storedSessions := map[string]bool{}
	for _, r := range stored {
		if r.Parts != 3 {
			t.Errorf("import of session %s is partial: %d of its 3 parts", r.Session, r.Parts)
		}
		storedSessions[r.Session] = true
	}
	if len(stored) != len(o.imported)+len(o.redeemed) {
		t.Errorf("%d imports stored, but partners saw %d succeed and %d redeemed", len(stored), len(o.imported), len(o.redeemed))
	}
	for _, sess := range o.imported {
		if !storedSessions[sess] {
			t.Errorf("a 201 for session %s that is not stored", sess)
		}
	}
	for _, a := range []struct {
		name string
		id   uuid.UUID
	}{{"X", w.x.id}, {"Y", w.y.id}} {
		rep, err := w.svc.VerifyAudit(ctx, review.Operator("test").In(a.id))
		if err != nil || rep.Break != nil {
			t.Errorf("%s's audit chain after the outages: %+v %v", a.name, rep, err)
		}
	}
}
