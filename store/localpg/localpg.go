// Package localpg runs handoff's private PostgreSQL cluster: the default
// database when DATABASE_URL is not set. It finds the server binaries the
// machine has, initialises a cluster in handoff's data folder on first use,
// starts it, and leaves it running for the next command to reuse.
package localpg

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"handoff/internal/datadir"
)

// DefaultPort is the TCP port of the default cluster: fixed, and not
// PostgreSQL's 5432 so it never collides with a system server.
const DefaultPort = 54329

// Config says where a cluster lives and how it runs.
type Config struct {
	Dir     string // handoff's data folder; the cluster lives in Dir/pg
	Port    int
	Durable bool // fsync on; tests switch it off for speed
}

// Cluster is one private PostgreSQL cluster.
type Cluster struct {
	cfg  Config
	bin  string
	runs *account // nil when the current user runs the server
}

// DefaultDir is handoff's data folder (see datadir.Default).
func DefaultDir() (string, error) { return datadir.Default() }

// New finds the server binaries and, when running as root, the account the
// server will run as. It starts nothing.
func New(cfg Config) (*Cluster, error) {
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = abs
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, bin: bin}
	if os.Geteuid() == 0 {
		acct, err := lookupServerAccount()
		if err != nil {
			return nil, err
		}
		c.runs = acct
	}
	return c, nil
}

func (c *Cluster) pgData() string   { return filepath.Join(c.cfg.Dir, "pg") }
func (c *Cluster) pwFile() string   { return filepath.Join(c.cfg.Dir, "pg-password") }
func (c *Cluster) logFile() string  { return filepath.Join(c.pgData(), "server.log") }
func (c *Cluster) lockFile() string { return filepath.Join(c.cfg.Dir, "pg.lock") }

// SocketDir is a short folder under /tmp for the Unix socket: socket paths
// must stay under 107 bytes, which a deep data folder would exceed.
func (c *Cluster) SocketDir() string {
	sum := sha256.Sum256([]byte(c.cfg.Dir))
	return filepath.Join(os.TempDir(), "handoff-pg-"+hex.EncodeToString(sum[:5]))
}

// DSN is how handoff itself connects: over the Unix socket, trusted by the
// cluster's local rule. dbname picks the database.
func (c *Cluster) DSN(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=handoff dbname=%s sslmode=disable", c.SocketDir(), c.cfg.Port, dbname)
}

// URL is the TCP connection URL (with the cluster's generated password) for
// psql and other tools.
func (c *Cluster) URL(dbname string) (string, error) {
	pw, err := os.ReadFile(c.pwFile())
	if err != nil {
		return "", fmt.Errorf("the local cluster is not initialised yet (run `handoff db start`): %w", err)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("handoff", strings.TrimSpace(string(pw))),
		Host: "127.0.0.1:" + strconv.Itoa(c.cfg.Port), Path: "/" + dbname, RawQuery: "sslmode=disable"}
	return u.String(), nil
}

// Start initialises the cluster on first use and starts it unless it is
// already running. Concurrent callers (several processes) are serialised by
// a lock file, so exactly one of them does the work.
func (c *Cluster) Start(ctx context.Context) error {
	if err := os.MkdirAll(c.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("creating handoff's data folder %s: %w", c.cfg.Dir, err)
	}
	unlock, err := lock(c.lockFile())
	if err != nil {
		return err
	}
	defer unlock()
	if c.runs != nil {
		// Every time: a home folder's mode may have been tightened since.
		if err := c.runs.reach(c.cfg.Dir); err != nil {
			return err
		}
		if err := c.reachable(ctx); err != nil {
			return err
		}
	}
	// Commit times are recorded so that an audit event's sealing lag can be
	// measured from its use case's commit (store.TakePending reads them).
	const commitTimes = "track_commit_timestamp=on"
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c %s", c.cfg.Port, c.SocketDir(), commitTimes)
	if c.running(ctx) {
		if c.startedWith(commitTimes) {
			return nil
		}
		// Started by an earlier handoff without a setting this one needs:
		// the setting takes a restart.
		if out, err := c.run(ctx, "pg_ctl", "restart", "-w", "-t", "60", "-m", "fast", "-D", c.pgData(), "-l", c.logFile(), "-o", opts); err != nil {
			return fmt.Errorf("restarting PostgreSQL in %s failed: %v\n%s%s", c.pgData(), err, out, c.logTail())
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(c.pgData(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if err := c.prepareSocketDir(); err != nil {
		return err
	}
	out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.pgData(), "-l", c.logFile(), "-o", opts)
	if err != nil {
		return fmt.Errorf("starting PostgreSQL in %s failed: %v\n%s%s", c.pgData(), err, out, c.logTail())
	}
	if c.runs != nil {
		// Not reported as started unless the server can keep working: it
		// reopens its files at every checkpoint.
		return c.reachable(ctx)
	}
	return nil
}

// Stop stops the cluster if it runs.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.running(ctx) {
		return nil
	}
	out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.pgData())
	if err != nil {
		return fmt.Errorf("stopping PostgreSQL: %v\n%s", err, out)
	}
	return nil
}

// startedWith says whether the running server was started with setting
// (PostgreSQL writes its command line to postmaster.opts).
func (c *Cluster) startedWith(setting string) bool {
	b, err := os.ReadFile(filepath.Join(c.pgData(), "postmaster.opts"))
	return err == nil && strings.Contains(string(b), setting)
}

func (c *Cluster) running(ctx context.Context) bool {
	if _, err := os.Stat(filepath.Join(c.pgData(), "postmaster.pid")); err != nil {
		return false
	}
	_, err := c.run(ctx, "pg_ctl", "status", "-D", c.pgData())
	return err == nil
}

func (c *Cluster) initdb(ctx context.Context) error {
	if err := os.MkdirAll(c.pgData(), 0o700); err != nil {
		return err
	}
	pw := make([]byte, 18)
	if _, err := rand.Read(pw); err != nil {
		return err
	}
	if err := os.WriteFile(c.pwFile(), []byte(hex.EncodeToString(pw)+"\n"), 0o600); err != nil {
		return err
	}
	// initdb reads the password from a file the server account can read;
	// it lives inside the new data folder only for the duration of initdb.
	tmpPw := filepath.Join(c.cfg.Dir, "pg-initpw")
	if err := os.WriteFile(tmpPw, []byte(hex.EncodeToString(pw)+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(tmpPw)
	if c.runs != nil {
		for _, p := range []string{c.pgData(), tmpPw} {
			if err := os.Chown(p, c.runs.uid, c.runs.gid); err != nil {
				return err
			}
		}
	}
	out, err := c.run(ctx, "initdb", "-D", c.pgData(), "-U", "handoff", "-E", "UTF8", "--locale=C",
		"--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile="+tmpPw)
	if err != nil {
		os.RemoveAll(c.pgData())
		return fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	conf := []string{
		"max_connections = 200",
		"shared_buffers = 128MB",
		"unix_socket_permissions = 0700",
		"log_min_messages = warning",
		"log_line_prefix = '%m [%p] '",
	}
	if !c.cfg.Durable {
		conf = append(conf, "fsync = off", "synchronous_commit = off", "full_page_writes = off")
	}
	f, err := os.OpenFile(filepath.Join(c.pgData(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("\n# handoff\n" + strings.Join(conf, "\n") + "\n")
	return err
}

func (c *Cluster) prepareSocketDir() error {
	dir := c.SocketDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if c.runs != nil {
		return os.Chown(dir, c.runs.uid, c.runs.gid)
	}
	return nil
}

func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.logFile())
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "server log:\n" + string(b)
}

// run runs one server binary, as the server account when we are root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	return c.runPath(ctx, filepath.Join(c.bin, name), args...)
}

func (c *Cluster) runPath(ctx context.Context, path string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if c.runs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(c.runs.uid), Gid: uint32(c.runs.gid)}}
		cmd.Env = append(cmd.Env, "HOME="+os.TempDir())
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start leaves the server running with our pipes; don't wait on them.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Bin is the path of one of the server's programs, such as pgbench.
func (c *Cluster) Bin(name string) string { return filepath.Join(c.bin, name) }

// Port is the cluster's TCP port (also the number in its socket's name).
func (c *Cluster) Port() int { return c.cfg.Port }

// SparePort is the port for the n-th cluster (n from 1) that a test starts
// beside the shared test cluster: $HANDOFF_TEST_SPARE_PORT + n, else
// 31400 + n. Below Linux's ephemeral range, so no outgoing connection holds
// it; settable, so two suites running at once on one machine do not take
// each other's.
func SparePort(n int) int {
	base := 31400
	if p, err := strconv.Atoi(os.Getenv("HANDOFF_TEST_SPARE_PORT")); err == nil {
		base = p
	}
	return base + n
}
