package webhook_test

import (
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// downPort reserves a loopback port with nothing listening on it: a
// socket bound to it and not listening, so connections are refused and
// no other process can take the port before up listens on it.
func downPort(t *testing.T) (addr string, up func() net.Listener) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.CloseOnExec(fd)
	listening := false
	t.Cleanup(func() {
		if !listening {
			unix.Close(fd)
		}
	})
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr = (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*unix.SockaddrInet4).Port}).String()
	return addr, func() net.Listener {
		t.Helper()
		if err := unix.Listen(fd, 128); err != nil {
			t.Fatal(err)
		}
		listening = true
		f := os.NewFile(uintptr(fd), "receiver")
		defer f.Close() // FileListener holds its own copy
		ln, err := net.FileListener(f)
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
}
