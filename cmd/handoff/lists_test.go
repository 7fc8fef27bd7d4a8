package main

import (
	"strings"
	"testing"
)

func TestListCommands(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Y", "--workflow", "wf_y:user"); code != 0 {
		t.Fatalf("app create: %d %s", code, errs)
	}
	code, out, errs := run(t, "list", "show", "--app", "Y")
	if code != 0 || !strings.Contains(out, "Email Blocklist") || !strings.Contains(out, "Document Blocklist") {
		t.Fatalf("list show: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, "list", "add", "blocklist:email", "--app", "Y", "--value", "Bad.Actor@Example.com", "--comment", "chargebacks"); code != 0 || !strings.Contains(out, "added bad.actor@example.com") {
		t.Fatalf("list add: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "list", "add", "blocklist:email", "--app", "Y", "--value", "nope"); code == 0 || !strings.Contains(errs, "not a valid e-mail") {
		t.Fatalf("a bad value: %d %q", code, errs)
	}
	code, out, _ = run(t, "list", "entries", "blocklist:email", "--app", "Y", "--search", "actor")
	if code != 0 || !strings.Contains(out, "chargebacks") || !strings.Contains(out, "bad.actor@example.com") {
		t.Fatalf("list entries: %d %q", code, out)
	}
	if code, out, errs := run(t, "list", "create", "--app", "Y", "--name", "Staff", "--list-type", "allowlist", "--entry-type", "email"); code != 0 || !strings.Contains(out, `created allowlist "Staff"`) {
		t.Fatalf("list create: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "list", "delete", "blocklist:email", "--app", "Y"); code == 0 || !strings.Contains(errs, "cannot be deleted") {
		t.Fatalf("deleting a system list: %d %q", code, errs)
	}
	if code, out, _ := run(t, "list", "delete", "Staff", "--app", "Y"); code != 0 || !strings.Contains(out, `deleted "Staff"`) {
		t.Fatalf("list delete: %d %q", code, out)
	}
}
