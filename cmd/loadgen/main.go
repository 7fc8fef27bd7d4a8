// Command loadgen measures handoff's share and import throughput against
// PostgreSQL's own limit on the same machine, in the same run: it starts
// `handoff serve` on a fresh database of the local cluster, drives mint and
// import requests at several concurrencies, then runs pgbench with the SQL
// of one import at the same concurrencies, and prints a markdown report.
//
//	go run ./cmd/loadgen -bin ./bin/handoff [-duration 5s] [-levels 1,4,16,64]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"handoff/store/localpg"
)

const benchDB = "handoff_bench"

type config struct {
	bin      string
	duration time.Duration
	levels   []int
	sessions int
}

func main() {
	var cfg config
	var levels string
	flag.StringVar(&cfg.bin, "bin", "./bin/handoff", "the handoff binary")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long each measurement runs")
	flag.StringVar(&levels, "levels", "1,4,16,64", "concurrencies")
	flag.IntVar(&cfg.sessions, "sessions", 2000, "finished sessions to share from")
	flag.Parse()
	for _, l := range strings.Split(levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil || n < 1 {
			fatal(fmt.Errorf("bad -levels %q", levels))
		}
		cfg.levels = append(cfg.levels, n)
	}
	if err := run(context.Background(), cfg); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// bench is one run's fixture: the server, its database and two partners.
type bench struct {
	cfg      config
	cluster  *localpg.Cluster
	dsn      string
	base     string
	x, y     partner
	sessions []string
}

type partner struct {
	ID     string `json:"application_id"`
	APIKey string `json:"api_key"`
}

func run(ctx context.Context, cfg config) error {
	dir, err := localpg.DefaultDir()
	if err != nil {
		return err
	}
	c, err := localpg.New(localpg.Config{Dir: dir, Port: localpg.DefaultPort, Durable: true})
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	b := &bench{cfg: cfg, cluster: c, dsn: c.DSN(benchDB)}
	if err := b.freshDatabase(ctx); err != nil {
		return err
	}
	if err := b.setup(); err != nil {
		return err
	}
	stop, err := b.serve()
	if err != nil {
		return err
	}
	defer stop()

	fmt.Fprintf(os.Stderr, "measuring %d levels x %s each ...\n", len(cfg.levels), cfg.duration)
	var mints, imports, pg []result
	tokens := make(chan string, 1<<20)
	for _, n := range cfg.levels {
		mints = append(mints, b.load("mint", n, b.mintOnce(tokens)))
	}
	for _, n := range cfg.levels {
		b.topUp(tokens, n)
		imports = append(imports, b.load("import", n, b.importOnce(tokens)))
	}
	for _, n := range cfg.levels {
		r, err := b.pgbench(ctx, n)
		if err != nil {
			return err
		}
		pg = append(pg, r)
	}
	report(os.Stdout, cfg, mints, imports, pg)
	return nil
}

func (b *bench) freshDatabase(ctx context.Context) error {
	admin, err := sqlx.Open("postgres", b.cluster.DSN("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+benchDB+` WITH (FORCE)`); err != nil {
		return err
	}
	_, err = admin.ExecContext(ctx, `CREATE DATABASE `+benchDB)
	return err
}

// handoff runs the binary on the bench database.
func (b *bench) handoff(args ...string) ([]byte, error) {
	cmd := exec.Command(b.cfg.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.dsn)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("handoff %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

func (b *bench) setup() error {
	for _, p := range []struct {
		dst  *partner
		name string
		wf   string
	}{{&b.x, "Bench Issuer", "wf_x_kyc:user"}, {&b.y, "Bench Partner", "wf_partner_kyc:user"}} {
		out, err := b.handoff("app", "create", "--name", p.name, "--workflow", p.wf, "--json")
		if err != nil {
			return err
		}
		if err := json.Unmarshal(out, p.dst); err != nil {
			return err
		}
	}
	out, err := b.handoff("session", "generate", "--app", b.x.ID, "--count", strconv.Itoa(b.cfg.sessions),
		"--kind", "user", "--status", "Approved", "--json")
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var s struct {
			ID string `json:"session_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return err
		}
		b.sessions = append(b.sessions, s.ID)
	}
	return nil
}

// serve starts `handoff serve` on a free port and returns how to stop it.
func (b *bench) serve() (func(), error) {
	cmd := exec.Command(b.cfg.bin, "serve", "--http", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("handoff serve did not start: %v", err)
	}
	b.base = strings.TrimSpace(line[strings.Index(line, "http://"):])
	return func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }, nil
}

func numCPU() int { return runtime.NumCPU() }
