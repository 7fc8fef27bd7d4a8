package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a bar with rate and time left on standard error while a
// long command runs, so `--json > file` still shows how far it got. When
// standard error is not a terminal (a pipe, a file, CI) it prints nothing
// at all. A nil *progress is valid and silent, so callers never branch.
type progress struct {
	bar *progressbar.ProgressBar
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress starts a bar of total steps described by what, or returns nil
// when standard error is not a terminal.
func (a *app) progress(total int64, what string) *progress {
	if !a.stderrTTY || total <= 0 {
		return nil
	}
	return newProgress(a.stderr, total, what)
}

func newProgress(w io.Writer, total int64, what string) *progress {
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)}
}

// Add moves the bar n steps on.
func (p *progress) Add(n int) {
	if p != nil {
		p.bar.Add(n)
	}
}

// Done finishes the bar and clears its line, also when the work stopped
// early, so what the command prints next starts on a clean line.
func (p *progress) Done() {
	if p != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}
