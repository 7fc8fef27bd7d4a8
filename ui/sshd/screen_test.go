package sshd_test

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// screen is a small terminal emulator for tests: enough of VT100/xterm to
// follow what Bubble Tea draws (cursor moves, erasing, the alternate
// screen), so that a test reads the screen as the analyst sees it rather
// than the stream of updates. It answers the two questions the SSH
// middleware asks a new terminal (background colour, device attributes),
// as a real terminal would, so sessions start without waiting.
type screen struct {
	mu      sync.Mutex
	w, h    int
	cells   [][]rune
	x, y    int
	wrap    bool // the cursor is past the last column: the next rune wraps
	pending []byte
	state   byte
	parser  *ansi.Parser
	replies chan string  // answers to the terminal's queries, in order
	raw     bytes.Buffer // everything received, for "never shown" checks
	changed chan struct{}
}

func newScreen(w, h int, reply io.Writer) *screen {
	s := &screen{w: w, h: h, parser: ansi.NewParser(), changed: make(chan struct{}, 1), replies: make(chan string, 16)}
	s.clear()
	go func() {
		for r := range s.replies {
			reply.Write([]byte(r))
		}
	}()
	return s
}

func (s *screen) clear() {
	s.cells = make([][]rune, s.h)
	for i := range s.cells {
		s.cells[i] = []rune(strings.Repeat(" ", s.w))
	}
}

// Write feeds terminal output in.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.raw.Write(p)
	b := append(s.pending, p...)
	s.pending = nil
	for len(b) > 0 {
		seq, width, n, state := ansi.DecodeSequence(b, s.state, s.parser)
		if n == len(b) && (state != 0 || (width > 0 && !utf8.Valid(seq))) {
			s.pending = append([]byte(nil), b...) // incomplete: wait for the rest
			break
		}
		s.state = 0
		s.apply(seq, width)
		b = b[n:]
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *screen) apply(seq []byte, width int) {
	if width > 0 {
		s.put(seq, width)
		return
	}
	if len(seq) == 0 {
		return
	}
	switch c := seq[0]; {
	case c == '\r':
		s.x, s.wrap = 0, false
	case c == '\n':
		s.lineFeed()
	case c == '\b':
		s.x, s.wrap = max(s.x-1, 0), false
	case c == 0x1b && len(seq) > 1 && seq[1] == '[':
		s.csi()
	case c == 0x1b && len(seq) > 1 && seq[1] == ']':
		if bytes.HasPrefix(seq, []byte("\x1b]11;?")) {
			s.replies <- "\x1b]11;rgb:0000/0000/0000\x07"
		}
	}
}

func (s *screen) put(r []byte, width int) {
	if s.wrap {
		s.x, s.wrap = 0, false
		s.lineFeed()
	}
	ru, _ := utf8.DecodeRune(r)
	if s.x < s.w {
		s.cells[s.y][s.x] = ru
		for i := 1; i < width && s.x+i < s.w; i++ {
			s.cells[s.y][s.x+i] = ' '
		}
	}
	s.x += width
	if s.x >= s.w {
		s.x, s.wrap = s.w-1, true
	}
}

func (s *screen) lineFeed() {
	s.wrap = false
	if s.y < s.h-1 {
		s.y++
		return
	}
	copy(s.cells, s.cells[1:])
	s.cells[s.h-1] = []rune(strings.Repeat(" ", s.w))
}

func (s *screen) csi() {
	p := s.parser
	cmd := ansi.Cmd(p.Command())
	arg := func(i, def int) int {
		v, _ := p.Param(i, def)
		if v == 0 && def == 1 {
			return 1
		}
		return v
	}
	s.wrap = false
	switch cmd.Final() {
	case 'H', 'f':
		s.y, s.x = clamp(arg(0, 1)-1, s.h), clamp(arg(1, 1)-1, s.w)
	case 'A':
		s.y = clamp(s.y-arg(0, 1), s.h)
	case 'B':
		s.y = clamp(s.y+arg(0, 1), s.h)
	case 'C':
		s.x = clamp(s.x+arg(0, 1), s.w)
	case 'D':
		s.x = clamp(s.x-arg(0, 1), s.w)
	case 'G':
		s.x = clamp(arg(0, 1)-1, s.w)
	case 'K':
		from, to := s.x, s.w
		switch arg(0, 0) {
		case 1:
			from, to = 0, s.x+1
		case 2:
			from = 0
		}
		for i := from; i < to && i < s.w; i++ {
			s.cells[s.y][i] = ' '
		}
	case 'J':
		switch arg(0, 0) {
		case 0:
			for i := s.x; i < s.w; i++ {
				s.cells[s.y][i] = ' '
			}
			for y := s.y + 1; y < s.h; y++ {
				s.cells[y] = []rune(strings.Repeat(" ", s.w))
			}
		case 1:
			for y := 0; y < s.y; y++ {
				s.cells[y] = []rune(strings.Repeat(" ", s.w))
			}
		default:
			s.clear()
		}
	case 'h', 'l':
		if cmd.Prefix() == '?' {
			if v := arg(0, 0); v == 1049 || v == 1047 || v == 47 {
				s.clear()
			}
		}
	case 'c':
		if cmd.Prefix() == 0 {
			s.replies <- "\x1b[?62;22c"
		}
	}
}

func clamp(v, n int) int { return min(max(v, 0), n-1) }

// Text is the screen now, one line per row, without trailing blanks.
func (s *screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.h)
	for i, row := range s.cells {
		lines[i] = strings.TrimRight(string(row), " ")
	}
	return strings.Join(lines, "\n")
}

// Ever is everything ever drawn, without escape sequences.
func (s *screen) Ever() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.raw.String())
}
