package main

import (
	"strings"
	"testing"
)

func TestAppSetRetention(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Keeper", "--workflow", "wf_k:user"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, "app", "set", "--app", "Keeper", "--retention", "90d"); code != 0 || !strings.Contains(out, "for 3m") {
		t.Fatalf("set 90d: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "app", "set", "--app", "Keeper", "--retention", "5d"); code != 2 || !strings.Contains(errs, "between 30d and 10y") {
		t.Fatalf("set 5d: exit %d %q", code, errs)
	}
	if code, out, _ := run(t, "app", "list", "--json"); code != 0 || !strings.Contains(out, `"retention": "3m"`) {
		t.Fatalf("list after a refused change: %q", out)
	}
	if code, out, _ := run(t, "app", "set", "--app", "Keeper", "--retention", "unlimited"); code != 0 || !strings.Contains(out, "unlimited") {
		t.Fatalf("set unlimited: %q", out)
	}
}
