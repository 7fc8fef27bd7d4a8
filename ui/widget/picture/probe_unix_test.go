//go:build unix

package picture

import (
	"io"
	"os"
	"testing"
	"time"
)

// fileInput is the local terminal's input, a file; send waits until the
// file has nothing left to read.
func fileInput(t *testing.T, gap time.Duration) (io.Reader, func(string), func()) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	send := func(s string) {
		io.WriteString(w, s)
		for readable(r, 0) {
			time.Sleep(time.Millisecond)
		}
	}
	return withoutReplies(r, gap), send, func() { w.Close() }
}

func TestFileRepliesCutAfterESC(t *testing.T) { checkRepliesCutAfterESC(t, fileInput) }

// Bubble Tea reads a file again only once there is something new in it:
// an escape held from the last read would wait for the next key.
func TestFileLoneEscapeIsDelivered(t *testing.T) { checkLoneEscapeIsDelivered(t, fileInput) }
