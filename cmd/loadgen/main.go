// Command loadgen measures handoff's mint and import throughput against
// PostgreSQL's own speed on the same machine, in the same run: it starts
// `handoff serve` on a fresh database of the local cluster, drives mint and
// import requests at several concurrencies, runs pgbench with the bare
// statements of a mint and of an import (bare.go) at the same
// concurrencies, measures how long events wait to be sealed into the audit
// log, and compares one issuer importing into eight partners at once with
// eight independent pairs. It prints a markdown report.
//
//	go run ./cmd/loadgen -bin ./bin/handoff [-duration 5s] [-levels 1,4,16,64] [-fanin=false]
//	    [-cpuprofile file [-pprof addr]] [-seed-sessions 1000000 -seed-entries 100000]
//
// The cluster is the default local one (handoff's data folder and
// HANDOFF_PG_PORT, as handoff itself finds them), on a fresh database.
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
	fanin    bool
	profile  string
	pprof    string
	// The seeded comparison (seeded.go), when seedSessions > 0.
	seedSessions, seedEntries, seedRounds int
	tokenCheck                            int  // rounds of the token record comparison (tokencheck.go)
	statements                            bool // print the top statements of each run (statements.go)
}

func main() {
	var cfg config
	var levels string
	flag.StringVar(&cfg.bin, "bin", "./bin/handoff", "the handoff binary")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long each measurement runs")
	flag.StringVar(&levels, "levels", "1,4,16,64", "concurrencies")
	flag.IntVar(&cfg.sessions, "sessions", 2000, "finished sessions to share from")
	flag.BoolVar(&cfg.fanin, "fanin", true, "also measure one issuer with eight partners against eight independent pairs")
	flag.StringVar(&cfg.profile, "cpuprofile", "", "write the server's CPU profile during the import run at the middle level to this file (and the mint run's to this file with .mint appended)")
	flag.StringVar(&cfg.pprof, "pprof", "127.0.0.1:55511", "where the server under test serves its profiles (with -cpuprofile)")
	flag.IntVar(&cfg.seedSessions, "seed-sessions", 0, "also compare imports into an application seeded with this many sessions (and -seed-entries list entries) with an empty one")
	flag.IntVar(&cfg.seedEntries, "seed-entries", 100_000, "list entries of the seeded application")
	flag.IntVar(&cfg.seedRounds, "seed-rounds", 2, "turns of empty and seeded import runs")
	flag.IntVar(&cfg.tokenCheck, "token-check", 0, "also run this many turns of the bare import with and without the token record check")
	flag.BoolVar(&cfg.statements, "statements", false, "after each handoff run, print the statements PostgreSQL spent most time on (needs pg_stat_statements preloaded)")
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
	cfg         config
	cluster     *localpg.Cluster
	db          *sqlx.DB
	dsn         string
	base        string
	x, y        partner
	sessions    []string
	benchTokens int
	mintRate    float64 // the fastest mint run's, to size the token supply
}

type partner struct {
	ID       string `json:"application_id"`
	APIKey   string `json:"api_key"`
	sessions []string
}

func run(ctx context.Context, cfg config) error {
	dir, err := localpg.DefaultDir()
	if err != nil {
		return err
	}
	port := localpg.DefaultPort
	if p, err := strconv.Atoi(os.Getenv("HANDOFF_PG_PORT")); err == nil {
		port = p // as handoff itself reads it
	}
	c, err := localpg.New(localpg.Config{Dir: dir, Port: port, Durable: true})
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

	if b.db, err = sqlx.Connect("postgres", b.dsn); err != nil {
		return err
	}
	defer b.db.Close()
	if err := b.analyze(); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "measuring %d levels x %s each ...\n", len(cfg.levels), cfg.duration)
	var rep report
	tokens := make(chan string, 1<<20)
	b.warmUp(cfg.levels[0], b.mintOnce(b.x, b.y, tokens))
	for i, n := range cfg.levels {
		var stopProfile func()
		if cfg.profile != "" && i == len(cfg.levels)/2 {
			stopProfile = b.profile(cfg.profile + ".mint")
		}
		r := b.measure("mint", n, b.mintOnce(b.x, b.y, tokens))
		if stopProfile != nil {
			stopProfile()
		}
		rep.mints = append(rep.mints, r)
		b.mintRate = max(b.mintRate, r.rate())
	}
	for i, n := range cfg.levels {
		b.topUp(b.x, b.y, tokens, n)
		var stopProfile func()
		if cfg.profile != "" && i == len(cfg.levels)/2 {
			stopProfile = b.profile(cfg.profile)
		}
		rep.imports = append(rep.imports, b.measure("import", n, b.importOnce(b.y, tokens)))
		if stopProfile != nil {
			stopProfile()
		}
	}
	if err := b.prepareBare(ctx); err != nil {
		return err
	}
	for _, n := range cfg.levels {
		r, err := b.pgbench(ctx, "mint", mintSQL, n)
		if err != nil {
			return err
		}
		rep.bareMints = append(rep.bareMints, r)
		if r, err = b.pgbench(ctx, "import", importSQL, n); err != nil {
			return err
		}
		rep.bareImports = append(rep.bareImports, r)
	}
	if cfg.tokenCheck > 0 {
		if rep.tokenCheck, err = b.tokenCheckRuns(ctx, cfg.levels[len(cfg.levels)/2], cfg.tokenCheck); err != nil {
			return err
		}
	}
	if cfg.fanin {
		if rep.fanin, rep.independent, err = b.fanIn(); err != nil {
			return err
		}
	}
	if cfg.seedSessions > 0 {
		z, err := b.createApp("Bench Seeded Partner", "wf_partner_kyc")
		if err != nil {
			return err
		}
		if err := b.seedPartner(ctx, z, cfg.seedSessions, cfg.seedEntries); err != nil {
			return err
		}
		rep.seeded = b.seeded(z, cfg.levels[len(cfg.levels)/2], cfg.seedRounds)
	}
	rep.write(os.Stdout, cfg)
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
	}{{&b.x, "Bench Issuer", "wf_x_kyc"}, {&b.y, "Bench Partner", "wf_partner_kyc"}} {
		var err error
		if *p.dst, err = b.createApp(p.name, p.wf); err != nil {
			return err
		}
	}
	var err error
	b.sessions, err = b.generate(b.x.ID, b.cfg.sessions)
	b.x.sessions = b.sessions
	return err
}

// generate makes n finished KYC sessions in app and returns their ids.
func (b *bench) generate(app string, n int) ([]string, error) {
	out, err := b.handoff("session", "generate", "--app", app, "--count", strconv.Itoa(n),
		"--kind", "user", "--status", "Approved", "--json")
	if err != nil {
		return nil, err
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var s struct {
			ID string `json:"session_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, err
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

// createApp makes an application with one KYC workflow.
func (b *bench) createApp(name, workflow string) (partner, error) {
	var p partner
	out, err := b.handoff("app", "create", "--name", name, "--workflow", workflow+":user", "--json")
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal(out, &p)
}

// analyze gives the planner statistics of what setup made. A deployment's
// are kept current by autovacuum; a database made seconds ago has none,
// and the bare runs (after prepareBare's ANALYZE) would be planned with
// them while handoff's were not.
func (b *bench) analyze() error {
	_, err := b.db.Exec(`ANALYZE`)
	return err
}

// prepareBare numbers the tokens minted so far, for the bare import to
// pick one at random by its number as handoff picks one by its id.
func (b *bench) prepareBare(ctx context.Context) error {
	if _, err := b.db.ExecContext(ctx, `CREATE TABLE bench_tokens AS
		SELECT row_number() OVER (ORDER BY token_id) AS n, token_id, session_id FROM share_tokens WHERE application_id = $1`, b.x.ID); err != nil {
		return err
	}
	if _, err := b.db.ExecContext(ctx, `CREATE UNIQUE INDEX ON bench_tokens (n); ANALYZE`); err != nil {
		return err
	}
	return b.db.GetContext(ctx, &b.benchTokens, `SELECT count(*) FROM bench_tokens`)
}

// serve starts `handoff serve` on a free port and returns how to stop it.
func (b *bench) serve() (func(), error) {
	args := []string{"serve", "--http", "127.0.0.1:0", "--log-level", "debug"}
	if b.cfg.profile != "" {
		args = append(args, "--pprof", b.cfg.pprof)
	}
	cmd := exec.Command(b.cfg.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.dsn)
	// One log line per request would drown the report: the server's log
	// goes to a file, at debug level for each sealing batch's timings
	// (events, read, hash and sign, save).
	logf, err := os.CreateTemp("", "handoff-bench-serve-*.log")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "server log: %s\n", logf.Name())
	cmd.Stderr = logf
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
	return func() { cmd.Process.Signal(os.Interrupt); cmd.Wait(); logf.Close() }, nil
}

func numCPU() int { return runtime.NumCPU() }
