package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSessionCreateAndComplete(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Sandbox", "--workflow", "k:user", "--workflow", "b:business"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "session", "create", "--app", "Sandbox", "--workflow", "b", "--vendor-data", "biz-1", "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil || m["status"] != "NOT_STARTED" || m["session_kind"] != "business" {
		t.Fatalf("create: %q %v", out, err)
	}
	id := m["session_id"].(string)
	code, out, errs = run(t, "session", "complete", "--app", "Sandbox", id, "--outcome", "sanctions_match")
	if code != 0 || !strings.Contains(out, "is DECLINED") {
		t.Fatalf("complete: %d %q %s", code, out, errs)
	}
	if code, _, errs = run(t, "session", "complete", "--app", "Sandbox", id, "--outcome", "Approved"); code == 0 ||
		!strings.Contains(errs, "Not Started or In Progress") {
		t.Fatalf("completing twice: %d %s", code, errs)
	}
	if code, _, errs = run(t, "session", "create", "--app", "Sandbox", "--workflow", "nope"); code == 0 || !strings.Contains(errs, "not found") {
		t.Fatalf("unknown workflow: %d %s", code, errs)
	}
	if code, _, errs = run(t, "session", "complete", "--app", "Sandbox", "not-a-uuid", "--outcome", "Approved"); code == 0 {
		t.Fatalf("bad id: %s", errs)
	}
}
