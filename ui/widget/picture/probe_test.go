package picture

import (
	"context"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestDecide(t *testing.T) {
	yes := func(a Answers) *Answers { a.Replied = true; return &a }
	for _, tc := range []struct {
		name string
		env  map[string]string
		a    *Answers
		want Mode
	}{
		{"no answers: the environment", map[string]string{"TERM": "xterm-kitty"}, nil, Kitty},
		{"no answers, plain xterm", map[string]string{"TERM": "xterm-256color"}, nil, Blocks},
		{"DA1 never came: the environment", map[string]string{"TERM_PROGRAM": "iTerm.app", "TERM": "xterm"}, &Answers{}, ITerm2},
		{"kitty graphics answered OK", map[string]string{"TERM": "xterm-256color"}, yes(Answers{Kitty: true}), Kitty},
		{"sixel in DA1", map[string]string{"TERM": "xterm-256color"}, yes(Answers{Sixel: true}), Sixel},
		{"kitty beats sixel", map[string]string{"TERM": "xterm-256color"}, yes(Answers{Kitty: true, Sixel: true}), Kitty},
		{"inside tmux in kitty: tmux says no", map[string]string{"TERM": "tmux-256color", "KITTY_WINDOW_ID": "1", "TMUX": "/tmp/t"}, yes(Answers{}), Blocks},
		{"iTerm2 answers neither", map[string]string{"TERM": "xterm", "TERM_PROGRAM": "iTerm.app"}, yes(Answers{Sixel: true}), ITerm2},
		{"iTerm2 behind tmux", map[string]string{"TERM": "screen", "LC_TERMINAL": "iTerm2", "TMUX": "/tmp/t"}, yes(Answers{}), Blocks},
		{"NO_COLOR wins", map[string]string{"TERM": "xterm-kitty", "NO_COLOR": "1"}, yes(Answers{Kitty: true}), Text},
		{"dumb wins", map[string]string{"TERM": "dumb"}, yes(Answers{Sixel: true}), Text},
		{"answered nothing special", map[string]string{"TERM": "foot"}, yes(Answers{}), Blocks},
	} {
		if got := Decide(func(k string) string { return tc.env[k] }, tc.a); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseAnswers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Answers
		rest string
		done bool
	}{
		{"\x1b_Gi=31;OK\x1b\\\x1b[?62;4;22c", Answers{Replied: true, Kitty: true, Sixel: true}, "", true},
		{"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?1;2c", Answers{Replied: true}, "", true},
		{"ab\x1b[?64;22cq", Answers{Replied: true}, "abq", true},
		{"\x1b_Gi=31;OK\x1b\\", Answers{Kitty: true}, "", false},
		{"j\x1b[A", Answers{}, "j\x1b[A", false}, // keys, not replies
		{"\x1b[?6", Answers{}, "\x1b[?6", false}, // a reply cut in two
	} {
		a, rest, done := ParseAnswers([]byte(tc.in))
		if a != tc.want || string(rest) != tc.rest || done != tc.done {
			t.Errorf("%q: %+v %q %v, want %+v %q %v", tc.in, a, rest, done, tc.want, tc.rest, tc.done)
		}
	}
}

// fakeTerminal answers Query with reply once it has read it, and sends
// typed afterwards.
func fakeTerminal(t *testing.T, reply, typed string) (io.Reader, io.Writer) {
	t.Helper()
	toProg, fromTerm := io.Pipe()
	fromProg, toTerm := io.Pipe()
	go func() {
		buf := make([]byte, len(Query))
		if _, err := io.ReadFull(fromProg, buf); err != nil || string(buf) != Query {
			fromTerm.CloseWithError(io.ErrUnexpectedEOF)
			return
		}
		io.WriteString(fromTerm, reply)
		io.WriteString(fromTerm, typed)
	}()
	t.Cleanup(func() { fromTerm.Close(); fromProg.Close() })
	return toProg, toTerm
}

// Probe reads the replies and hands every other byte on, in order: keys
// typed while it waited, and after.
func TestProbeKeepsTypedKeys(t *testing.T) {
	in, out := fakeTerminal(t, "x\x1b_Gi=31;OK\x1b\\\x1b[?62;4c", "yz")
	a, rest := Probe(context.Background(), in, out, time.Minute)
	if a == nil || !a.Kitty || !a.Sixel {
		t.Fatalf("answers %+v", a)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(rest, buf); err != nil || string(buf) != "xyz" {
		t.Fatalf("typed keys: %q %v", buf, err)
	}
}

// A terminal that does not answer costs the timeout, and what is typed
// afterwards still arrives.
func TestProbeTimesOut(t *testing.T) {
	toProg, fromTerm := io.Pipe()
	t.Cleanup(func() { fromTerm.Close() })
	a, rest := Probe(context.Background(), toProg, io.Discard, 20*time.Millisecond)
	if a != nil {
		t.Fatalf("answers from a silent terminal: %+v", a)
	}
	go io.WriteString(fromTerm, "k")
	buf := make([]byte, 1)
	if _, err := io.ReadFull(rest, buf); err != nil || string(buf) != "k" {
		t.Fatalf("after the timeout: %q %v", buf, err)
	}
}

// A terminal on a slow link answers after the probe gave up: its replies,
// even split between reads, are taken out of what the program reads later.
// (The tests that cut replies give their rest a minute to come, so that a
// slow machine does not let the start of one go as input.)
func TestProbeDropsLateReplies(t *testing.T) {
	toProg, fromTerm := io.Pipe()
	t.Cleanup(func() { fromTerm.Close() })
	a, rest := probe(context.Background(), toProg, io.Discard, time.Millisecond, time.Minute)
	if a != nil {
		t.Fatalf("answers before any reply: %+v", a)
	}
	go func() {
		for _, s := range []string{"a\x1b_Gi=31;O", "K\x1b\\b\x1b[?62;", "4cc", "\x1b[A"} {
			io.WriteString(fromTerm, s)
		}
		fromTerm.Close()
	}()
	got, err := io.ReadAll(rest)
	if err != nil || string(got) != "abc\x1b[A" {
		t.Fatalf("read %q %v, want the keys only", got, err)
	}
}

// keyRecorder is a program that remembers every key it is given and
// ends at q.
type keyRecorder struct{ keys []string }

func (m *keyRecorder) Init() tea.Cmd { return nil }
func (m *keyRecorder) View() string  { return "" }
func (m *keyRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		m.keys = append(m.keys, k.String())
		if k.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}

// Late replies reach a Bubble Tea program as no key at all: without
// WithoutReplies kitty's reply reads as alt+_, "Gi=31;OK" and alt+\.
func TestLateRepliesAreNoKeys(t *testing.T) {
	toProg, fromTerm := io.Pipe()
	m := &keyRecorder{}
	p := tea.NewProgram(m, tea.WithInput(withoutReplies(toProg, time.Minute)), tea.WithOutput(io.Discard), tea.WithoutSignals())
	go func() {
		for _, s := range []string{"j", "\x1b_Gi=31;OK\x1b\\", "\x1b[?62;", "4c", "\x1b_Gi=31;ENOTSUPPORTED:x\x1b\\k", "q"} {
			io.WriteString(fromTerm, s)
		}
	}()
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	fromTerm.Close()
	if got := strings.Join(m.keys, " "); got != "j k q" {
		t.Fatalf("keys %q, want %q", got, "j k q")
	}
}

// A terminal file stays a file through WithoutReplies (Bubble Tea puts it
// in raw mode and waits on its descriptor), read through the filter.
func TestWithoutRepliesKeepsAFile(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if in := WithoutReplies(r); !isFile(in, r) {
		t.Fatalf("WithoutReplies(file) is %T, not the file", in)
	}
	in := withoutReplies(r, time.Minute)
	go func() {
		for _, s := range []string{"j", "\x1b_Gi=31;OK\x1b\\", "\x1b[?62;", "4c", "q"} {
			io.WriteString(w, s)
		}
		w.Close()
	}()
	got, err := io.ReadAll(in)
	if err != nil || string(got) != "jq" {
		t.Fatalf("read %q %v, want the keys only", got, err)
	}
}

func isFile(in io.Reader, f *os.File) bool {
	file, ok := in.(interface{ Fd() uintptr })
	return ok && file.Fd() == f.Fd()
}

// terminalInput is a way for a terminal to reach WithoutReplies: a
// filtered reader, holding an unfinished reply for up to gap, and send,
// which sends s and returns once it has been read, so that what is sent
// next comes in a read of its own.
type terminalInput func(t *testing.T, gap time.Duration) (in io.Reader, send func(s string), end func())

// streamInput is a stream's input, an SSH session's (Probe filters it
// the same way).
func streamInput(t *testing.T, gap time.Duration) (io.Reader, func(string), func()) {
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	return withoutReplies(r, gap), func(s string) { io.WriteString(w, s) }, func() { w.Close() }
}

// A reply cut right after its ESC (or one byte later) is held like any
// other unfinished reply, and dropped when the rest comes: otherwise the
// program reads alt+_ and "Gi=31;OK", or alt+[ and "?62;4c".
func TestRepliesCutAfterESC(t *testing.T) { checkRepliesCutAfterESC(t, streamInput) }

func checkRepliesCutAfterESC(t *testing.T, input terminalInput) {
	for _, reply := range []string{"\x1b_Gi=31;OK\x1b\\", "\x1b[?62;4c"} {
		for cut := 1; cut <= 2; cut++ {
			in, send, end := input(t, time.Minute)
			go func() {
				send("a" + reply[:cut])
				send(reply[cut:] + "b")
				end()
			}()
			got, err := io.ReadAll(in)
			if err != nil || string(got) != "ab" {
				t.Errorf("%q cut after %d bytes: read %q %v, want %q", reply, cut, got, err, "ab")
			}
		}
	}
}

// keysUntilEsc is a program that remembers every key it is given and
// ends at esc.
type keysUntilEsc struct{ keys []string }

func (m *keysUntilEsc) Init() tea.Cmd { return nil }
func (m *keysUntilEsc) View() string  { return "" }
func (m *keysUntilEsc) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		m.keys = append(m.keys, k.String())
		if k.String() == "esc" {
			return m, tea.Quit
		}
	}
	return m, nil
}

// Escape pressed alone is a lone ESC, like the start of a reply: it
// reaches the program once nothing has followed it for maxReplyGap, with
// no further key to push it out, also after a key in the same read.
func TestLoneEscapeIsDelivered(t *testing.T) { checkLoneEscapeIsDelivered(t, streamInput) }

func checkLoneEscapeIsDelivered(t *testing.T, input terminalInput) {
	for _, tc := range []struct{ typed, keys string }{{"\x1b", "esc"}, {"x\x1b", "x esc"}} {
		in, send, _ := input(t, maxReplyGap)
		m := &keysUntilEsc{}
		p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithoutSignals())
		ended := make(chan error, 1)
		go func() { _, err := p.Run(); ended <- err }()
		go send(tc.typed)
		select {
		case err := <-ended:
			if err != nil {
				t.Fatalf("%q: %v", tc.typed, err)
			}
		case <-time.After(5 * time.Second): // a hang guard, not a speed limit
			p.Kill()
			<-ended
			t.Fatalf("%q: escape still held after 5 s", tc.typed)
		}
		if got := strings.Join(m.keys, " "); got != tc.keys {
			t.Errorf("%q: keys %q, want %q", tc.typed, got, tc.keys)
		}
	}
}

// Escape and then a key before the filter gave up waiting for the rest of
// a reply reach the program as they were sent: esc, then the key, not
// alt+key. (Not on a terminal file: see fileWithoutReplies.)
func TestEscapeThenKey(t *testing.T) {
	in, send, _ := streamInput(t, time.Minute)
	m := &keyRecorder{}
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithoutSignals())
	go func() {
		for _, s := range []string{"\x1b", "x", "q"} {
			send(s)
		}
	}()
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.keys, " "); got != "esc x q" {
		t.Fatalf("keys %q, want %q", got, "esc x q")
	}
}

// A program that stops reading leaves the probe's reader nobody to hand
// input to: once the session's context is done it stops, however much
// the terminal still sends.
func TestProbeReaderEndsWithItsContext(t *testing.T) {
	toProg, fromTerm := io.Pipe()
	t.Cleanup(func() { fromTerm.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	Probe(ctx, toProg, io.Discard, time.Millisecond) // its reader is never read
	go func() {
		for {
			if _, err := io.WriteString(fromTerm, "k"); err != nil {
				return
			}
		}
	}()
	if readers() == 0 {
		t.Fatal("no input reader runs")
	}
	cancel()
	// Every other test's reader ends with its input, closed at its end.
	for end := time.Now().Add(5 * time.Second); readers() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the input reader still runs after its context ended")
		}
	}
}

// readers counts the goroutines reading a probe's input.
func readers() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "picture.readChunks.func1")
}
