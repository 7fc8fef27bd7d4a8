package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/api"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// logBuffer collects JSON log lines from the server.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines are the log's lines, decoded.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func (b *logBuffer) raw() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedWorld is newWorld with the server's log in JSON into a buffer
// and the given options.
func newLoggedWorld(t *testing.T, opts ...api.Option) (*world, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	w := &world{t: t, db: pgtest.DB(t)}
	w.svc = review.New(w.db, review.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv := httptest.NewServer(api.New(w.svc, slog.New(slog.NewJSONHandler(logs, nil)), opts...))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	w.x = w.newApp("Service X", "wf_x_kyc", "wf_x_kyb")
	w.y = w.newApp("Service Y", "wf_partner_kyc", "wf_partner_kyb")
	return w, logs
}

// send makes one request with extra headers and returns the response.
func (w *world) send(method, path, key string, body string, header map[string]string) (*http.Response, []byte) {
	w.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, w.url+path, rd)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

func lineFor(lines []map[string]any, requestID string) map[string]any {
	for _, l := range lines {
		if l["request_id"] == requestID && (l["msg"] == "request" || l["msg"] == "request refused") {
			return l
		}
	}
	return nil
}

func TestRequestIDReachesLogAndAudit(t *testing.T) {
	w, logs := newLoggedWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	const id = "partner-req-0042"
	res, raw := w.send("POST", "/v3/session/"+src.ID.String()+"/share/", w.x.key,
		`{"for_application_id":"`+w.y.id.String()+`"}`, map[string]string{"X-Request-Id": id, "Content-Type": "application/json"})
	if res.StatusCode != 201 || res.Header.Get("X-Request-Id") != id {
		t.Fatalf("status %d, X-Request-Id %q: %s", res.StatusCode, res.Header.Get("X-Request-Id"), raw)
	}
	line := lineFor(logs.lines(t), id)
	if line == nil {
		t.Fatalf("no request line with the request id:\n%s", logs.raw())
	}
	if line["method"] != "POST" || line["route"] != "/v3/session/{sessionId}/share/" || line["status"] != float64(201) ||
		line["key_prefix"] != w.x.key[:9] || line["client"] != "127.0.0.1" || line["bytes"].(float64) < 100 {
		t.Fatalf("request line %v", line)
	}
	token := map[string]any{}
	json.Unmarshal(raw, &token)
	if strings.Contains(logs.raw(), w.x.key) || strings.Contains(logs.raw(), token["share_token"].(string)) ||
		strings.Contains(logs.raw(), src.ID.String()) {
		t.Fatalf("the log holds a key, a token or a path id:\n%s", logs.raw())
	}

	events, err := w.svc.Audit(context.Background(), review.Operator("test").In(w.x.id), review.AuditQuery{SessionID: &src.ID})
	if err != nil || len(events) == 0 {
		t.Fatalf("audit: %v %v", events, err)
	}
	if events[0].Action != domain.ActionTokenMinted || events[0].RequestID != id {
		t.Fatalf("mint event %+v, want request id %q", events[0], id)
	}
	w.seal()
	rep, err := w.svc.VerifyAudit(context.Background(), review.Operator("test").In(w.x.id))
	if err != nil || rep.Break != nil || rep.Checked == 0 {
		t.Fatalf("the trail does not verify with a request id in it: %+v %v", rep.Break, err)
	}

	// The import writes an event in both trails, each with the id.
	imp, _ := w.send("POST", "/v3/session/import-shared/", w.y.key,
		`{"share_token":"`+token["share_token"].(string)+`","workflow_id":"wf_partner_kyc"}`,
		map[string]string{"X-Request-Id": "imp-1", "Content-Type": "application/json"})
	if imp.StatusCode != 201 {
		t.Fatalf("import %d", imp.StatusCode)
	}
	for _, app := range []app{w.x, w.y} {
		ev, _ := w.svc.Audit(context.Background(), review.Operator("test").In(app.id), review.AuditQuery{Limit: 1})
		if len(ev) != 1 || ev[0].RequestID != "imp-1" {
			t.Fatalf("import event in %v: %+v", app.id, ev)
		}
	}
}

func TestRequestIDGeneratedWhenMissingOrInsane(t *testing.T) {
	w, logs := newLoggedWorld(t)
	for _, sent := range []string{"", strings.Repeat("a", 129), "has space", "<script>", `quote"`, "ü"} {
		res, _ := w.send("GET", "/v3/webhook/destinations/", w.x.key, "", map[string]string{"X-Request-Id": sent})
		got := res.Header.Get("X-Request-Id")
		if got == "" || got == sent || len(got) != 36 {
			t.Fatalf("sent %q, got back %q; want a generated uuid", sent, got)
		}
		if lineFor(logs.lines(t), got) == nil {
			t.Fatalf("no log line for generated id %q", got)
		}
	}
	// Unknown paths are one bounded route label, and get an id too.
	res, _ := w.send("GET", "/wp-admin/"+strings.Repeat("x", 50), "", "", nil)
	line := lineFor(logs.lines(t), res.Header.Get("X-Request-Id"))
	if res.StatusCode != 404 || line == nil || line["route"] != "unmatched" {
		t.Fatalf("unmatched: %d %v", res.StatusCode, line)
	}
}

func TestFailedAuthenticationsAreThrottled(t *testing.T) {
	w, logs := newLoggedWorld(t, api.WithAuthLimit(api.AuthLimit{PerSecond: 0.05, Burst: 3}))
	bad := "hk_guess1" + strings.Repeat("Z", 34)
	for i := range 3 {
		res, raw := w.send("GET", "/v3/webhook/destinations/", bad, "", nil)
		if res.StatusCode != 401 {
			t.Fatalf("bad key %d: %d %s", i, res.StatusCode, raw)
		}
	}
	res, raw := w.send("GET", "/v3/webhook/destinations/", bad, "", nil)
	var body map[string]any
	json.Unmarshal(raw, &body)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || res.Header.Get("Retry-After") == "0" ||
		!strings.HasPrefix(body["detail"].(string), "Request was throttled. Expected available in ") {
		t.Fatalf("past the limit: %d Retry-After %q %s", res.StatusCode, res.Header.Get("Retry-After"), raw)
	}
	// No key at all counts as a failure too.
	if res, _ := w.send("GET", "/v3/webhook/destinations/", "", "", nil); res.StatusCode != 429 {
		t.Fatalf("missing key past the limit: %d", res.StatusCode)
	}

	// A good key from the same address is not slowed, and its mint and an
	// import with it work as before.
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	for range 5 {
		expect(t, w.do("GET", "/v3/session/"+src.ID.String()+"/decision/", w.x.key, nil), 200, "good key while throttled")
	}
	tok := w.mint(w.x, src.ID, w.y.id)
	// A bad share token with a good key is a failed authentication: 429.
	r := w.importAs(w.y, map[string]any{"share_token": tok[:len(tok)-4] + "AAAA", "workflow_id": "wf_partner_kyc"})
	expectDetail(t, r, 429, "forged token past the limit")
	expect(t, w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc"}), 201, "good token while throttled")

	var refused []map[string]any
	for _, l := range logs.lines(t) {
		if l["msg"] == "request refused" {
			refused = append(refused, l)
		}
	}
	if len(refused) != 6 {
		t.Fatalf("%d refused lines, want 6:\n%s", len(refused), logs.raw())
	}
	first, limited := refused[0], refused[3]
	if first["status"] != float64(401) || first["reason"] != "Invalid API key." || first["key_prefix"] != "hk_guess1" ||
		first["path"] != "/v3/webhook/destinations/" || first["client"] != "127.0.0.1" || first["level"] != "WARN" {
		t.Fatalf("refused line %v", first)
	}
	if limited["status"] != float64(429) || !strings.Contains(limited["reason"].(string), "too many failed authentications") {
		t.Fatalf("throttled line %v", limited)
	}
	if strings.Contains(logs.raw(), bad) || strings.Contains(logs.raw(), tok[20:]) || strings.Contains(logs.raw(), w.x.key) {
		t.Fatalf("a key or token reached the log:\n%s", logs.raw())
	}
}

// An address that is throttled gets its tries back as the bucket refills.
func TestThrottleRefills(t *testing.T) {
	w, _ := newLoggedWorld(t, api.WithAuthLimit(api.AuthLimit{PerSecond: 2, Burst: 1}))
	if res, _ := w.send("GET", "/v3/webhook/destinations/", "nope", "", nil); res.StatusCode != 401 {
		t.Fatalf("first: %d", res.StatusCode)
	}
	if res, _ := w.send("GET", "/v3/webhook/destinations/", "nope", "", nil); res.StatusCode != 429 || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("second: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	time.Sleep(600 * time.Millisecond) // more than a token's worth at 2/s
	if res, _ := w.send("GET", "/v3/webhook/destinations/", "nope", "", nil); res.StatusCode != 401 {
		t.Fatalf("after refilling: %d", res.StatusCode)
	}
}

// Behind a trusted proxy the client is the address the proxy appended,
// and each client has its own bucket; from anyone else X-Forwarded-For is
// ignored, so a client cannot pick its own address.
func TestClientAddressBehindProxy(t *testing.T) {
	w, logs := newLoggedWorld(t, api.WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}),
		api.WithAuthLimit(api.AuthLimit{PerSecond: 0.01, Burst: 1}))
	from := func(xff string) (int, string) {
		res, _ := w.send("GET", "/v3/webhook/destinations/", "bad", "", map[string]string{"X-Forwarded-For": xff})
		return res.StatusCode, lineFor(logs.lines(t), res.Header.Get("X-Request-Id"))["client"].(string)
	}
	if st, c := from("6.6.6.6, 203.0.113.9"); st != 401 || c != "203.0.113.9" {
		t.Fatalf("first client: %d %s", st, c)
	}
	if st, _ := from("203.0.113.9"); st != 429 {
		t.Fatalf("same client again: %d", st)
	}
	if st, c := from("203.0.113.9, 198.51.100.7"); st != 401 || c != "198.51.100.7" {
		t.Fatalf("another client: %d %s", st, c)
	}
	if st, c := from("not-an-address"); st != 401 || c != "127.0.0.1" {
		t.Fatalf("malformed hop: %d %s", st, c)
	}

	plain, plainLogs := newLoggedWorld(t)
	res, _ := plain.send("GET", "/healthz", "", "", map[string]string{"X-Forwarded-For": "203.0.113.9"})
	if c := lineFor(plainLogs.lines(t), res.Header.Get("X-Request-Id"))["client"]; c != "127.0.0.1" {
		t.Fatalf("untrusted peer chose its address: %v", c)
	}
}

// A refused line names the route, not the path: a path can hold a
// partner's vendor_data. Only a path no route serves is logged as sent.
func TestRefusedLineHoldsNoVendorData(t *testing.T) {
	w, logs := newLoggedWorld(t)
	res, _ := w.send("GET", "/v3/users/jane.doe@example.com/", "hk_nope", "", nil)
	line := lineFor(logs.lines(t), res.Header.Get("X-Request-Id"))
	if res.StatusCode != 401 || line == nil || line["path"] != "/v3/users/{vendor_data}/" || strings.Contains(logs.raw(), "jane.doe") {
		t.Fatalf("%d %v\n%s", res.StatusCode, line, logs.raw())
	}
	res, _ = w.send("GET", "/v3/users/", "", "", nil)
	if line := lineFor(logs.lines(t), res.Header.Get("X-Request-Id")); line == nil || line["path"] != "/v3/users/" {
		t.Fatalf("list route: %v", line)
	}
}
