package main

import (
	"strings"
	"testing"
)

func TestAppSet(t *testing.T) {
	withDB(t)
	run(t, "app", "create", "--name", "Harbor", "--workflow", "k:user")
	code, out, errs := run(t, "app", "set", "--app", "Harbor", "--four-eyes", "declines", "--review-sla", "24h")
	if code != 0 || !strings.Contains(out, "four-eyes    declines") || !strings.Contains(out, "review SLA   24h0m0s") {
		t.Fatalf("set: %d %q %q", code, out, errs)
	}
	// One setting alone leaves the other.
	if _, out, _ = run(t, "app", "set", "--app", "Harbor", "--four-eyes", "ALL"); !strings.Contains(out, "four-eyes    all") ||
		!strings.Contains(out, "24h0m0s") {
		t.Fatalf("set four-eyes only:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"app", "set", "--app", "Harbor", "--four-eyes", "sometimes"}, "must be off, declines or all"},
		{[]string{"app", "set", "--app", "Harbor", "--review-sla", "-1h"}, "between 0 (none) and 90 days"},
		{[]string{"app", "set", "--app", "Harbor", "--review-sla", "1.5s"}, "whole seconds"},
		{[]string{"app", "set", "--app", "Harbor"}, "nothing to set"},
		{[]string{"app", "set", "--app", "Nowhere", "--four-eyes", "off"}, "no application named"},
	} {
		if code, _, errs := run(t, tc.args...); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, code, errs, tc.want)
		}
	}
	if _, out, _ = run(t, "app", "set", "--app", "Harbor", "--review-sla", "0"); !strings.Contains(out, "review SLA   none") {
		t.Fatalf("clearing the SLA:\n%s", out)
	}
}
