package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// scrape reads /metrics and returns the samples: "name{labels}" -> value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("scrape: %d %s", res.StatusCode, b)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// Mint, import, decide, a refused request and a webhook delivery through
// the real serve, each counted on the metrics listener with its labels.
func TestMetricsCountWhatServeDid(t *testing.T) {
	withDB(t)
	xID, xKey := createApp(t, "Metrics X", "wf_x")
	yID, yKey := createApp(t, "Metrics Y", "wf_y")
	src := generateOne(t, "Metrics X", "Approved")
	var delivered atomic.Int32
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { delivered.Add(1) }))
	defer rc.Close()

	s := startServe(t, []string{"API", "metrics"}, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--allow-private-webhooks")
	api, metrics := s.urls["API"], s.urls["metrics"]
	c := http.DefaultClient
	if st, _, b := call(t, c, "POST", api+"/v3/webhook/destinations/", yKey, `{"url":"`+rc.URL+`","subscribed_events":["status.updated"]}`); st != 201 {
		t.Fatalf("destination: %d %v", st, b)
	}
	st, _, minted := call(t, c, "POST", api+"/v3/session/"+src+"/share/", xKey, `{"for_application_id":"`+yID+`"}`)
	if st != 201 {
		t.Fatalf("mint: %d %v", st, minted)
	}
	st, _, imported := call(t, c, "POST", api+"/v3/session/import-shared/", yKey,
		`{"share_token":"`+minted["share_token"].(string)+`","workflow_id":"wf_y"}`)
	if st != 201 {
		t.Fatalf("import: %d %v", st, imported)
	}
	// The same token again: refused, counted as forbidden.
	if st, _, _ := call(t, c, "POST", api+"/v3/session/import-shared/", yKey,
		`{"share_token":"`+minted["share_token"].(string)+`","workflow_id":"wf_y"}`); st != 403 {
		t.Fatalf("second import: %d", st)
	}
	if st, _, _ := call(t, c, "PATCH", api+"/v3/session/"+imported["session_id"].(string)+"/update-status/", yKey, `{"new_status":"Approved"}`); st != 200 {
		t.Fatalf("decide: %d", st)
	}
	if st, _, _ := call(t, c, "GET", api+"/v3/session/"+src+"/decision/", "hk_wrongkey"+strings.Repeat("x", 32), ""); st != 401 {
		t.Fatalf("bad key: %d", st)
	}
	if st, _, _ := call(t, c, "GET", api+"/metrics", "", ""); st != 404 {
		t.Fatalf("the API port serves /metrics: %d", st)
	}
	_ = xID

	// The import (In Review) and the decision (Approved) are two events.
	var m map[string]float64
	deadline := time.Now().Add(10 * time.Second)
	for {
		m = scrape(t, metrics)
		// The counter moves when the receiver answers; the backlog, read
		// from the database, when the sender has recorded it: wait for both.
		backlog, counted := m[`handoff_webhook_backlog`]
		if m[`handoff_webhook_deliveries_total{result="delivered"}`] >= 2 && counted && backlog == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries not counted (receiver got %d): %v", delivered.Load(), m[`handoff_webhook_deliveries_total{result="delivered"}`])
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := map[string]float64{
		`handoff_http_requests_total{method="POST",route="/v3/session/{sessionId}/share/",status="201"}`:          1,
		`handoff_http_requests_total{method="POST",route="/v3/session/import-shared/",status="201"}`:              1,
		`handoff_http_requests_total{method="PATCH",route="/v3/session/{sessionId}/update-status/",status="200"}`: 1,
		`handoff_http_requests_total{method="GET",route="/v3/session/{sessionId}/decision/",status="401"}`:        1,
		`handoff_http_requests_total{method="GET",route="unmatched",status="404"}`:                                1,
		`handoff_http_request_duration_seconds_count{method="POST",route="/v3/session/import-shared/"}`:           2,
		`handoff_share_tokens_minted_total{outcome="ok"}`:                                                         1,
		`handoff_imports_total{outcome="ok"}`:                                                                     1,
		`handoff_imports_total{outcome="unauthorized"}`:                                                           0,
		`handoff_decisions_total{outcome="ok"}`:                                                                   1,
		`handoff_webhook_deliveries_total{result="failed"}`:                                                       0,
		`handoff_webhook_delivery_delay_seconds_count`:                                                            2,
		`handoff_webhook_backlog`:                0,
		`handoff_webhook_backlog_oldest_seconds`: 0,
	}
	for k, v := range want {
		got, ok := m[k]
		if !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if lag, ok := m["handoff_audit_sequencer_lag_seconds"]; !ok || lag < 0 || lag > 5 {
		t.Errorf("handoff_audit_sequencer_lag_seconds = %v (present %v)", lag, ok)
	}
	for _, k := range []string{`go_sql_open_connections{db_name="handoff"}`, `go_sql_max_open_connections{db_name="handoff"}`,
		`go_sql_wait_count_total{db_name="handoff"}`} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}
	var build bool
	for k, v := range m {
		if strings.HasPrefix(k, "handoff_build_info{") && strings.Contains(k, `goversion="go`) && v == 1 {
			build = true
		}
	}
	if !build {
		t.Error("no handoff_build_info")
	}
	if t.Failed() {
		t.Logf("scrape:\n%v", m)
	}
	noIDLabels(t, m)
}

var (
	uuidLike  = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	longToken = regexp.MustCompile(`[A-Za-z0-9_\-]{24,}`)
	labelPair = regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)
)

// noIDLabels fails when any label value looks like an id, a key or a
// token: label values must come from small fixed sets. The build-info
// series are exempt: their labels name this binary (a commit hash, the
// module checksum), one series per process.
func noIDLabels(t *testing.T, m map[string]float64) {
	t.Helper()
	for k := range m {
		if strings.HasPrefix(k, "handoff_build_info{") || strings.HasPrefix(k, "go_build_info{") {
			continue
		}
		for _, p := range labelPair.FindAllStringSubmatch(k, -1) {
			v := p[2]
			if uuidLike.MatchString(v) || longToken.MatchString(v) || strings.HasPrefix(v, "hk_") || strings.HasPrefix(v, "eyJ") {
				t.Errorf("label %s=%q of %s looks like an id", p[1], v, k)
			}
		}
	}
}

func TestMetricsNeedTheirOwnListener(t *testing.T) {
	withDB(t)
	code, _, errs := run(t, "serve", "--http", "127.0.0.1:55481", "--metrics", "127.0.0.1:55481")
	if code == 0 || !strings.Contains(errs, "listener of their own") {
		t.Fatalf("metrics on the API's address: %d %s", code, errs)
	}
}

// A workstation connected over SSH is counted while it is connected.
func TestMetricsCountSSHWorkstations(t *testing.T) {
	withDB(t)
	createApp(t, "Desk", "wf_d")
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := gossh.NewPublicKey(pub)
	signer, _ := gossh.NewSignerFromKey(priv)
	if code, _, errs := run(t, "analyst", "add", "--name", "alice", "--app", "Desk", "--key", string(gossh.MarshalAuthorizedKey(pk))); code != 0 {
		t.Fatal(errs)
	}
	s := startServe(t, []string{"SSH", "metrics"}, "--ssh", "127.0.0.1:0", "--host-key", filepath.Join(t.TempDir(), "host_key"),
		"--metrics", "127.0.0.1:0")
	gauge := func(want float64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if v, ok := scrape(t, s.urls["metrics"])["handoff_ssh_sessions"]; ok && v == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("handoff_ssh_sessions never became %v:\n%s", want, s.logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	gauge(0)
	client, err := gossh.Dial("tcp", s.urls["SSH"], &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stdin, _ := sess.StdinPipe()
	stdout, _ := sess.StdoutPipe()
	go answerQueries(stdout, stdin)
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	gauge(1)
	stdin.Write([]byte("q"))
	client.Close()
	gauge(0)
}

// answerQueries plays the terminal's part in the program's start-up: it
// answers the background-colour and device-attributes queries, as a real
// terminal would, and discards the drawing.
func answerQueries(screen io.Reader, keys io.Writer) {
	buf := make([]byte, 32<<10)
	for {
		n, err := screen.Read(buf)
		if err != nil {
			return
		}
		out := string(buf[:n])
		if strings.Contains(out, "\x1b]11;?") {
			keys.Write([]byte("\x1b]11;rgb:0000/0000/0000\x07"))
		}
		if strings.Contains(out, "\x1b[c") || strings.Contains(out, "\x1b[0c") {
			keys.Write([]byte("\x1b[?62;22c"))
		}
	}
}
