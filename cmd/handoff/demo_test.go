package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"handoff/demo"
	"handoff/store/localpg"
)

// `handoff demo` writes demo.env (0600, in the data folder's secrets
// folder) and names it instead of printing keys; the walk-through's
// commands in it, pasted into a shell that loaded it, work against a real
// `handoff serve`.
func TestDemoEnvCommandsWorkAgainstServe(t *testing.T) {
	for _, tool := range []string{"sh", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			// make test installs them (scripts/ensure-test-tools.sh).
			t.Fatalf("the walk-through's commands need %s, which is not installed (%v): run make test, or apt-get install -y curl jq", tool, err)
		}
	}
	withDB(t)
	data := t.TempDir()
	t.Setenv("HANDOFF_DATA", data)
	receiver := fmt.Sprintf("127.0.0.1:%d", localpg.SparePort(9))
	code, out, errs := run(t, "demo", "--receiver", receiver)
	if code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	path := filepath.Join(data, "secrets", demo.EnvFile)
	if !strings.Contains(out, path) || strings.Contains(out, "hk_") {
		t.Fatalf("demo names %s and prints no key:\n%s", path, out)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo.env: %v %v", fi, err)
	}
	env, _ := os.ReadFile(path)
	if !regexp.MustCompile(`(?m)^export X_KEY='hk_`).Match(env) || !regexp.MustCompile(`(?m)^export Y_APP=[0-9a-f-]{36}$`).Match(env) {
		t.Fatalf("demo.env lacks the keys and ids:\n%s", env)
	}

	s := startServe(t, []string{"API"}, "--http", "127.0.0.1:0", "--demo-receiver")
	var script []string
	var verify bool
	for _, l := range strings.Split(string(env), "\n") {
		c, ok := strings.CutPrefix(l, "#   ")
		switch {
		case !ok:
		case strings.HasSuffix(c, " audit verify"):
			verify = true // the binary: run in-process below
		default:
			script = append(script, c)
		}
	}
	if len(script) != 5 || !verify {
		t.Fatalf("the walk-through in demo.env has %d commands (verify %v):\n%s", len(script), verify, env)
	}
	sh := exec.Command("sh", "-ec", ". "+path+"\nHANDOFF_API="+s.urls["API"]+"\n"+strings.Join(script, "\n"))
	got, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the walk-through failed: %v\n%s", err, got)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if !strings.HasPrefix(lines[0], "eyJ") || !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(lines[1]) {
		t.Fatalf("no token, or no clone:\n%s", got)
	}
	for _, want := range []string{`"status": "In Review"`, `{"session_id":"` + lines[1] + `"`, `"status": "Declined"`} {
		if !strings.Contains(string(got), want) {
			t.Fatalf("the walk-through's output lacks %s:\n%s", want, got)
		}
	}
	if code, out, errs := run(t, "audit", "verify"); code != 0 {
		t.Fatalf("audit verify: %d %s %s", code, out, errs)
	}
	// serve ran the demo receiver, which took the import's and the
	// decline's webhooks because their signatures checked out.
	for deadline := time.Now().Add(time.Minute); ; {
		code, out, _ := run(t, "webhook", "deliveries", "--app", demo.Partner)
		if code == 0 && strings.Count(out, "delivered") >= 2 && strings.Contains(out, receiver) {
			break
		}
		if strings.Contains(out, "failed") || time.Now().After(deadline) {
			t.Fatalf("the deliveries to the demo receiver did not succeed:\n%s\n%s", out, s.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(s.logs.String(), "demo receiver: signature verified") {
		t.Fatalf("the receiver did not log a verified delivery:\n%s", s.logs)
	}
}
