package sshd_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/sshd"
)

// clock is the idle timeout's clock in a test: it moves only when told,
// and counts how often the server has read it since it last moved.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	reads int
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.reads = 0
}

func (c *clock) readsSinceAdvance() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

// A workstation nobody types in is closed after the idle timeout, although
// live updates keep drawing on it, and its claims are released; a key
// starts the timeout again.
func TestSSHIdleTimeout(t *testing.T) {
	w := newWorld(t, 2)
	clk := &clock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	srv := startServerWith(t, w.svc, sshd.Config{IdleTimeout: 6 * time.Second, IdleCheck: 10 * time.Millisecond, Now: clk.Now})
	a := connect(t, srv.addr, "alice", w.analyst("alice", w.y))
	a.send("2", "<enter>")
	a.waitFor("yours while the case is open")
	if len(w.claims(w.y)) != 1 {
		t.Fatal("alice holds a case")
	}

	// A key 4 seconds in; 5 seconds after it (9 in all) she is still there.
	clk.advance(4 * time.Second)
	a.send("?")
	a.waitFor("Keys — Session #")
	a.send("x")
	a.waitFor("!Keys — Session #")
	clk.advance(5 * time.Second)
	// The server reads the clock once a check, and stops reading it once
	// it closes the workstation: a second read means a check at this time
	// found her not idle.
	eventually(t, "the idle time checked", func() bool { return clk.readsSinceAdvance() >= 2 })
	select {
	case <-a.ended:
		t.Fatalf("closed 5 seconds after a key:\n%s", a.screen.Text())
	default:
	}

	// Another analyst's decision redraws alice's screen: not a keystroke.
	if _, err := w.svc.DecideCase(context.Background(), review.Analyst(w.y.ID, "bob"), w.cases[1].ID, domain.Approve("")); err != nil {
		t.Fatal(err)
	}
	a.waitFor("1 in queue")
	clk.advance(2 * time.Second) // 7 seconds after her key, 2 after the redraw
	a.waitEnded()
	if text := a.screen.Text(); !strings.Contains(text, "closed this workstation after 6 seconds without a key") {
		t.Fatalf("not told why:\n%s", text)
	}
	eventually(t, "claims released", func() bool { return len(w.claims(w.y)) == 0 })
}
