package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"time"
)

// result is one measurement: throughput and latency percentiles.
type result struct {
	what        string
	concurrency int
	ok, failed  int
	elapsed     time.Duration
	p50, p95    time.Duration
	p99         time.Duration
	lag         lag     // handoff runs: how long their audit events waited to be sealed
	load        float64 // the machine's load average at the end
}

func (r result) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

// spread is p99 / p50: how much worse the slow requests are than the median.
func (r result) spread() float64 {
	if r.p50 == 0 {
		return 0
	}
	return float64(r.p99) / float64(r.p50)
}

func percentiles(lat []time.Duration) (p50, p95, p99 time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return pct(0.50), pct(0.95), pct(0.99)
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}

// request is one call; it returns false when the server refused it.
type request func() bool

// load runs n workers calling req for the configured duration.
func (b *bench) load(what string, n int, req request) result {
	return b.loadFor(what, n, req, b.cfg.duration)
}

// warmUp runs req from n clients for a while, unmeasured: the server has
// just started (its connections, prepared statements and keys are yet to
// be made), and pgbench's figures leave out its connection set-up too.
func (b *bench) warmUp(n int, req request) {
	b.loadFor("warm-up", n, req, warmUpFor)
}

const warmUpFor = 2 * time.Second

func (b *bench) loadFor(what string, n int, req request, d time.Duration) result {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	failed := 0
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				t := time.Now()
				if req() {
					mine = append(mine, time.Since(t))
				} else {
					bad++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			failed += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := result{what: what, concurrency: n, ok: len(lat), failed: failed, elapsed: time.Since(start)}
	r.p50, r.p95, r.p99 = percentiles(lat)
	fmt.Fprintf(stderr, "  %-6s c=%-3d %8.0f/s  p50 %-8s p99 %-8s failed %d\n", what, n, r.rate(), r.p50, r.p99, failed)
	return r
}

func post(url, key string, body any) (int, []byte) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("x-api-key", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// mintToken mints a token for one of from's sessions, for to.
func (b *bench) mintToken(from partner, sid string, to partner) (string, bool) {
	status, out := post(b.base+"/v3/session/"+sid+"/share/", from.APIKey,
		map[string]any{"for_application_id": to.ID, "ttl_in_seconds": 86400})
	if status != http.StatusCreated {
		return "", false
	}
	var r struct {
		Token string `json:"share_token"`
	}
	json.Unmarshal(out, &r)
	return r.Token, true
}

func (b *bench) mintOnce(from, to partner, tokens chan string) request {
	return func() bool {
		tok, ok := b.mintFor(from, to)
		if ok {
			select {
			case tokens <- tok:
			default:
			}
		}
		return ok
	}
}

// topUp mints (unmeasured) until there are surely enough tokens for an
// import run at concurrency n.
func (b *bench) topUp(from, to partner, tokens chan string, n int) {
	want := b.tokensFor(1)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for len(tokens) < want {
				if tok, ok := b.mintFor(from, to); ok {
					tokens <- tok
				}
			}
		}()
	}
	wg.Wait()
}

// importOnce imports one of tokens into to, each as a different person
// (vendor_data), as a partner's imports are.
func (b *bench) importOnce(to partner, tokens chan string) request {
	return func() bool {
		var tok string
		select {
		case tok = <-tokens:
		default:
			return false // ran out of tokens: counted as failed
		}
		status, _ := post(b.base+"/v3/session/import-shared/", to.APIKey,
			map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc",
				"vendor_data": fmt.Sprintf("bench-%d", rand.Int64()), "trust_review": false})
		return status == http.StatusCreated
	}
}
