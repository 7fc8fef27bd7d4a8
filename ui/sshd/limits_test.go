package sshd_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"handoff/ui/sshd"
)

// dialFrom opens a raw TCP connection to addr from the loopback address
// src (all of 127.0.0.0/8 is loopback), so one test can be many clients.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("connecting from %s: %v", src, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// banner reads the server's SSH version line, or the error that ended the
// connection instead.
func banner(c net.Conn) (string, error) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	return bufio.NewReader(c).ReadString('\n')
}

// closedByServer waits for the server to close c (EOF or reset), failing
// after limit.
func closedByServer(t *testing.T, c net.Conn, limit time.Duration, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: still open after %s", what, limit)
	}
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// Two hundred connections that never log in, from twenty addresses: each
// address gets its ten, the eleventh is closed at once, and an analyst
// logs in and works as usual meanwhile.
func TestLoginsWorkWhile200ConnectionsIdle(t *testing.T) {
	w := newWorld(t, 1)
	alice := w.analyst("alice", w.y)
	srv := startServerWith(t, w.svc, sshd.Config{Limits: sshd.Limits{LoginTimeout: time.Minute, PerSource: 10, Unauthenticated: 256}})

	var idle []net.Conn
	for i := range 200 {
		c := dialFrom(t, fmt.Sprintf("127.0.0.%d", 2+i/10), srv.addr)
		if i%2 == 0 {
			// Half stop after the version exchange, half send nothing.
			fmt.Fprint(c, "SSH-2.0-idle\r\n")
		}
		idle = append(idle, c)
	}
	waitUntil(t, "the server holds the 200 idle connections", func() bool { return srv.Unauthenticated() == 200 })

	extra := dialFrom(t, "127.0.0.2", srv.addr)
	if line, err := banner(extra); err == nil {
		t.Fatalf("an 11th connection from one address was served: %q", line)
	}
	if line, err := banner(dialFrom(t, "127.0.0.99", srv.addr)); err != nil || !strings.HasPrefix(line, "SSH-2.0-") {
		t.Fatalf("a new address is refused while others are at their limit: %q %v", line, err)
	}

	tm := connect(t, srv.addr, "alice", alice)
	tm.send("2")
	tm.waitFor("case-1")
	if n := srv.Unauthenticated(); n != 201 {
		t.Errorf("%d connections counted as not logged in, want the 200 idle ones and the open probe", n)
	}

	for _, c := range idle {
		c.Close()
	}
	waitUntil(t, "closed connections free their slots", func() bool { return srv.Unauthenticated() <= 1 })
}

// A connection that has not logged in within the login timeout is closed,
// whether it sent nothing or stopped half-way; one that logged in stays.
func TestConnectionsThatDoNotLogInAreClosed(t *testing.T) {
	w := newWorld(t, 1)
	alice := w.analyst("alice", w.y)
	srv := startServerWith(t, w.svc, sshd.Config{Limits: sshd.Limits{LoginTimeout: time.Second}})

	silent := dialFrom(t, "127.0.0.1", srv.addr)
	halfway := dialFrom(t, "127.0.0.1", srv.addr)
	fmt.Fprint(halfway, "SSH-2.0-halfway\r\n")
	tm := connect(t, srv.addr, "alice", alice)

	closedByServer(t, silent, 10*time.Second, "a connection that sent nothing")
	closedByServer(t, halfway, 10*time.Second, "a connection stopped after the version exchange")
	waitUntil(t, "the slots are free", func() bool { return srv.Unauthenticated() == 0 })

	time.Sleep(1500 * time.Millisecond) // past the login timeout
	tm.send("2")
	tm.waitFor("case-1")
	select {
	case <-tm.ended:
		t.Fatal("the logged-in workstation was closed by the login timeout")
	default:
	}
}

// Shutdown also closes the connections that have not logged in, which the
// SSH server itself does not track.
func TestShutdownClosesConnectionsThatDidNotLogIn(t *testing.T) {
	w := newWorld(t, 0)
	srv := startServer(t, w.svc)
	silent := dialFrom(t, "127.0.0.1", srv.addr)
	waitUntil(t, "the connection is counted", func() bool { return srv.Unauthenticated() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	closedByServer(t, silent, 5*time.Second, "a connection that had not logged in, at shutdown")
}

// Authentication attempts are bounded per connection: a client offering
// many keys is disconnected before it reaches its good one.
func TestAuthenticationAttemptsAreBounded(t *testing.T) {
	w := newWorld(t, 1)
	alice := w.analyst("alice", w.y)
	var keys []gossh.Signer
	for range 5 {
		keys = append(keys, newKey(t))
	}
	keys = append(keys, alice)
	try := func(srv *server) error {
		c, err := gossh.Dial("tcp", srv.addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(keys...)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
		if err == nil {
			c.Close()
		}
		return err
	}
	// x/crypto/ssh lets the first AuthTries key queries go free, then
	// counts: with 2, the fifth key ends the connection.
	if err := try(startServerWith(t, w.svc, sshd.Config{Limits: sshd.Limits{AuthTries: 2}})); err == nil {
		t.Fatal("six keys were tried on a server allowing two attempts")
	}
	if err := try(startServerWith(t, w.svc, sshd.Config{})); err != nil {
		t.Fatalf("the sixth key, the good one, with the default attempts: %v", err)
	}
}
