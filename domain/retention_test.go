package domain_test

import (
	"testing"

	"handoff/domain"
)

func TestParseRetention(t *testing.T) {
	for _, c := range []struct {
		in    string
		days  int // 0: unlimited
		label string
	}{{"90d", 90, "3m"}, {"30d", 30, "1m"}, {"10y", 3650, "10y"}, {"6m", 180, "6m"}, {"12w", 84, "84d"},
		{"unlimited", 0, "unlimited"}, {" 7Y ", 2555, "7y"}} {
		got, err := domain.ParseRetention(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if (got == nil) != (c.days == 0) || got != nil && *got != c.days {
			t.Errorf("%q: %v, want %d days", c.in, got, c.days)
		}
		if l := domain.RetentionLabel(got); l != c.label {
			t.Errorf("%q: label %q, want %q", c.in, l, c.label)
		}
	}
	for _, bad := range []string{"", "29d", "11y", "3651d", "0d", "-5d", "90", "d", "5x", "9999999999999y"} {
		if _, err := domain.ParseRetention(bad); !domain.IsCode(err, domain.CodeInvalid) {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}
