package picture

import (
	"bytes"
	"context"
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
	a, rest, partial, done := scan(b)
	return a, append(rest, partial...), done
}

// maxReply bounds an unfinished reply held back for its end: replies to
// Query are a few dozen bytes, so anything longer is not one.
const maxReply = 256

// scan is ParseAnswers that also tells apart an unfinished reply at the
// end of b (partial), which the bytes still to come may finish.
func scan(b []byte) (a Answers, rest, partial []byte, done bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			return a, append(rest, b...), nil, done
		}
		rest, b = append(rest, b[:i]...), b[i:]
		n, more := replyAt(b)
		if more {
			return a, rest, b, done
		}
		if n == 0 {
			rest, b = append(rest, b[0]), b[1:]
			continue
		}
		switch reply := string(b[:n]); reply[1] {
		case '_': // "\x1b_Gi=31;OK\x1b\\", or an error such as "ENOTSUPPORTED:…"
			if body := reply[3 : n-2]; strings.HasPrefix(body, "i=31;") {
				a.Kitty = a.Kitty || strings.TrimPrefix(body, "i=31;") == "OK"
			}
		case '[': // "\x1b[?62;4c"
			a.Replied, done = true, true
			for _, p := range strings.Split(reply[3:n-1], ";") {
				a.Sixel = a.Sixel || p == "4"
			}
		}
		b = b[n:]
	}
	return a, rest, nil, done
}

// replyAt tells what b, which starts with ESC, starts with: a whole reply
// to Query, n bytes long; or (more) what may be the start of one, which
// the bytes still to come would finish; or neither (n == 0, !more), an
// ESC that is input.
func replyAt(b []byte) (n int, more bool) {
	for _, intro := range []string{"\x1b_G", "\x1b[?"} {
		if len(b) < len(intro) && strings.HasPrefix(intro, string(b)) {
			return 0, true // cut right after its ESC, or one byte later
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte("\x1b_G")):
		end := bytes.Index(b, []byte("\x1b\\"))
		if end < 0 {
			return 0, len(b) <= maxReply
		}
		return end + 2, false
	case bytes.HasPrefix(b, []byte("\x1b[?")):
		end := bytes.IndexFunc(b[3:], func(r rune) bool { return r != ';' && (r < '0' || r > '9') })
		if end < 0 {
			return 0, len(b) <= maxReply // digits so far: the rest is on its way
		}
		if end == 0 || b[3+end] != 'c' {
			return 0, false
		}
		return 3 + end + 1, false
	}
	return 0, false
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
// then everything in sends later, so nothing is lost, with replies that
// come after the timeout taken out (WithoutReplies). For a session's own
// input stream (SSH), which the program then reads; ctx is the session's,
// and once it is done nothing more is read from in.
func Probe(ctx context.Context, in io.Reader, out io.Writer, timeout time.Duration) (*Answers, io.Reader) {
	return probe(ctx, in, out, timeout, maxReplyGap)
}

// probe is Probe, its reader holding an unfinished reply for up to gap.
func probe(ctx context.Context, in io.Reader, out io.Writer, timeout, gap time.Duration) (*Answers, io.Reader) {
	// One goroutine reads in, for the probe and then for the filter: on a
	// goroutine, so that either can stop waiting for what in has not sent.
	src := readChunks(ctx, in)
	if _, err := io.WriteString(out, Query); err != nil {
		return nil, &replyFilter{src: src, gap: gap}
	}
	var seen []byte
	deadline := time.After(timeout)
	var answers *Answers
wait:
	for {
		select {
		case c, ok := <-src.chunks:
			if !ok {
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
	// What is left of seen goes through the filter again: an unfinished
	// reply in it is finished, and dropped, by what comes next.
	_, rest, _ := ParseAnswers(seen)
	return answers, &replyFilter{src: src, gap: gap, unread: rest}
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
