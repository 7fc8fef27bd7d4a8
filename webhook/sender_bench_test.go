package webhook_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"handoff/domain"
	"handoff/webhook"
)

// BenchmarkDecisionToWebhook measures, on loopback, the time from a
// decision's commit (Decide returned) to the receiver answering 2xx, with
// the sender's default settings (woken by NOTIFY, 500 ms poll as a
// fallback). One iteration is one decision; run it with a fixed count:
//
//	go test ./webhook -run '^$' -bench DecisionToWebhook -benchtime 500x
//
// "sequential" decides one session at a time and waits for its webhook,
// the latency of an idle system; "deciders=8" has eight clients deciding
// as fast as they can without waiting.
func BenchmarkDecisionToWebhook(b *testing.B) {
	b.Run("sequential", func(b *testing.B) { benchDecisionToWebhook(b, 1, true) })
	b.Run("deciders=8", func(b *testing.B) { benchDecisionToWebhook(b, 8, false) })
}

func benchDecisionToWebhook(b *testing.B, deciders int, wait bool) {
	e := newHookEnv(b)
	var mu sync.Mutex
	answered := map[string]time.Time{}
	arrived := make(chan struct{}, b.N)
	rc := newReceiver(b)
	rc.respond = func(_ *http.Request, body []byte) int {
		var ev struct {
			SessionID string `json:"session_id"`
		}
		json.Unmarshal(body, &ev)
		mu.Lock()
		answered[ev.SessionID] = time.Now() // the 200 is written right after
		mu.Unlock()
		arrived <- struct{}{}
		return http.StatusOK
	}
	e.destination(rc.URL)
	sessions := e.sessions(b.N, domain.KindUser, domain.PhaseInReview)
	e.sender(webhook.Config{AllowPrivate: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})

	committed := make([]time.Time, len(sessions))
	next := make(chan int)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range deciders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if _, err := e.svc.Decide(b.Context(), e.caller(), sessions[i].ID, domain.Approve("")); err != nil {
					b.Error(err)
					return
				}
				committed[i] = time.Now()
				if wait {
					<-arrived
				}
			}
		}()
	}
	for i := range sessions {
		next <- i
	}
	close(next)
	wg.Wait()
	waitFor(b, "every webhook", time.Minute, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(answered) == len(sessions)
	})
	b.StopTimer()

	lat := make([]time.Duration, len(sessions))
	for i, s := range sessions {
		lat[i] = answered[s.ID.String()].Sub(committed[i])
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/float64(time.Millisecond), "max-ms")
	b.Logf("%d decisions: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", len(lat), pct(0.5), pct(0.9), pct(0.99),
		float64(lat[len(lat)-1])/float64(time.Millisecond))
}
