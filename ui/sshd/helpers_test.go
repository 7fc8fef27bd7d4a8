package sshd_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	gossh "golang.org/x/crypto/ssh"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
	"handoff/ui/sshd"
)

// The SSH server end to end: real servers on :0 over a real database,
// clients from golang.org/x/crypto/ssh with a PTY, keystrokes in, and the
// screen read back through a small terminal emulator.

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// world is two applications on a fresh database: X, whose sessions only
// its analysts may see, and Y, with cases waiting in its queue.
type world struct {
	t     testing.TB
	svc   *review.Service
	x, y  domain.Application
	cases []domain.Session // Y's queue, oldest first: case-1, case-2, ...
	xOnly string           // a vendor_data only X has
}

func newWorld(t testing.TB, queued int) *world {
	t.Helper()
	w := &world{t: t, svc: review.New(pgtest.DB(t), review.WithLogger(quiet()))}
	t.Cleanup(w.svc.Close)
	ctx := context.Background()
	mk := func(name, wf string) domain.Application {
		a, err := w.svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: wf, Kind: domain.KindUser}}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Application
	}
	w.x, w.y = mk("Service X", "wf_x"), mk("Service Y", "wf_y")
	var srcs []domain.Session
	err := demo.Generate(ctx, w.svc, demo.Options{App: w.x.ID, Count: queued + 1, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 5, Actor: "test"}, func(s domain.Session) { srcs = append(srcs, s) })
	if err != nil {
		t.Fatal(err)
	}
	w.xOnly = srcs[0].VendorData
	for i, src := range srcs[1:] {
		m, err := w.svc.Share(ctx, review.Analyst(w.x.ID, "minter"), src.ID, w.y.ID, 3600)
		if err != nil {
			t.Fatal(err)
		}
		s, err := w.svc.Import(ctx, review.Analyst(w.y.ID, "importer"), review.ImportRequest{ShareToken: m.Token,
			WorkflowID: "wf_y", VendorData: fmt.Sprintf("case-%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		w.cases = append(w.cases, s)
	}
	return w
}

// analyst registers name for apps with a new ed25519 key and returns it.
func (w *world) analyst(name string, apps ...domain.Application) gossh.Signer {
	w.t.Helper()
	signer := newKey(w.t)
	req := review.NewAnalyst{Name: name, Keys: []review.AnalystKey{{Fingerprint: gossh.FingerprintSHA256(signer.PublicKey()),
		PublicKey: string(gossh.MarshalAuthorizedKey(signer.PublicKey()))}}}
	for _, a := range apps {
		req.Apps = append(req.Apps, a.ID)
	}
	if err := w.svc.AddAnalyst(context.Background(), review.Operator("test"), req); err != nil {
		w.t.Fatal(err)
	}
	return signer
}

func newKey(t testing.TB) gossh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claims lists who holds which case in app.
func (w *world) claims(app domain.Application) map[uuid.UUID]string {
	w.t.Helper()
	cs, err := w.svc.Claims(context.Background(), review.Analyst(app.ID, "check"))
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for id, c := range cs {
		out[id] = c.Analyst
	}
	return out
}

// server is an SSH server on 127.0.0.1:0 for svc.
type server struct {
	*sshd.Server
	addr string
	done chan error
}

func startServer(t testing.TB, svc *review.Service) *server {
	t.Helper()
	return startServerWith(t, svc, sshd.Config{})
}

func startServerWith(t testing.TB, svc *review.Service, cfg sshd.Config) *server {
	t.Helper()
	cfg.HostKeyPath, cfg.Logger = filepath.Join(t.TempDir(), "host_ed25519"), quiet()
	srv, err := sshd.New(svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{Server: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { s.done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return s
}

// term is one analyst's terminal connected to the server.
type term struct {
	t      testing.TB
	conn   *gossh.Client
	sess   *gossh.Session
	stdin  io.Writer
	screen *screen
	ended  chan struct{} // the server closed the session
}

const width, height = 120, 40

// dial connects as user with key, without opening a terminal.
func dial(addr, user string, key gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
}

// connect opens the workstation as user in a 120×40 xterm-256color and,
// unless a command picks the application, waits for its first screen.
func connect(t testing.TB, addr, user string, key gossh.Signer, command ...string) *term {
	t.Helper()
	tm, err := open(t, addr, user, key, command...)
	if err != nil {
		t.Fatal(err)
	}
	if len(command) == 0 {
		// Keys typed before the program draws are read by the terminal
		// queries at the start of a session, as with any terminal.
		tm.waitFor("handoff │", "? help")
	}
	return tm
}

// open connects and starts the shell (or command) in a PTY.
func open(t testing.TB, addr, user string, key gossh.Signer, command ...string) (*term, error) {
	conn, err := dial(addr, user, key)
	if err != nil {
		return nil, fmt.Errorf("%s connecting: %w", user, err)
	}
	t.Cleanup(func() { conn.Close() })
	sess, err := conn.NewSession()
	if err != nil {
		return nil, err
	}
	modes := gossh.TerminalModes{gossh.ECHO: 0, gossh.TTY_OP_ISPEED: 38400, gossh.TTY_OP_OSPEED: 38400}
	if err := sess.RequestPty("xterm-256color", height, width, modes); err != nil {
		return nil, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		return nil, err
	}
	tm := &term{t: t, conn: conn, sess: sess, stdin: stdin, screen: newScreen(width, height, stdin), ended: make(chan struct{})}
	if len(command) > 0 {
		err = sess.Start(strings.Join(command, " "))
	} else {
		err = sess.Shell()
	}
	if err != nil {
		return nil, err
	}
	var copying sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} { // a terminal shows both
		copying.Add(1)
		go func() { defer copying.Done(); io.Copy(tm.screen, r) }()
	}
	go func() {
		copying.Wait()
		close(tm.ended)
		conn.Close() // as ssh(1) does when the session ends
	}()
	return tm, nil
}

// send types keys: text as is, and "<enter>", "<esc>", "<down>" by name.
func (tm *term) send(keys ...string) {
	tm.t.Helper()
	names := map[string]string{"<enter>": "\r", "<esc>": "\x1b", "<down>": "\x1b[B", "<up>": "\x1b[A", "<tab>": "\t"}
	for _, k := range keys {
		if s, ok := names[k]; ok {
			k = s
		}
		if _, err := io.WriteString(tm.stdin, k); err != nil {
			tm.t.Fatalf("typing %q: %v", k, err)
		}
		if k == "\x1b" {
			// A lone escape is told from the start of a sequence by the
			// pause after it, as on a real keyboard.
			time.Sleep(60 * time.Millisecond)
		}
	}
}

// waitFor waits until the screen shows every one of want (and none of
// those written "!text"), polling until the deadline.
func (tm *term) waitFor(want ...string) string {
	tm.t.Helper()
	text, ok := tm.until(want, time.Now().Add(10*time.Second))
	if !ok {
		tm.t.Fatalf("screen never showed %q:\n%s", want, text)
	}
	return text
}

// until waits for the screen to show want, or for the deadline.
func (tm *term) until(want []string, deadline time.Time) (string, bool) {
	for {
		text := tm.screen.Text()
		if shows(text, want) {
			return text, true
		}
		if time.Now().After(deadline) {
			return text, false
		}
		select {
		case <-tm.screen.changed:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func shows(text string, want []string) bool {
	for _, s := range want {
		if neg, ok := strings.CutPrefix(s, "!"); ok {
			if strings.Contains(text, neg) {
				return false
			}
		} else if !strings.Contains(text, s) {
			return false
		}
	}
	return true
}

// waitEnded waits until the server has closed the session.
func (tm *term) waitEnded() {
	tm.t.Helper()
	select {
	case <-tm.ended:
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("the session stayed open:\n%s", tm.screen.Text())
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
