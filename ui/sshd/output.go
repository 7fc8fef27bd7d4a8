package sshd

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
)

// sessionOutput is where the program draws: the allocated PTY when there
// is one, else the channel itself (as the Bubble Tea middleware does).
func sessionOutput(sess ssh.Session) io.Writer {
	if pty, _, ok := sess.Pty(); ok && !sess.EmulatedPty() && pty.Slave != nil {
		return pty.Slave
	}
	return sess
}

// sessionInput is where the program reads keys from, as the Bubble Tea
// middleware chooses it.
func sessionInput(sess ssh.Session) io.Reader {
	if pty, _, ok := sess.Pty(); ok && !sess.EmulatedPty() && pty.Slave != nil {
		return pty.Slave
	}
	return sess
}

// keyClock is the program's input, noting when the analyst last typed.
type keyClock struct {
	r    io.Reader
	last atomic.Int64 // unix nanoseconds
}

func newKeyClock(r io.Reader) *keyClock {
	k := &keyClock{r: r}
	k.last.Store(time.Now().UnixNano())
	return k
}

func (k *keyClock) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.last.Store(time.Now().UnixNano())
	}
	return n, err
}

func (k *keyClock) idleFor() time.Duration { return time.Since(time.Unix(0, k.last.Load())) }
