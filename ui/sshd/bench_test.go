package sshd_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	gossh "golang.org/x/crypto/ssh"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
)

// BenchmarkSSHSessions measures how many workstations one server process
// carries with every screen following live changes, and what each costs:
//
//	go test ./ui/sshd -run '^$' -bench SSHSessions -benchtime 20x
//
// For each size it opens N SSH sessions (N analysts, each in a 120×40
// terminal, on an application with a thousand sessions; each screen visits
// every tab, then half stay on Sessions and half on the imports queue), then
// decides b.N queued cases one after another through the service, and
// times each decision until the header of every one of the N screens shows
// the new queue count, one decision every 400 ms (a busy team's pace;
// closer ones are gathered into one reload per 200 ms by design). The
// clients run in a child process (this test
// binary again), so the memory measured is the server's alone:
//
//   - ms-p50, ms-p95, ms-max: decision to all N screens updated
//   - cpu-ms/change: the server process's CPU per change (all N screens)
//   - idle-cpu-%: the server's CPU with N screens open and nothing changing
//   - heap-MB/session, rss-MB/session: growth from opening the N sessions
//
// HANDOFF_LOAD_DEBUG=1 logs every latency, in order.
func BenchmarkSSHSessions(b *testing.B) {
	for _, n := range []int{10, 50, 100, 200, 400} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) { benchSessions(b, n) })
	}
}

func benchSessions(b *testing.B, n int) {
	w := newWorld(b, b.N+1)
	// A working application: a thousand finished sessions besides the queue.
	if err := demo.Generate(context.Background(), w.svc, demo.Options{App: w.y.ID, Count: 1000, Seed: 9, Kind: domain.KindUser,
		Actor: "bench"}, func(domain.Session) {}); err != nil {
		b.Fatal(err)
	}
	srv := startServer(b, w.svc)
	keys := filepath.Join(b.TempDir(), "keys")
	var lines []string
	for i := 0; i < n; i++ {
		_, priv, _ := ed25519.GenerateKey(nil)
		name := fmt.Sprintf("analyst%03d", i)
		signer, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.svc.AddAnalyst(context.Background(), review.Operator("test"), review.NewAnalyst{Name: name, Apps: []uuid.UUID{w.y.ID},
			Keys: []review.AnalystKey{{Fingerprint: gossh.FingerprintSHA256(signer.PublicKey()),
				PublicKey: string(gossh.MarshalAuthorizedKey(signer.PublicKey()))}}}); err != nil {
			b.Fatal(err)
		}
		lines = append(lines, name+" "+hex.EncodeToString(priv.Seed()))
	}
	if err := os.WriteFile(keys, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}

	heap0, rss0, g0 := memory()
	child := exec.Command(os.Args[0], "-test.run", "^TestSSHLoadClients$")
	child.Env = append(os.Environ(), "HANDOFF_LOAD_ADDR="+srv.addr, "HANDOFF_LOAD_KEYS="+keys,
		fmt.Sprintf("HANDOFF_LOAD_QUEUE=%d", b.N+1))
	child.Stderr = os.Stderr
	toChild, _ := child.StdinPipe()
	fromChild, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer child.Process.Kill()
	replies := bufio.NewScanner(fromChild)
	await := func(want string) {
		for replies.Scan() {
			if line := replies.Text(); strings.HasPrefix(line, "LOAD ") {
				if line != "LOAD "+want {
					b.Fatalf("load client: %s", line)
				}
				return
			}
		}
		b.Fatalf("load client ended: %v", replies.Err())
	}
	start := time.Now()
	await("ready")
	connectTime := time.Since(start)
	if got := srv.Sessions(); got != n {
		b.Fatalf("%d sessions open, want %d", got, n)
	}
	heap1, rss1, g1 := memory()

	// Idle: N screens open, nothing changing.
	cpu0 := cpuTime()
	time.Sleep(3 * time.Second)
	idle := float64(cpuTime()-cpu0) / float64(3*time.Second) * 100

	ctx := context.Background()
	bot := review.Analyst(w.y.ID, "bench-bot")
	lat := make([]time.Duration, 0, b.N)
	cpu0 = cpuTime()
	b.ResetTimer()
	next := time.Now()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Until(next))
		next = time.Now().Add(400 * time.Millisecond)
		t0 := time.Now()
		if _, err := w.svc.DecideCase(ctx, bot, w.cases[i].ID, domain.Approve("bench")); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(toChild, "%d\n", b.N-i)
		await("seen")
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	toChild.Close()
	child.Wait()

	if os.Getenv("HANDOFF_LOAD_DEBUG") != "" {
		b.Logf("latencies: %v", lat)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-p50")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "ms-p95")
	b.ReportMetric(ms(lat[len(lat)-1]), "ms-max")
	b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/change")
	b.ReportMetric(idle, "idle-cpu-%")
	b.ReportMetric(float64(heap1-heap0)/float64(n)/(1<<20), "heap-MB/session")
	b.ReportMetric(float64(rss1-rss0)/float64(n)/(1<<20), "rss-MB/session")
	b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/session")
	b.ReportMetric(connectTime.Seconds(), "s-to-connect-all")
}

// memory is the live heap after a collection, the resident set size and
// the goroutine count.
func memory() (heap, rss uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				rss = kb << 10
			}
		}
	}
	return ms.HeapInuse, rss, runtime.NumGoroutine()
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSSHLoadClients is the benchmark's client side, run in a child
// process: it connects every analyst listed in $HANDOFF_LOAD_KEYS, puts
// every other one on the queue tab, says "LOAD ready" once every screen
// shows the queue, then for each count read on stdin says "LOAD seen" once
// every screen's header shows it.
func TestSSHLoadClients(t *testing.T) {
	addr := os.Getenv("HANDOFF_LOAD_ADDR")
	if addr == "" {
		t.Skip("the client side of BenchmarkSSHSessions")
	}
	raw, err := os.ReadFile(os.Getenv("HANDOFF_LOAD_KEYS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	terms := make([]*term, len(lines))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, l := range lines {
		name, seedHex, _ := strings.Cut(l, " ")
		seed, _ := hex.DecodeString(seedHex)
		signer, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tm, err := open(t, addr, name, signer)
			if err != nil {
				t.Error(err)
				return
			}
			if _, ok := tm.until([]string{"handoff │", "? help"}, time.Now().Add(30*time.Second)); !ok {
				t.Errorf("%s: no screen", name)
				return
			}
			// Every tab once, as an analyst's first minutes would, so that
			// each holds what it shows; then Sessions or the queue.
			for _, tab := range []string{"5", "4", "3", "2", "1"} {
				io.WriteString(tm.stdin, tab)
			}
			if i%2 == 1 {
				io.WriteString(tm.stdin, "2")
			}
			terms[i] = tm
		}()
	}
	wg.Wait()
	if t.Failed() {
		fmt.Println("LOAD failed")
		t.FailNow()
	}
	queue := os.Getenv("HANDOFF_LOAD_QUEUE")
	allShow(t, terms, "· "+queue+" in queue")
	fmt.Println("LOAD ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		allShow(t, terms, "· "+in.Text()+" in queue")
		fmt.Println("LOAD seen")
	}
}

func allShow(t *testing.T, terms []*term, want string) {
	var wg sync.WaitGroup
	for _, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if text, ok := tm.until([]string{want}, time.Now().Add(30*time.Second)); !ok {
				t.Errorf("screen never showed %q:\n%s", want, text)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		fmt.Println("LOAD failed")
		t.FailNow()
	}
}
