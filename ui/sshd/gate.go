package sshd

import (
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Limits bound what connections that have not logged in may hold, so that
// idle or hostile clients cannot keep the analysts out. Zero fields take
// the defaults.
type Limits struct {
	// LoginTimeout closes a connection that has not authenticated by then
	// (default 20 s).
	LoginTimeout time.Duration
	// PerSource is how many connections one client address may have open
	// before logging in (default 10); further ones are closed at once.
	PerSource int
	// Unauthenticated is that number for all addresses together (default
	// 256).
	Unauthenticated int
	// AuthTries is how many authentication attempts a connection gets
	// before it is disconnected (default 6, as OpenSSH's MaxAuthTries).
	AuthTries int
}

func (l Limits) withDefaults() Limits {
	if l.LoginTimeout <= 0 {
		l.LoginTimeout = 20 * time.Second
	}
	if l.PerSource <= 0 {
		l.PerSource = 10
	}
	if l.Unauthenticated <= 0 {
		l.Unauthenticated = 256
	}
	if l.AuthTries <= 0 {
		l.AuthTries = 6
	}
	return l
}

// gate counts the connections that have not logged in yet, per source
// address and in total, and closes those that take too long.
type gate struct {
	limits Limits
	log    *slog.Logger

	mu       sync.Mutex
	total    int
	bySource map[string]int
	open     map[*pendingConn]struct{}
}

func newGate(l Limits, log *slog.Logger) *gate {
	return &gate{limits: l.withDefaults(), log: log, bySource: map[string]int{}, open: map[*pendingConn]struct{}{}}
}

// options installs the gate on the server: ConnCallback admits or refuses
// each new connection before the SSH handshake, and the server config
// bounds the authentication attempts.
func (g *gate) options() []ssh.Option {
	return []ssh.Option{
		ssh.WrapConn(g.admit),
		func(srv *ssh.Server) error {
			srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{MaxAuthTries: g.limits.AuthTries}
			}
			return nil
		},
	}
}

type pendingKey struct{}

// admit takes a slot for conn, or refuses it (nil: the server closes it)
// when its address or everyone together is at the limit.
func (g *gate) admit(ctx ssh.Context, conn net.Conn) net.Conn {
	src := conn.RemoteAddr().String()
	if host, _, err := net.SplitHostPort(src); err == nil {
		src = host
	}
	g.mu.Lock()
	if g.total >= g.limits.Unauthenticated || g.bySource[src] >= g.limits.PerSource {
		perSource, total := g.bySource[src], g.total
		g.mu.Unlock()
		g.log.Warn("ssh: refused a connection: too many that have not logged in",
			"remote", src, "from_this_address", perSource, "in_total", total)
		return nil
	}
	p := &pendingConn{Conn: conn, ctx: ctx, gate: g, src: src}
	g.total++
	g.bySource[src]++
	g.open[p] = struct{}{}
	p.timer = time.AfterFunc(g.limits.LoginTimeout, p.expire)
	g.mu.Unlock()
	ctx.SetValue(pendingKey{}, p)
	return p
}

// loggedIn frees the slot of the session's connection, if it still holds
// one: called when a session starts, the surest sign of a finished login.
func loggedIn(ctx ssh.Context) {
	if p, ok := ctx.Value(pendingKey{}).(*pendingConn); ok {
		p.release()
	}
}

// pendingConn is a connection holding a slot until it logs in or closes.
type pendingConn struct {
	net.Conn
	ctx   ssh.Context
	gate  *gate
	src   string
	timer *time.Timer
	done  atomic.Bool // logged in, or closed
	once  sync.Once
}

// Read notices a finished handshake (the server records the SSH connection
// in the context after it) at the next packet.
func (p *pendingConn) Read(b []byte) (int, error) {
	if !p.done.Load() && p.ctx.Value(ssh.ContextKeyConn) != nil {
		p.release()
	}
	return p.Conn.Read(b)
}

func (p *pendingConn) Close() error {
	p.release()
	return p.Conn.Close()
}

// expire closes the connection unless it logged in meanwhile.
func (p *pendingConn) expire() {
	if p.ctx.Value(ssh.ContextKeyConn) != nil {
		p.release()
		return
	}
	if p.done.Load() {
		return
	}
	p.gate.log.Info("ssh: closed a connection that did not log in in time", "remote", p.src,
		"after", p.gate.limits.LoginTimeout.String())
	p.Close()
}

func (p *pendingConn) release() {
	p.once.Do(func() {
		p.done.Store(true)
		p.timer.Stop()
		g := p.gate
		g.mu.Lock()
		delete(g.open, p)
		g.total--
		if g.bySource[p.src]--; g.bySource[p.src] <= 0 {
			delete(g.bySource, p.src)
		}
		g.mu.Unlock()
	})
}

// closeAll closes the connections that have not logged in: at shutdown,
// the server only closes those that did.
func (g *gate) closeAll() {
	g.mu.Lock()
	open := make([]*pendingConn, 0, len(g.open))
	for p := range g.open {
		open = append(open, p)
	}
	g.mu.Unlock()
	for _, p := range open {
		p.Close()
	}
}

// pending is how many connections have not logged in.
func (g *gate) pending() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.total
}
