package domain

import (
	"strconv"
	"strings"
)

// Retention bounds, in days: 30 days to 10 years, as the seed promises.
const (
	MinRetentionDays = 30
	MaxRetentionDays = 3650
)

// ParseRetention reads a retention such as "90d", "12w", "6m", "10y" or
// "unlimited" (nil: sessions are kept until deleted). A month is 30 days
// and a year 365.
func ParseRetention(s string) (*int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "unlimited" || s == "forever" {
		return nil, nil
	}
	bad := FieldError("retention", "must be a number of days, weeks, months or years between 30d and 10y (such as 90d, 6m, 7y), or unlimited; not %q", s)
	if len(s) < 2 {
		return nil, bad
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return nil, bad
	}
	unit := map[byte]int{'d': 1, 'w': 7, 'm': 30, 'y': 365}[s[len(s)-1]]
	if unit == 0 || n > MaxRetentionDays {
		return nil, bad
	}
	days := n * unit
	if days < MinRetentionDays || days > MaxRetentionDays {
		return nil, bad
	}
	return &days, nil
}

// RetentionLabel writes a retention the way ParseRetention reads it.
func RetentionLabel(days *int) string {
	switch {
	case days == nil:
		return "unlimited"
	case *days%365 == 0:
		return strconv.Itoa(*days/365) + "y"
	case *days%30 == 0:
		return strconv.Itoa(*days/30) + "m"
	}
	return strconv.Itoa(*days) + "d"
}
