// Package sshd serves the review workstation over SSH: one Bubble Tea
// program per connection, each with its own renderer and colour profile,
// for analysts who authenticate with a registered public key.
package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"handoff/domain"
	"handoff/review"
	"handoff/ui"
	"handoff/ui/widget/picture"
)

// Config configures the SSH server.
type Config struct {
	Addr        string // e.g. 127.0.0.1:23234
	HostKeyPath string // generated on first start, then reused
	// IdleTimeout closes a workstation after this long without a keystroke
	// (live screen updates do not count), and connections without any
	// traffic; 0 never.
	IdleTimeout time.Duration
	// IdleCheck is how often a workstation's idle time is looked at; 0 is
	// a quarter of IdleTimeout, at most a minute.
	IdleCheck time.Duration
	// Now is the clock idle time is measured by; nil is time.Now. Tests
	// set both to step through a timeout instead of waiting it out.
	Now func() time.Time
	// Limits bound connections that have not logged in (see Limits).
	Limits Limits
	Logger *slog.Logger
}

// Server is the workstation's SSH server.
type Server struct {
	svc  *review.Service
	log  *slog.Logger
	srv  *ssh.Server
	idle time.Duration
	// every and now are Config.IdleCheck and Config.Now, defaults applied.
	every time.Duration
	now   func() time.Time
	gate  *gate

	mu       sync.Mutex
	programs map[ssh.Session]*tea.Program
	farewell map[ssh.Session]string // why the server ended a program
	closing  bool
	drained  chan struct{} // closed when the last program ends during shutdown
}

type analystKey struct{}

// fps is how often a workstation may redraw: 30 frames a second is
// smooth for a keyboard UI, and half the wake-ups of Bubble Tea's default
// 60 for each of hundreds of idle screens.
const fps = 30

// New builds the server; Serve starts it.
func New(svc *review.Service, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := ensureHostKey(cfg.HostKeyPath); err != nil {
		return nil, err
	}
	if cfg.IdleCheck == 0 {
		cfg.IdleCheck = min(cfg.IdleTimeout/4, time.Minute)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{svc: svc, log: cfg.Logger, idle: cfg.IdleTimeout, every: cfg.IdleCheck, now: cfg.Now,
		programs: map[ssh.Session]*tea.Program{}, farewell: map[ssh.Session]string{}, gate: newGate(cfg.Limits, cfg.Logger)}
	opts := []ssh.Option{
		wish.WithAddress(cfg.Addr),
		ssh.HostKeyFile(cfg.HostKeyPath),
		wish.WithPublicKeyAuth(s.authenticate),
		// The last middleware runs first: track sees the program end.
		wish.WithMiddleware(bm.MiddlewareWithProgramHandler(s.program, termenv.ANSI256), s.track),
	}
	opts = append(opts, s.gate.options()...)
	if cfg.IdleTimeout > 0 {
		// Connections with no traffic at all; workstations are closed
		// sooner, by closeWhenIdle, which counts keystrokes only.
		opts = append(opts, wish.WithIdleTimeout(cfg.IdleTimeout+time.Minute))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	s.srv = srv
	return s, nil
}

// authenticate admits a key registered for a live analyst whose name is the
// SSH user name. Everyone else is refused before any screen is drawn.
func (s *Server) authenticate(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	info, err := s.svc.AnalystByKey(ctx, ctx.User(), fp)
	if err != nil {
		if !domain.IsCode(err, domain.CodeUnauthorized) {
			s.log.Error("ssh: looking up a key", "err", err)
		}
		s.log.Info("ssh: refused key", "user", ctx.User(), "fingerprint", fp, "remote", ctx.RemoteAddr().String())
		return false
	}
	if len(info.Apps) == 0 {
		s.log.Info("ssh: analyst works for no live application", "user", ctx.User())
		return false
	}
	ctx.SetValue(analystKey{}, info)
	return true
}

// program makes one workstation for one connection. The first command
// argument, if any, picks the application (`ssh -t alice@host "Harbor Pay"`).
func (s *Server) program(sess ssh.Session) *tea.Program {
	info, ok := sess.Context().Value(analystKey{}).(review.AnalystInfo)
	if !ok {
		wish.Fatalln(sess, "not authenticated")
		return nil
	}
	pty, _, hasPTY := sess.Pty()
	if !hasPTY {
		wish.Fatalln(sess, "handoff is a terminal workstation: connect with a terminal (ssh -t).")
		return nil
	}
	ctx := sess.Context()
	app := info.Apps[0]
	if args := sess.Command(); len(args) > 0 {
		ref, found := strings.Join(args, " "), false
		for _, id := range info.Apps { // each finds only its own application
			if a, err := s.svc.Application(ctx, review.Analyst(id, info.Name), ref); err == nil {
				app, found = a.ID, true
				break
			}
		}
		if !found {
			wish.Fatalf(sess, "You are not registered for application %q. Yours: %s\n", ref, strings.Join(info.AppNames, ", "))
			return nil
		}
	}
	caller := review.Analyst(app, info.Name)
	environ := append(sess.Environ(), "TERM="+pty.Term)
	// The renderer asks the terminal its background colour, reading the
	// session itself: before the picture probe takes over its input.
	renderer := bm.MakeRenderer(sess)
	// What the client's terminal can draw: it is asked, on the session
	// itself (keys typed meanwhile are kept), unless it is a dumb one.
	var answers *picture.Answers
	var input io.Reader = sess
	if picture.Detect(envLookup(environ)) != picture.Text {
		answers, input = picture.Probe(sess.Context(), sess, sess, picture.ProbeTimeout)
	}
	// The server never allocates a real PTY (wish emulates one on the
	// channel), so the program reads and draws on the session itself.
	model := ui.New(ctx, s.svc, caller, ui.Options{
		Renderer: renderer,
		Output:   sess,
		Environ:  environ,
		Answers:  answers,
		Logger:   s.log.With("analyst", info.Name, "remote", sess.RemoteAddr().String()),
		Apps:     info.Apps,
	})
	// No tea.WithContext: the middleware quits the program when the
	// connection ends, cleanly (a killed program is logged as an error).
	in := newKeyClock(input, s.now)
	p := tea.NewProgram(model, append(bm.MakeOptions(sess), tea.WithInput(in), tea.WithAltScreen(), tea.WithFPS(fps))...)
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		wish.Fatalln(sess, "handoff is shutting down.")
		return nil
	}
	s.programs[sess] = p
	s.mu.Unlock()
	if s.idle > 0 {
		go s.closeWhenIdle(ctx, sess, p, in)
	}
	s.log.Info("ssh: analyst connected", "analyst", info.Name, "remote", sess.RemoteAddr().String())
	return p
}

// closeWhenIdle ends a workstation nobody has typed in for the idle
// timeout: screens that update live would otherwise keep a forgotten
// connection, and its claims, forever.
func (s *Server) closeWhenIdle(ctx context.Context, sess ssh.Session, p *tea.Program, in *keyClock) {
	check := time.NewTicker(s.every)
	defer check.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-check.C:
			if in.idleFor() >= s.idle {
				s.mu.Lock()
				s.farewell[sess] = "handoff closed this workstation after " + words(s.idle) + " without a key; your cases were released."
				s.mu.Unlock()
				p.Send(ui.IdleMsg{After: s.idle})
				return
			}
		}
	}
}

// words says a duration the way people do: "30 minutes", "2 hours".
func words(d time.Duration) string {
	unit := func(n int64, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	case d >= time.Second && d%time.Second == 0:
		return unit(int64(d/time.Second), "second")
	}
	return d.String()
}

// track runs around each session's program: when it ends (the analyst
// quit, the connection dropped, the server shut down) the program is
// forgotten and every claim the analyst holds is released, so a dropped
// connection leaves no case locked.
func (s *Server) track(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		loggedIn(sess.Context())
		next(sess)
		s.mu.Lock()
		_, ran := s.programs[sess]
		bye := s.farewell[sess]
		delete(s.programs, sess)
		delete(s.farewell, sess)
		if len(s.programs) == 0 && s.drained != nil {
			close(s.drained)
			s.drained = nil
		}
		s.mu.Unlock()
		if bye != "" {
			// The program left the alternate screen, and its goodbye with
			// it: say it again where it stays.
			wish.Println(sess, bye)
		}
		info, ok := sess.Context().Value(analystKey{}).(review.AnalystInfo)
		if !ran || !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, app := range info.Apps {
			if err := s.svc.ReleaseAll(ctx, review.Analyst(app, info.Name)); err != nil {
				s.log.Error("ssh: releasing claims", "analyst", info.Name, "err", err)
			}
		}
		s.log.Info("ssh: analyst disconnected", "analyst", info.Name)
	}
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Unauthenticated is the number of connections that have not logged in
// yet (each holds a slot of Limits until it does, or closes).
func (s *Server) Unauthenticated() int { return s.gate.pending() }

// Sessions is the number of open workstations.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.programs)
}

// Shutdown tells every open workstation that the server is going away,
// lets the programs say so and end (releasing their claims), then closes
// the connections, those whose clients keep them open included.
func (s *Server) Shutdown(ctx context.Context) error {
	s.gate.closeAll()
	s.mu.Lock()
	s.closing = true
	progs := make([]*tea.Program, 0, len(s.programs))
	for sess, p := range s.programs {
		progs = append(progs, p)
		s.farewell[sess] = "handoff is shutting down; your work is saved and your cases were released."
	}
	drained := make(chan struct{})
	if len(progs) == 0 {
		close(drained)
	} else {
		s.drained = drained
	}
	s.mu.Unlock()
	for _, p := range progs {
		p.Send(ui.ShutdownMsg{})
	}
	grace := time.NewTimer(5 * time.Second)
	defer grace.Stop()
	select {
	case <-drained:
	case <-grace.C:
		s.log.Warn("ssh: programs still running at shutdown", "sessions", s.Sessions())
	case <-ctx.Done():
	}
	// Clients normally hang up when their session ends; give them a moment,
	// then close what is left.
	wait, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := s.srv.Shutdown(wait); err != nil {
		if cerr := s.srv.Close(); cerr != nil {
			return cerr
		}
		return ctx.Err()
	}
	return nil
}

// envLookup reads a variable from an environment list ("NAME=value").
func envLookup(environ []string) func(string) string {
	return func(name string) string {
		for i := len(environ) - 1; i >= 0; i-- { // the last one wins, as TERM= appended
			if v, ok := strings.CutPrefix(environ[i], name+"="); ok {
				return v
			}
		}
		return ""
	}
}
