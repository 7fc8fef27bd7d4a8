//go:build unix

package picture

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// readable waits up to wait for f to have something to read. Through
// SyscallConn, not Fd, which would make f's reads blocking; with select,
// not poll, which macOS does not do on terminals.
func readable(f *os.File, wait time.Duration) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	ready := false
	deadline := time.Now().Add(wait)
	rc.Control(func(fd uintptr) {
		if fd >= unix.FD_SETSIZE {
			return // select cannot wait on it: what is held goes on at once
		}
		for {
			var set unix.FdSet
			set.Set(int(fd))
			tv := unix.NsecToTimeval(max(time.Until(deadline), 0).Nanoseconds())
			n, err := unix.Select(int(fd)+1, &set, nil, nil, &tv)
			if err == unix.EINTR {
				continue
			}
			ready = err == nil && n > 0
			return
		}
	})
	return ready
}
