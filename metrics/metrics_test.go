package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"handoff/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("scrape %d: %s", rec.Code, b)
	}
	return string(b)
}

// The scrape-time gauges: the backlog is absent when the database read
// fails (so absent() can alert), the sequencer lag appears once a
// sequencer reports one.
func TestScrapeTimeGauges(t *testing.T) {
	var failing, sequencing bool
	m := metrics.New(metrics.Build{Version: "v1", Commit: "c", GoVersion: "go"})
	m.Watch(metrics.Sources{
		Backlog: func(context.Context) (int64, time.Duration, error) {
			if failing {
				return 0, 0, errors.New("database down")
			}
			return 7, 90 * time.Second, nil
		},
		AuditLag: func(context.Context) (time.Duration, bool, error) {
			return 250 * time.Millisecond, sequencing, nil
		},
		SSHSessions: func() int { return 3 },
	})
	out := scrape(t, m)
	for _, want := range []string{"handoff_webhook_backlog 7\n", "handoff_webhook_backlog_oldest_seconds 90\n",
		"handoff_ssh_sessions 3\n", `handoff_build_info{commit="c",goversion="go",version="v1"} 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(out, "handoff_audit_sequencer_lag_seconds") {
		t.Error("sequencer lag shown before any sequencer ran")
	}
	failing, sequencing = true, true
	out = scrape(t, m)
	if strings.Contains(out, "handoff_webhook_backlog ") || !strings.Contains(out, "handoff_audit_sequencer_lag_seconds 0.25\n") {
		t.Errorf("after the backlog read failed and the sequencer started:\n%s", out)
	}
}

func TestCounters(t *testing.T) {
	m := metrics.New(metrics.Build{})
	m.Request("/v3/session/import-shared/", "POST", 201, 30*time.Millisecond)
	m.Operation("import", "ok")
	m.Operation("mint", "forbidden")
	m.Delivery("delivered", 2*time.Second)
	m.Delivery("retry", 0)
	out := scrape(t, m)
	for _, want := range []string{
		`handoff_http_requests_total{method="POST",route="/v3/session/import-shared/",status="201"} 1`,
		`handoff_imports_total{outcome="ok"} 1`, `handoff_imports_total{outcome="error"} 0`,
		`handoff_share_tokens_minted_total{outcome="forbidden"} 1`,
		`handoff_webhook_deliveries_total{result="retry"} 1`,
		"handoff_webhook_delivery_delay_seconds_sum 2\n", "handoff_webhook_delivery_delay_seconds_count 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}
