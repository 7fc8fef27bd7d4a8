package domain

import (
	"testing"
	"time"
)

func TestSLAOf(t *testing.T) {
	day := AppSettings{ReviewSLA: 24 * time.Hour}
	for _, c := range []struct {
		s    AppSettings
		wait time.Duration
		want SLAState
	}{
		{AppSettings{}, 1000 * time.Hour, SLANone},
		{day, 0, SLAWithin},
		{day, 18*time.Hour - time.Second, SLAWithin},
		{day, 18 * time.Hour, SLANear}, // the last quarter begins
		{day, 24*time.Hour - time.Second, SLANear},
		{day, 24 * time.Hour, SLAOverdue},
		{day, 90 * 24 * time.Hour, SLAOverdue},
		{AppSettings{ReviewSLA: 4 * time.Minute}, 3 * time.Minute, SLANear},
	} {
		if got := c.s.SLAOf(c.wait); got != c.want {
			t.Errorf("SLA %s, waiting %s: %v, want %v", c.s.ReviewSLA, c.wait, got, c.want)
		}
	}
}
