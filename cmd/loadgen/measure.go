package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// lag is how long events of one run waited between their use case's
// commit and their sealing into the audit log; fromInsert is the p99 from
// their pending insert instead (before the rest of the use case and its
// commit), and committed how many had a commit time (the cluster records
// them with track_commit_timestamp; the others count from the insert).
type lag struct {
	events, committed int
	p50, p99          time.Duration
	max               time.Duration
	fromInsert        time.Duration
}

// measure runs one handoff load and the sealing lag of the events it made.
func (b *bench) measure(what string, n int, req request) result {
	b.resetStatements()
	start := time.Now()
	r := b.load(what, n, req)
	r.load = loadAverage()
	b.printStatements(what)
	r.lag = b.sealingLag(start, time.Now())
	fmt.Fprintf(stderr, "         sealed %d events (%d with a commit time): lag from commit p50 %s p99 %s max %s; p99 from insert %s\n",
		r.lag.events, r.lag.committed, r.lag.p50, r.lag.p99, r.lag.max, r.lag.fromInsert)
	return r
}

// sealingLag waits (at most 10 s) for the sequencer to seal what is
// pending, then reads the lag of the events stamped in [from, to): from
// their use case's commit (or, without a recorded commit time, their
// pending insert) to the sequencer's insert of them sealed (before its
// own commit).
func (b *bench) sealingLag(from, to time.Time) lag {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var pending int
		if err := b.db.Get(&pending, `SELECT count(*) FROM audit_pending`); err != nil || pending == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var r struct {
		N         int     `db:"n"`
		Committed int     `db:"committed"`
		P50       float64 `db:"p50"`
		P99       float64 `db:"p99"`
		Max       float64 `db:"mx"`
		Insert    float64 `db:"insert_p99"`
	}
	err := b.db.Get(&r, `SELECT count(*) AS n, count(committed_at) AS committed,
			coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - coalesce(committed_at, queued_at))), 0) AS p50,
			coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - coalesce(committed_at, queued_at))), 0) AS p99,
			coalesce(max(extract(epoch FROM sealed_at - coalesce(committed_at, queued_at))), 0) AS mx,
			coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - queued_at)), 0) AS insert_p99
		FROM audit_events WHERE at >= $1 AND at < $2 AND queued_at IS NOT NULL`, from, to)
	if err != nil {
		fmt.Fprintln(stderr, "  sealing lag:", err)
	}
	sec := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	return lag{events: r.N, committed: r.Committed, p50: sec(r.P50), p99: sec(r.P99), max: sec(r.Max), fromInsert: sec(r.Insert)}
}

// profile records the server's CPU profile for the length of one
// measurement into file; the returned func waits for it.
func (b *bench) profile(file string) func() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := http.Get("http://" + b.cfg.pprof + "/debug/pprof/profile?seconds=" + strconv.Itoa(int(b.cfg.duration.Seconds())))
		if err != nil {
			fmt.Fprintln(stderr, "  profile:", err)
			return
		}
		defer res.Body.Close()
		f, err := os.Create(file)
		if err != nil {
			fmt.Fprintln(stderr, "  profile:", err)
			return
		}
		defer f.Close()
		io.Copy(f, res.Body)
		fmt.Fprintf(stderr, "  CPU profile of the server in %s (go tool pprof -top %s)\n", file, file)
	}()
	return func() { <-done }
}

// pair is an issuer minting for one partner that imports.
type pair struct {
	issuer, partner partner
	tokens          chan string
}

// fanIn compares, at 16 clients, one issuer whose tokens eight partners
// import at once with eight independent issuer-partner pairs: with nothing
// per application held to commit, the issuer is no bottleneck.
func (b *bench) fanIn() (fanin, independent result, err error) {
	const partners, clients = 8, 16
	hub, err := b.createApp("Fan-in Issuer", "wf_hub")
	if err != nil {
		return
	}
	if hub.sessions, err = b.generate(hub.ID, 500); err != nil {
		return
	}
	var shared, alone []pair
	for i := 0; i < partners; i++ {
		p, err := b.createApp(fmt.Sprintf("Fan-in Partner %d", i), "wf_partner_kyc")
		if err != nil {
			return fanin, independent, err
		}
		shared = append(shared, pair{issuer: hub, partner: p, tokens: make(chan string, 1<<16)})
		iss, err := b.createApp(fmt.Sprintf("Solo Issuer %d", i), "wf_solo")
		if err != nil {
			return fanin, independent, err
		}
		if iss.sessions, err = b.generate(iss.ID, 500); err != nil {
			return fanin, independent, err
		}
		q, err := b.createApp(fmt.Sprintf("Solo Partner %d", i), "wf_partner_kyc")
		if err != nil {
			return fanin, independent, err
		}
		alone = append(alone, pair{issuer: iss, partner: q, tokens: make(chan string, 1<<16)})
	}
	if err = b.analyze(); err != nil {
		return
	}
	run := func(what string, pairs []pair) result {
		per := b.tokensFor(len(pairs))
		var wg sync.WaitGroup
		for _, p := range pairs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for len(p.tokens) < per {
					if tok, ok := b.mintFor(p.issuer, p.partner); ok {
						p.tokens <- tok
					}
				}
			}()
		}
		wg.Wait()
		var next sync.Mutex
		i := 0
		return b.measure(what, clients, func() bool {
			next.Lock()
			p := pairs[i%len(pairs)]
			i++
			next.Unlock()
			return b.importOnce(p.partner, p.tokens)()
		})
	}
	// The independent pairs first: whatever the setup left behind (the
	// checkpoint after generating their sessions, autovacuum) weighs on
	// them, not on the scenario under test.
	independent = run("pairs", alone)
	fanin = run("fan-in", shared)
	return
}

// tokensFor is how many tokens each of n pairs needs for one import run:
// twice what the fastest mint run would have used, as imports run at about
// the speed of mints.
func (b *bench) tokensFor(n int) int {
	return int(2*b.mintRate*b.cfg.duration.Seconds())/n + 200
}

func (b *bench) mintFor(from, to partner) (string, bool) {
	return b.mintToken(from, from.sessions[rand.IntN(len(from.sessions))], to)
}

// loadAverage is the machine's one-minute load average (0 when unknown):
// the runs share the machine, and their figures mean little without it.
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscan(string(raw), &l)
	return l
}
