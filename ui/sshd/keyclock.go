package sshd

import (
	"io"
	"sync/atomic"
	"time"
)

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
