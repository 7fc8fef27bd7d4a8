package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// DeliverConfig tunes a Deliverer; zero fields take the defaults.
type DeliverConfig struct {
	Workers        int           // concurrent sends in this process (8)
	PerDestination int           // concurrent sends to one destination from this process (4)
	Poll           time.Duration // how often to look for due deliveries between notifications (500 ms)
	Timeout        time.Duration // per request, connection to last body byte (10 s)
	// ClaimTTL is how long a claimed delivery is reserved for its
	// deliverer; if that deliverer dies, another sends the delivery once
	// the claim lapses. At least Timeout + 1 s (default Timeout + 50 s).
	ClaimTTL  time.Duration
	RetryBase time.Duration // shortest wait before a retry (10 s)
	RetryMax  time.Duration // longest wait between retries (1 h)
	RetryFor  time.Duration // how long a delivery is retried before it is marked failed (24 h)
}

func (c DeliverConfig) withDefaults() DeliverConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.PerDestination <= 0 {
		c.PerDestination = 4
	}
	def(&c.Poll, 500*time.Millisecond)
	def(&c.Timeout, 10*time.Second)
	def(&c.ClaimTTL, c.Timeout+50*time.Second)
	c.ClaimTTL = max(c.ClaimTTL, c.Timeout+time.Second)
	def(&c.RetryBase, 10*time.Second)
	def(&c.RetryMax, time.Hour)
	def(&c.RetryFor, 24*time.Hour)
	return c
}

// Deliverer posts queued webhook events to their destinations. Any number
// of deliverers, in any number of processes sharing the database, can run
// at once: each delivery is claimed by one of them in the database, and a
// claim whose holder died lapses after ClaimTTL. Delivery is at least once;
// receivers drop duplicates by event_id.
//
// Retries wait about as long as the delivery has been failing so far (at
// least RetryBase, at most RetryMax, ±25% jitter), so the waits grow
// exponentially — roughly 10 s, 10 s, 20 s, 40 s, ... then hourly — until
// RetryFor has passed since the event was queued, when the delivery is
// marked failed.
type Deliverer struct {
	s      *Service
	cfg    DeliverConfig
	client *http.Client
	wake   chan struct{} // a worker finished: capacity is free again
	wg     sync.WaitGroup

	mu       sync.Mutex
	inflight int
	busy     map[uuid.UUID]int // destination → sends in flight
}

// NewDeliverer returns a deliverer for s's outbox; Run starts it.
func (s *Service) NewDeliverer(cfg DeliverConfig) *Deliverer {
	d := &Deliverer{s: s, cfg: cfg.withDefaults(), wake: make(chan struct{}, 1), busy: map[uuid.UUID]int{}}
	d.client = d.newClient()
	return d
}

func (s *Service) resolver() *net.Resolver { return net.DefaultResolver }

// errPrivateTarget is returned by the dialer for an address that is not
// public while private targets are not allowed.
type errPrivateTarget struct{ addr string }

func (e errPrivateTarget) Error() string {
	return "refused to connect to " + e.addr + ": not a public address (start handoff serve with --allow-private-webhooks to allow)"
}

// newClient makes the HTTP client deliveries use: no proxy, no redirects,
// and a dialer that checks every address it is about to connect to — after
// DNS resolution, so a host name that re-resolves to an internal address
// (DNS rebinding) is refused as well.
func (d *Deliverer) newClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			if d.s.privateWebhooksAllowed() {
				return nil
			}
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !domain.PublicAddr(ip) {
				return errPrivateTarget{host}
			}
			return nil
		}}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
		MaxIdleConns: 100, MaxIdleConnsPerHost: d.cfg.PerDestination, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second}
	return &http.Client{Transport: tr, Timeout: d.cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Run delivers until ctx ends. It wakes on the database's notification
// that deliveries were queued, and polls every Poll for retries that came
// due. When ctx ends it stops claiming and abandons sends in flight; their
// claims lapse and they are sent again, by this process after a restart or
// by another one.
func (d *Deliverer) Run(ctx context.Context) error {
	notes, stop, err := store.ListenWebhooks(d.s.db.DSN())
	if err != nil {
		d.s.log.Warn("webhooks: cannot LISTEN, polling only", "err", err)
	} else {
		defer stop()
	}
	defer d.client.CloseIdleConnections()
	defer d.wg.Wait()
	poll := time.NewTicker(d.cfg.Poll)
	defer poll.Stop()
	for {
		more, err := d.dispatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.s.log.Error("webhooks: claiming deliveries", "err", err)
			more = false
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-notes:
		case <-poll.C:
		case <-d.wake:
		}
	}
}

// dispatch claims as many due deliveries as there are free workers and
// starts sending them. It reports whether there may be more due now.
func (d *Deliverer) dispatch(ctx context.Context) (bool, error) {
	d.mu.Lock()
	free := d.cfg.Workers - d.inflight
	var full []uuid.UUID
	for dest, n := range d.busy {
		if n >= d.cfg.PerDestination {
			full = append(full, dest)
		}
	}
	d.mu.Unlock()
	if free <= 0 {
		return false, nil
	}
	token := uuid.New()
	rows, err := store.ClaimDeliveries(ctx, d.s.db, store.Claim{Token: token, Limit: free, TTL: d.cfg.ClaimTTL, Exclude: full})
	if err != nil {
		return false, err
	}
	var release []store.DeliveryKey
	for _, r := range rows {
		if !d.take(r.DestinationID) {
			release = append(release, r.DeliveryKey) // that destination has enough in flight
			continue
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer d.done(r.DestinationID)
			d.deliver(ctx, token, r)
		}()
	}
	if err := store.ReleaseClaims(ctx, d.s.db, token, release); err != nil {
		return false, err
	}
	return len(rows) == free || len(release) > 0, nil
}

func (d *Deliverer) take(dest uuid.UUID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[dest] >= d.cfg.PerDestination {
		return false
	}
	d.busy[dest]++
	d.inflight++
	return true
}

func (d *Deliverer) done(dest uuid.UUID) {
	d.mu.Lock()
	if d.busy[dest]--; d.busy[dest] <= 0 {
		delete(d.busy, dest)
	}
	d.inflight--
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// deliver sends one claimed delivery and records the attempt.
func (d *Deliverer) deliver(ctx context.Context, token uuid.UUID, r store.ClaimedDelivery) {
	record := func(f func(context.Context) error) {
		// The send is over: record it even if ctx has just ended, or a
		// delivered event would be sent again.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := f(rctx); err != nil {
			d.s.log.Error("webhooks: recording a delivery", "event", r.EventID, "destination", r.DestinationID, "err", err)
		}
	}
	if r.Deleted || !r.Enabled {
		reason := "destination disabled"
		if r.Deleted {
			reason = "destination deleted"
		}
		record(func(c context.Context) error { return store.FinishDelivery(c, d.s.db, r.DeliveryKey, token, reason) })
		return
	}
	start := d.s.now()
	status, err := d.post(ctx, r)
	if ctx.Err() != nil {
		return // shutting down mid-send: the claim lapses and the event is sent again
	}
	a := store.Attempt{DeliveryKey: r.DeliveryKey, Token: token, AttemptNo: r.AttemptNo, At: start,
		StatusCode: status, Duration: d.s.now().Sub(start), State: store.DeliveryDelivered}
	if err != nil {
		a.Error = err.Error()
		elapsed := r.Now.Sub(r.QueuedAt) + a.Duration
		a.RetryIn = d.backoff(elapsed)
		a.State = store.DeliveryPending
		if elapsed+a.RetryIn > d.cfg.RetryFor {
			a.State, a.RetryIn = store.DeliveryFailed, 0
			d.s.log.Warn("webhooks: giving up on a delivery", "event", r.EventID, "destination", r.DestinationID,
				"attempt", r.AttemptNo, "err", err)
		} else {
			d.s.log.Info("webhooks: delivery failed, will retry", "event", r.EventID, "destination", r.DestinationID,
				"attempt", r.AttemptNo, "retry_in", a.RetryIn.Round(time.Millisecond), "err", err)
		}
	}
	record(func(c context.Context) error { return store.RecordAttempt(c, d.s.db, a) })
}

// backoff is the wait before the next try of a delivery that has been
// failing for elapsed.
func (d *Deliverer) backoff(elapsed time.Duration) time.Duration {
	w := min(max(elapsed, d.cfg.RetryBase), d.cfg.RetryMax)
	return w*3/4 + rand.N(w/2+1)
}

// post sends the event body, signed, and returns the response status. Any
// status but 2xx is an error.
func (d *Deliverer) post(ctx context.Context, r store.ClaimedDelivery) (int, error) {
	body := []byte(r.Payload)
	v2, err := domain.SignV2(r.Secret, body)
	if err != nil {
		return 0, fmt.Errorf("stored body is not JSON: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "handoff-webhooks/1")
	req.Header.Set("X-Timestamp", strconv.FormatInt(d.s.now().Unix(), 10))
	req.Header.Set("X-Signature", domain.SignV1(r.Secret, body))
	req.Header.Set("X-Signature-V2", v2)
	if r.PreviousSecret != nil {
		prev, _ := domain.SignV2(*r.PreviousSecret, body)
		req.Header.Set("X-Signature-V2-Previous", prev)
		req.Header.Set("X-Signature-Previous", domain.SignV1(*r.PreviousSecret, body))
	}
	res, err := d.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // without the method and URL, which the delivery names already
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no response within %s", d.cfg.Timeout)
		}
		return 0, err
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 300))
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // so the connection can be reused
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return res.StatusCode, nil
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return res.StatusCode, fmt.Errorf("HTTP %d: redirects are not followed (Location: %s)", res.StatusCode,
			printable(res.Header.Get("Location")))
	}
	return res.StatusCode, fmt.Errorf("HTTP %d: %s", res.StatusCode, printable(string(snippet)))
}

// printable shortens a receiver's text to one clean line for the record.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
