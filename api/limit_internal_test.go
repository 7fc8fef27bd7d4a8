package api

import (
	"testing"
	"time"
)

// IPv6 clients share a bucket per /64; IPv4 clients have one each; a full
// table drops the buckets that have refilled before it grows.
func TestFailureBuckets(t *testing.T) {
	now := time.Unix(1000, 0)
	f := newFailures(AuthLimit{PerSecond: 1, Burst: 2}, func() time.Time { return now })
	for _, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"} {
		if _, limited := f.fail(addr); limited {
			t.Fatalf("%s limited within the burst", addr)
		}
	}
	if wait, limited := f.fail("2001:db8:1:2::77"); !limited || wait != time.Second {
		t.Fatalf("third failure in the same /64: limited %v, wait %v", limited, wait)
	}
	if _, limited := f.fail("2001:db8:1:3::1"); limited {
		t.Fatal("the next /64 shares the bucket")
	}
	if _, limited := f.fail("192.0.2.1"); limited {
		t.Fatal("an IPv4 client shares a bucket")
	}
	if retryAfter(300*time.Millisecond) != 1 || retryAfter(1500*time.Millisecond) != 2 {
		t.Fatal("Retry-After is not whole seconds rounded up")
	}

	now = now.Add(time.Hour) // every bucket full again
	f.sweep(now)
	if len(f.buckets) != 0 {
		t.Fatalf("%d refilled buckets kept", len(f.buckets))
	}
	off := newFailures(AuthLimit{}, time.Now)
	for range 100 {
		if _, limited := off.fail("192.0.2.1"); limited {
			t.Fatal("rate 0 limits")
		}
	}
}
