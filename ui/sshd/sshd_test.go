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

// Only registered keys get in, and only under their analyst's name; a
// removed analyst's next connection is refused.
func TestSSHAuthentication(t *testing.T) {
	w := newWorld(t, 1)
	srv := startServer(t, w.svc)
	alice := w.analyst("alice", w.y)
	w.analyst("bob", w.y)

	if c, err := dial(srv.addr, "alice", newKey(t)); err == nil {
		c.Close()
		t.Fatal("an unregistered key got in")
	} else if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("unregistered key: %v", err)
	}
	if c, err := dial(srv.addr, "bob", alice); err == nil {
		c.Close()
		t.Fatal("alice's key got in as bob")
	}

	a := connect(t, srv.addr, "alice", alice)
	a.waitFor("handoff", "Service Y", "analyst alice", "1 in queue")
	if srv.Sessions() != 1 {
		t.Fatalf("%d open sessions", srv.Sessions())
	}

	if err := w.svc.RemoveAnalyst(context.Background(), review.Operator("test"), "alice"); err != nil {
		t.Fatal(err)
	}
	if c, err := dial(srv.addr, "alice", alice); err == nil {
		c.Close()
		t.Fatal("a removed analyst got in")
	}
	a.send("q")
	a.waitEnded()
}

// An analyst of one application never sees another application's
// sessions, and may switch only to their own applications.
func TestSSHApplicationIsolation(t *testing.T) {
	w := newWorld(t, 2)
	srv := startServer(t, w.svc)
	key := w.analyst("carol", w.y)

	// Asking for X by name is refused, in words.
	c := connect(t, srv.addr, "carol", key, "Service", "X")
	c.waitEnded()
	if ever := c.screen.Ever(); !strings.Contains(ever, `not registered for application "Service X"`) {
		t.Fatalf("asking for another application:\n%s", ever)
	}

	c = connect(t, srv.addr, "carol", key)
	c.waitFor("Service Y", "Finished sessions", "case-1", "case-2")
	c.send("A")
	c.waitFor("Work in another application", "Service Y  current")
	c.send("<esc>", "4")
	c.waitFor("Audit trail")
	c.send("3")
	c.waitFor("Share tokens minted here")
	if ever := c.screen.Ever(); strings.Contains(ever, "Service X") || strings.Contains(ever, w.xOnly) {
		t.Fatalf("carol saw application X (%s):\n%s", w.xOnly, c.screen.Text())
	}
}

// A terminal that answers the picture probe late (a slow link: after the
// probe gave up) types nothing: its replies are taken out of the input for
// the whole session, even into a text field.
func TestSSHLateTerminalRepliesAreNoKeys(t *testing.T) {
	w := newWorld(t, 2)
	srv := startServer(t, w.svc)
	c := connect(t, srv.addr, "carol", w.analyst("carol", w.y))
	c.waitFor("Finished sessions", "case-1", "case-2")
	c.send("/", "\x1b_Gi=31;OK\x1b\\", "\x1b[?62;4c", "case-2", "<enter>")
	c.waitFor("case-2", "!case-1")
	if ever := c.screen.Ever(); strings.Contains(ever, "Gi=31") || strings.Contains(ever, "62;4c") {
		t.Fatalf("a late reply was typed:\n%s", c.screen.Text())
	}
}

// Analyst A's decision, made by keystrokes, appears on analyst B's screen.
func TestSSHDecisionReachesOtherScreens(t *testing.T) {
	w := newWorld(t, 3)
	srv := startServer(t, w.svc)
	a := connect(t, srv.addr, "alice", w.analyst("alice", w.y))
	b := connect(t, srv.addr, "bob", w.analyst("bob", w.y))
	for _, tm := range []*term{a, b} {
		tm.send("2")
		tm.waitFor("3 in queue", "case-1", "case-2", "case-3")
	}

	a.send("<enter>") // opens case-1: alice's now
	a.waitFor("Session #1", "yours while the case is open")
	b.waitFor("claimed by alice")
	b.send("a")
	b.waitFor("Case #1 is claimed by alice")

	start := time.Now()
	a.send("a", "<enter>", "y")
	a.waitFor("Session #1 is now Approved")
	b.waitFor("2 in queue", "!case-1", "case-2", "case-3")
	t.Logf("alice's decision reached bob's screen in %v", time.Since(start).Round(time.Millisecond))
}

// Two analysts pressing n at once never hold the same case.
func TestSSHRacingForTheNextCase(t *testing.T) {
	w := newWorld(t, 3)
	srv := startServer(t, w.svc)
	a := connect(t, srv.addr, "alice", w.analyst("alice", w.y))
	b := connect(t, srv.addr, "bob", w.analyst("bob", w.y))
	for _, tm := range []*term{a, b} {
		tm.send("2")
		tm.waitFor("3 in queue")
	}
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for _, tm := range []*term{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := io.WriteString(tm.stdin, "n"); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		a.waitFor("yours while the case is open")
		b.waitFor("yours while the case is open")
		claims := w.claims(w.y)
		held := map[string]int{}
		for _, who := range claims {
			held[who]++
		}
		if len(claims) != 2 || held["alice"] != 1 || held["bob"] != 1 {
			t.Fatalf("round %d: claims %v", round, claims)
		}
		a.send("<esc>")
		b.send("<esc>")
		a.waitFor("Waiting for review")
		b.waitFor("Waiting for review")
		eventually(t, "both released", func() bool { return len(w.claims(w.y)) == 0 })
	}
}

// A connection that drops leaves no claim behind.
func TestSSHDropReleasesClaims(t *testing.T) {
	w := newWorld(t, 2)
	srv := startServer(t, w.svc)
	a := connect(t, srv.addr, "alice", w.analyst("alice", w.y))
	a.send("2", "n")
	a.waitFor("yours while the case is open")
	if len(w.claims(w.y)) != 1 {
		t.Fatal("alice holds a case")
	}
	a.conn.Close()
	eventually(t, "the dropped connection's claim is released", func() bool { return len(w.claims(w.y)) == 0 })
	eventually(t, "the program ended", func() bool { return srv.Sessions() == 0 })
}

// Shutdown tells every open session, then closes it.
func TestSSHShutdown(t *testing.T) {
	w := newWorld(t, 1)
	srv := startServer(t, w.svc)
	a := connect(t, srv.addr, "alice", w.analyst("alice", w.y))
	b := connect(t, srv.addr, "bob", w.analyst("bob", w.y))
	a.send("2", "<enter>")
	a.waitFor("yours while the case is open")
	b.waitFor("Finished sessions")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	for _, tm := range []*term{a, b} {
		tm.waitEnded()
		ever := tm.screen.Ever()
		if !strings.Contains(ever, "The server is shutting down") {
			t.Fatalf("not told:\n%s", ever)
		}
		// ... and told again below the workstation, where it stays.
		if text := tm.screen.Text(); !strings.Contains(text, "handoff is shutting down; your work is saved") {
			t.Fatalf("no goodbye left on the terminal:\n%s", text)
		}
	}
	if len(w.claims(w.y)) != 0 {
		t.Fatal("claims outlived the server")
	}
	if err := <-srv.done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if c, err := dial(srv.addr, "alice", newKey(t)); err == nil {
		c.Close()
		t.Fatal("still accepting connections")
	}
}

// Two servers, each with its own service, on one database (two handoff
// processes): a decision made through one reaches a screen of the other.
func TestSSHTwoServersOneDatabase(t *testing.T) {
	w := newWorld(t, 2)
	other := review.New(w.svc.DB(), review.WithLogger(quiet()))
	t.Cleanup(other.Close)
	one, two := startServer(t, w.svc), startServer(t, other)
	a := connect(t, one.addr, "alice", w.analyst("alice", w.y))
	b := connect(t, two.addr, "bob", w.analyst("bob", w.y))
	for _, tm := range []*term{a, b} {
		tm.send("2")
		tm.waitFor("2 in queue", "case-1")
	}
	a.send("d", "1", "<tab>", "forged", "<enter>", "y")
	a.waitFor("Session #1 is now Declined")
	b.waitFor("1 in queue", "!case-1", "case-2")
}
