package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// served is a running `handoff serve`: the addresses it printed and its
// standard error (the log).
type served struct {
	urls map[string]string // "API", "metrics": the URL printed for each
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `handoff serve args...` until the test ends, and waits
// for each of the listeners named in want ("API", "metrics") to print its
// address.
func startServe(t *testing.T, want []string, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	s := &served{urls: map[string]string{}, logs: &syncBuffer{}}
	go func() {
		done <- Run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), pw, s.logs)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, s.logs)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	rd := bufio.NewReader(pr)
	for len(s.urls) < len(want) {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("serve stopped before listening: %v\n%s", err, s.logs)
		}
		for _, w := range want {
			if strings.HasPrefix(line, "handoff "+w+" listening on ") {
				s.urls[w] = strings.TrimSpace(strings.TrimPrefix(line, "handoff "+w+" listening on "))
			}
		}
	}
	go io.Copy(io.Discard, rd)
	return s
}

// createApp makes an application with a KYC workflow and returns its id
// and API key.
func createApp(t *testing.T, name, workflow string) (id, key string) {
	t.Helper()
	code, out, errs := run(t, "app", "create", "--name", name, "--workflow", workflow+":user", "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var c struct {
		ID  string `json:"application_id"`
		Key string `json:"api_key"`
	}
	json.Unmarshal([]byte(out), &c)
	return c.ID, c.Key
}

// generateOne makes one KYC session in app with status and returns its id.
func generateOne(t *testing.T, app, status string) string {
	t.Helper()
	code, out, errs := run(t, "session", "generate", "--app", app, "--count", "1", "--kind", "user", "--status", status, "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var s struct {
		ID string `json:"session_id"`
	}
	json.Unmarshal([]byte(out), &s)
	return s.ID
}

// call sends one API request and returns the status and the body.
func call(t *testing.T, client *http.Client, method, url, key, body string, header ...string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, res.Header, m
}

func TestServeRequestLog(t *testing.T) {
	withDB(t)
	_, key := createApp(t, "Logged", "wf_l")
	s := startServe(t, []string{"API"}, "--http", "127.0.0.1:0", "--log-format", "json")
	_, h, _ := call(t, http.DefaultClient, "GET", s.urls["API"]+"/v3/webhook/destinations/", key, "", "X-Request-Id", "trace-77")
	if h.Get("X-Request-Id") != "trace-77" {
		t.Fatalf("X-Request-Id %q", h.Get("X-Request-Id"))
	}
	var line map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for line == nil {
		for _, l := range strings.Split(s.logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["request_id"] == "trace-77" {
				line = m
			}
		}
		if line == nil && time.Now().After(deadline) {
			t.Fatalf("no JSON line with the request id:\n%s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if line["msg"] != "request" || line["route"] != "/v3/webhook/destinations/" || line["status"] != float64(200) ||
		line["key_prefix"] != key[:9] || strings.Contains(s.logs.String(), key) {
		t.Fatalf("request line %v", line)
	}

	// At warn, a good request is not logged and a refused one is.
	quiet := startServe(t, []string{"API"}, "--http", "127.0.0.1:0", "--log-level", "warn")
	call(t, http.DefaultClient, "GET", quiet.urls["API"]+"/v3/webhook/destinations/", key, "", "X-Request-Id", "good-1")
	call(t, http.DefaultClient, "GET", quiet.urls["API"]+"/v3/webhook/destinations/", "nope", "", "X-Request-Id", "bad-1")
	for !strings.Contains(quiet.logs.String(), "request_id=bad-1") {
		if time.Now().After(deadline) {
			t.Fatalf("refused request not logged at warn:\n%s", quiet.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(quiet.logs.String(), "good-1") || !strings.Contains(quiet.logs.String(), `reason="Invalid API key."`) {
		t.Fatalf("at warn:\n%s", quiet.logs)
	}

	for _, args := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}, {"--public-url", "ftp://192.0.2.10"},
		{"--public-url", "192.0.2.10:8080"}, {"--public-url", "https://192.0.2.10/?a=1"}} {
		if code, _, errs := run(t, append([]string{"serve", "--http", "127.0.0.1:0"}, args...)...); code != 2 || !strings.Contains(errs, args[0]) {
			t.Errorf("serve %v: %d %s", args, code, errs)
		}
	}
}

// serve's throttle flags reach the API: past the burst a bad key is 429,
// a good key from the same address is served.
func TestServeThrottleFlags(t *testing.T) {
	withDB(t)
	_, key := createApp(t, "Throttled", "wf_t")
	s := startServe(t, []string{"API"}, "--http", "127.0.0.1:0", "--auth-fail-burst", "2", "--auth-fail-rate", "0.01")
	url := s.urls["API"] + "/v3/webhook/destinations/"
	for i, want := range []int{401, 401, 429, 429} {
		if st, h, b := call(t, http.DefaultClient, "GET", url, "hk_nope", ""); st != want || (st == 429 && h.Get("Retry-After") == "") {
			t.Fatalf("bad key %d: %d %v %v", i, st, h, b)
		}
	}
	if st, _, _ := call(t, http.DefaultClient, "GET", url, key, ""); st != 200 {
		t.Fatalf("good key while throttled: %d", st)
	}
	if code, _, errs := run(t, "serve", "--http", "127.0.0.1:0", "--auth-fail-burst", "0"); code != 2 || !strings.Contains(errs, "--auth-fail-burst") {
		t.Fatalf("burst 0: %d %s", code, errs)
	}
}
