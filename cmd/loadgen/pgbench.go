package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var stderr io.Writer = os.Stderr

var tpsRe = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs script (mintSQL or importSQL) at concurrency n with the
// same duration and returns PostgreSQL's throughput for it.
func (b *bench) pgbench(ctx context.Context, what, script string, n int) (result, error) {
	file := filepath.Join(os.TempDir(), "handoff-"+what+".pgbench")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		return result{}, err
	}
	threads := min(n, 2)
	logDir, err := os.MkdirTemp("", "handoff-pgbench-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(logDir)
	args := []string{"-n", "-M", "extended", "-c", strconv.Itoa(n), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(int(b.cfg.duration.Seconds())), "-f", file, "-l", "--log-prefix", filepath.Join(logDir, "tx"),
		"-D", "x=" + b.x.ID, "-D", "y=" + b.y.ID, "-D", "nsessions=" + strconv.Itoa(len(b.sessions)),
		"-D", "ntokens=" + strconv.Itoa(b.benchTokens),
		"-h", b.cluster.SocketDir(), "-p", strconv.Itoa(b.cluster.Port()), "-U", "handoff", benchDB}
	cmd := exec.CommandContext(ctx, b.cluster.Bin("pgbench"), args...)
	b.resetStatements()
	out, err := cmd.CombinedOutput()
	b.printStatements("bare " + what)
	if err != nil {
		return result{}, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	m := tpsRe.FindSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	r := result{what: "bare " + what, concurrency: n, ok: int(tps * b.cfg.duration.Seconds()), elapsed: b.cfg.duration, load: loadAverage()}
	lat, err := pgbenchLatencies(logDir)
	if err != nil {
		return result{}, err
	}
	r.p50, r.p95, r.p99 = percentiles(lat)
	fmt.Fprintf(stderr, "  bare %-6s c=%-3d %8.0f/s  p50 %-8s p99 %-8s\n", what, n, tps, r.p50, r.p99)
	return r, nil
}

// pgbenchLatencies reads pgbench's per-transaction logs, whose third field
// is the latency in microseconds.
func pgbenchLatencies(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx*"))
	if err != nil {
		return nil, err
	}
	var lat []time.Duration
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(raw), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err == nil {
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
	}
	return lat, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
