package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// generate writes only its result when standard error is a pipe or a
// buffer: no bar, no carriage returns, nothing.
func TestGenerateNoProgressWhenNotATerminal(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Quiet", "--workflow", "k:user", "--workflow", "b:business"); code != 0 {
		t.Fatal(errs)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := Run(context.Background(), []string{"session", "generate", "--app", "Quiet", "--count", "300"},
		strings.NewReader(""), &out, w)
	w.Close()
	stderr, _ := io.ReadAll(r)
	if code != 0 || len(stderr) != 0 {
		t.Fatalf("exit %d, stderr %q (want nothing on a pipe)", code, stderr)
	}
	if !strings.Contains(out.String(), "created 300 sessions") {
		t.Fatalf("stdout %q", out.String())
	}
}

// The same command on a terminal draws the bar, with its count and rate,
// on standard error only: the JSON on standard output stays clean.
func TestGenerateProgressOnATerminal(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Loud", "--workflow", "k:user", "--workflow", "b:business"); code != 0 {
		t.Fatal(errs)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("no pseudo-terminal on this machine: %v", err)
	}
	defer ptmx.Close()
	drawn := make(chan []byte)
	go func() { b, _ := io.ReadAll(ptmx); drawn <- b }()
	var out bytes.Buffer
	code := Run(context.Background(), []string{"session", "generate", "--app", "Loud", "--count", "6000", "--json"},
		strings.NewReader(""), &out, tty)
	tty.Close()
	screen := string(<-drawn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, screen)
	}
	if !strings.Contains(screen, "generating sessions") || !strings.Contains(screen, "/6000") || !strings.Contains(screen, "it/s") {
		t.Fatalf("no progress bar on the terminal: %q", screen)
	}
	if n := strings.Count(out.String(), "\n"); n != 6000 || strings.Contains(out.String(), "generating") {
		t.Fatalf("stdout has %d lines or a bar in it", n)
	}
}
