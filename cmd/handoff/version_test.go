package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	code, out, errs := run(t, "version", "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var b buildInfo
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if b.Go != runtime.Version() || b.Version == "" || b.Commit == "" || b.Date == "" {
		t.Fatalf("version %+v", b)
	}
	_, short, _ := run(t, "--version")
	_, long, _ := run(t, "version")
	if short != long || !strings.HasPrefix(short, "handoff ") || !strings.Contains(short, runtime.Version()) {
		t.Fatalf("--version %q, version %q", short, long)
	}
}

func TestVersionFromLinkerFlags(t *testing.T) {
	commit, buildDate = "0123456789abcdef0123+modified", "2026-01-02T03:04:05Z"
	defer func() { commit, buildDate = "", "" }()
	got := readBuildInfo().String()
	if !strings.Contains(got, "commit 0123456789ab+modified, built 2026-01-02T03:04:05Z") {
		t.Fatalf("%q", got)
	}
}
