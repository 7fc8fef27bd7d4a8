package sshd_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/review"
)

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
