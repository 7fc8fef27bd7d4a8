package sshd

import (
	"io"
	"sync/atomic"
	"time"
)

// keyClock is the program's input, noting when the analyst last typed.
type keyClock struct {
	r    io.Reader
	now  func() time.Time
	last atomic.Int64 // unix nanoseconds
}

func newKeyClock(r io.Reader, now func() time.Time) *keyClock {
	k := &keyClock{r: r, now: now}
	k.last.Store(now().UnixNano())
	return k
}

func (k *keyClock) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.last.Store(k.now().UnixNano())
	}
	return n, err
}

func (k *keyClock) idleFor() time.Duration { return k.now().Sub(time.Unix(0, k.last.Load())) }
