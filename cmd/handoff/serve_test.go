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
