package picture

import (
	"bytes"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Query asks a terminal what it can draw: kitty's graphics query (a 1×1
// picture it is asked only to check, id 31), then the primary device
// attributes (DA1). Every terminal answers DA1, so its reply ends the
// wait; a kitty reply before it means kitty graphics, and attribute 4 in
// DA1 means sixel.
const Query = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\" + "\x1b[c"

// ProbeTimeout is how long a terminal is given to answer Query: a local
// terminal answers in microseconds, one over SSH in a round trip.
const ProbeTimeout = 300 * time.Millisecond

// Answers is what a terminal said to Query.
type Answers struct {
	Replied bool // it answered DA1: the other fields are its word
	Kitty   bool // it accepted the kitty graphics query
	Sixel   bool // DA1 lists sixel graphics (attribute 4)
}

// ParseAnswers finds the replies to Query in what the terminal sent: it
// returns them, the bytes that were not replies (keys typed meanwhile),
// and whether the DA1 reply, the last one, has come.
func ParseAnswers(b []byte) (a Answers, rest []byte, done bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			return a, append(rest, b...), done
		}
		rest, b = append(rest, b[:i]...), b[i:]
		switch {
		case bytes.HasPrefix(b, []byte("\x1b_G")):
			end := bytes.Index(b, []byte("\x1b\\"))
			if end < 0 {
				return a, append(rest, b...), done
			}
			// "\x1b_Gi=31;OK\x1b\\", or an error such as "ENOTSUPPORTED:…".
			if body := string(b[3:end]); strings.HasPrefix(body, "i=31;") {
				a.Kitty = a.Kitty || strings.TrimPrefix(body, "i=31;") == "OK"
			}
			b = b[end+2:]
		case bytes.HasPrefix(b, []byte("\x1b[?")):
			end := bytes.IndexByte(b, 'c')
			if end < 0 || !da1Params(b[3:end]) {
				rest, b = append(rest, b[0]), b[1:]
				continue
			}
			a.Replied, done = true, true
			for _, p := range strings.Split(string(b[3:end]), ";") {
				a.Sixel = a.Sixel || p == "4"
			}
			b = b[end+1:]
		default:
			rest, b = append(rest, b[0]), b[1:]
		}
	}
	return a, rest, done
}

// da1Params reports whether p is DA1's parameters: digits and semicolons.
func da1Params(p []byte) bool {
	for _, c := range p {
		if c != ';' && (c < '0' || c > '9') {
			return false
		}
	}
	return len(p) > 0
}

// Decide picks the mode from a terminal's environment and, when it
// answered Query, its answers. NO_COLOR and dumb terminals get text
// whatever they say. A terminal that answered is believed about kitty and
// sixel (inside tmux the environment still names the terminal outside,
// whose pictures tmux would not pass); iTerm2, which answers neither,
// is known by its environment. Without answers the environment decides
// (Detect).
func Decide(env func(string) string, a *Answers) Mode {
	m := Detect(env)
	if m == Text || a == nil || !a.Replied {
		return m
	}
	switch {
	case a.Kitty:
		return Kitty
	case m == ITerm2 && env("TMUX") == "":
		return ITerm2
	case a.Sixel:
		return Sixel
	}
	return Blocks
}

// Probe writes Query to out and reads the terminal's replies from in for
// up to timeout. It returns the answers (nil without a DA1 reply) and the
// reader to read the terminal from afterwards: the keys typed meanwhile,
// then everything in sends later, so nothing is lost. For a session's own
// input stream (SSH), which the program then reads.
func Probe(in io.Reader, out io.Writer, timeout time.Duration) (*Answers, io.Reader) {
	pr, pw := io.Pipe()
	chunks := make(chan []byte, 16)
	go func() {
		defer close(chunks)
		buf := make([]byte, 4096)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				chunks <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				chunks <- nil
				pw.CloseWithError(err)
				return
			}
		}
	}()
	if _, err := io.WriteString(out, Query); err != nil {
		go forward(chunks, pw, nil)
		return nil, pr
	}
	var seen []byte
	deadline := time.After(timeout)
	var answers *Answers
wait:
	for {
		select {
		case c, ok := <-chunks:
			if !ok || c == nil {
				break wait
			}
			seen = append(seen, c...)
			if a, _, done := ParseAnswers(seen); done {
				answers = &a
				break wait
			}
		case <-deadline:
			break wait
		}
	}
	_, rest, _ := ParseAnswers(seen)
	go forward(chunks, pw, rest)
	return answers, pr
}

// forward writes first, then every chunk, to pw.
func forward(chunks <-chan []byte, pw *io.PipeWriter, first []byte) {
	if len(first) > 0 {
		if _, err := pw.Write(first); err != nil {
			return
		}
	}
	for c := range chunks {
		if c == nil {
			return // in ended; the reader already closed pw with its error
		}
		if _, err := pw.Write(c); err != nil {
			return
		}
	}
}

// ProbeTTY asks the controlling terminal (/dev/tty) Query, in raw mode
// for the moment, reading with a deadline so that nothing is left waiting
// on the terminal afterwards. Nil when there is no terminal or it did not
// answer in time.
func ProbeTTY(timeout time.Duration) *Answers {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	defer tty.Close()
	// Through SyscallConn, not Fd: Fd would make reads blocking, and the
	// deadline useless.
	rc, err := tty.SyscallConn()
	if err != nil {
		return nil
	}
	var old *term.State
	if cerr := rc.Control(func(fd uintptr) { old, err = term.MakeRaw(int(fd)) }); cerr != nil || err != nil {
		return nil
	}
	defer rc.Control(func(fd uintptr) { term.Restore(int(fd), old) })
	if _, err := io.WriteString(tty, Query); err != nil {
		return nil
	}
	if err := tty.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return nil // not pollable: never block on it
	}
	var seen []byte
	buf := make([]byte, 256)
	for {
		n, err := tty.Read(buf)
		seen = append(seen, buf[:n]...)
		if a, _, done := ParseAnswers(seen); done {
			return &a
		}
		if err != nil {
			return nil // the deadline, or the terminal went away
		}
	}
}
