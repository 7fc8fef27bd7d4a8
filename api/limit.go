package api

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientAddrs tells a request's client address: the peer, or, when the
// peer is a trusted proxy, the address that proxy appended to
// X-Forwarded-For (the right-most one not itself a trusted proxy; the
// left-most entries are whatever the client chose to send).
type clientAddrs struct {
	trusted []netip.Prefix
}

func (c clientAddrs) address(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if !c.isTrusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing left of it
		}
		a = a.Unmap()
		if !c.isTrusted(a) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func (c clientAddrs) isTrusted(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return a.Unmap()
}

// AuthLimit is how many failed authentications (bad or missing API keys,
// invalid share tokens) one client address may make: Burst at once, then
// PerSecond. A zero PerSecond turns the limit off.
type AuthLimit struct {
	PerSecond float64
	Burst     int
}

// DefaultAuthLimit lets a misconfigured client notice its mistake long
// before it is throttled, and holds a key-guessing loop to one try a second.
var DefaultAuthLimit = AuthLimit{PerSecond: 1, Burst: 20}

// failures is a token bucket per client address that only failed
// authentications draw from: a request with a good key never looks at
// it, so good keys from a throttled address are not slowed, and the
// request path of a partner that authenticates pays nothing for it.
type failures struct {
	limit   AuthLimit
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds the memory an address-hopping client can take; past
// it, buckets that have refilled (their address has been quiet) go first.
const maxBuckets = 100_000

func newFailures(l AuthLimit, now func() time.Time) *failures {
	return &failures{limit: l, now: now, buckets: map[string]*rate.Limiter{}}
}

// fail records a failed authentication from addr. Past the limit it
// returns how long until addr may fail again.
func (f *failures) fail(addr string) (wait time.Duration, limited bool) {
	if f == nil || f.limit.PerSecond <= 0 {
		return 0, false
	}
	addr = bucketKey(addr)
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.buckets[addr]
	if !ok {
		if len(f.buckets) >= maxBuckets {
			f.sweep(now)
		}
		b = rate.NewLimiter(rate.Limit(f.limit.PerSecond), f.limit.Burst)
		f.buckets[addr] = b
	}
	if b.AllowN(now, 1) {
		return 0, false
	}
	missing := 1 - b.TokensAt(now)
	return time.Duration(math.Ceil(missing / f.limit.PerSecond * float64(time.Second))), true
}

// sweep drops the buckets that are full again; if none are, it starts
// over rather than grow without bound.
func (f *failures) sweep(now time.Time) {
	for k, b := range f.buckets {
		if b.TokensAt(now) >= float64(f.limit.Burst) {
			delete(f.buckets, k)
		}
	}
	if len(f.buckets) >= maxBuckets {
		clear(f.buckets)
	}
}

// bucketKey groups IPv6 clients by /64, the block one subscriber usually
// gets, so hopping addresses inside it does not buy fresh buckets.
func bucketKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Is4() {
		return addr
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// retryAfter is the Retry-After value for wait: whole seconds, at least 1.
func retryAfter(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
