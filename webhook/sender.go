// Package webhook sends the outbox's events to their destinations: it owns
// the HTTP client (which refuses private targets), the signing and the
// retry loop. The events themselves are written by review's use cases, in
// the transaction of the change they report.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/webhookverify"
)

// Config tunes a Sender; zero fields take the defaults.
type Config struct {
	Workers        int           // concurrent sends in this process (8)
	PerDestination int           // concurrent sends to one destination from this process (4)
	Poll           time.Duration // how often to look for due deliveries between notifications (500 ms)
	Timeout        time.Duration // per request, connection to last body byte (10 s)
	// LeaseTTL is how long a leased delivery is reserved for its sender;
	// if that sender dies, another sends the delivery once the lease
	// lapses. At least Timeout + 1 s (default Timeout + 50 s).
	LeaseTTL  time.Duration
	RetryBase time.Duration // shortest wait before a retry (10 s)
	RetryMax  time.Duration // longest wait between retries (1 h)
	RetryFor  time.Duration // how long a delivery is retried before it is marked failed (24 h)
	// AllowPrivate lets deliveries connect to loopback, private and
	// link-local addresses (local development and tests only).
	AllowPrivate bool
	// PrivateTargets are addresses ("127.0.0.1:8181") deliveries may
	// connect to although they are not public, when AllowPrivate is off:
	// the demo's own receiver, and nothing else.
	PrivateTargets []string
	// Secrets opens a delivery's sealed signing secrets into its Secret
	// and PreviousSecret (review.Service.OpenDeliverySecrets: only review
	// holds the keys). Without it only unsealed legacy secrets sign.
	Secrets func(context.Context, *store.LeasedDelivery) error
	// Decision completes an opened finished-status body with its decision
	// object (review.Service.DeliveryDecision), built when it is sent.
	// Without it bodies go as queued.
	Decision func(context.Context, *store.LeasedDelivery) error
	Log      *slog.Logger     // slog.Default()
	Now      func() time.Time // time.Now
	// Observe, when set, hears each finished attempt (metrics): result is
	// one of the Result constants; delay, for a delivered one, is the time
	// from the commit that queued the event to the receiver's answer.
	Observe func(result string, delay time.Duration)
}

// Results of one delivery attempt, as Config.Observe hears them.
const (
	ResultDelivered = "delivered"
	ResultRetry     = "retry"   // failed, will be tried again
	ResultFailed    = "failed"  // failed for good: retried for RetryFor
	ResultDropped   = "dropped" // the destination was disabled or deleted meanwhile
)

func (c Config) withDefaults() Config {
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
	def(&c.LeaseTTL, c.Timeout+50*time.Second)
	c.LeaseTTL = max(c.LeaseTTL, c.Timeout+time.Second)
	def(&c.RetryBase, 10*time.Second)
	def(&c.RetryMax, time.Hour)
	def(&c.RetryFor, 24*time.Hour)
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Sender posts queued webhook events to their destinations. Any number of
// senders, in any number of processes sharing the database, can run at
// once: each delivery is leased by one of them in the database, and a
// lease whose holder died lapses after LeaseTTL. Delivery is at least once;
// receivers drop duplicates by event_id.
//
// Retries wait about as long as the delivery has been failing so far (at
// least RetryBase, at most RetryMax, ±25% jitter), so the waits grow
// exponentially — roughly 10 s, 10 s, 20 s, 40 s, ... then hourly — until
// RetryFor has passed since the event was queued, when the delivery is
// marked failed.
type Sender struct {
	db     *store.DB
	cfg    Config
	client *http.Client
	wake   chan struct{} // a worker finished: capacity is free again
	wg     sync.WaitGroup

	mu       sync.Mutex
	inflight int
	busy     map[uuid.UUID]int // destination → sends in flight
}

// New returns a sender for db's outbox; Run starts it.
func New(db *store.DB, cfg Config) *Sender {
	d := &Sender{db: db, cfg: cfg.withDefaults(), wake: make(chan struct{}, 1), busy: map[uuid.UUID]int{}}
	d.client = d.newClient()
	return d
}

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
func (d *Sender) newClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			if d.cfg.AllowPrivate || slices.Contains(d.cfg.PrivateTargets, address) {
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
// due, and after the listener reconnects (notifications may have been
// missed). When ctx ends it stops leasing and abandons sends in flight;
// their leases lapse and they are sent again, by this process after a
// restart or by another one.
func (d *Sender) Run(ctx context.Context) error {
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	notes, events, _ := d.db.Listen(lctx, store.WebhookChannel)
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
			d.cfg.Log.Error("webhooks: leasing deliveries", "err", err)
			more = false
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-notes:
			drain(notes) // one look serves every event queued so far
		case ev := <-events:
			if ev == store.ListenerLost {
				continue // nothing to do until it is back; the poll goes on
			}
		case <-poll.C:
		case <-d.wake:
		}
	}
}

// drain empties c without waiting.
func drain(c <-chan string) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// dispatch leases as many due deliveries as there are free workers and
// starts sending them. It reports whether there may be more due now.
func (d *Sender) dispatch(ctx context.Context) (bool, error) {
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
	rows, err := store.LeaseDeliveries(ctx, d.db, store.Lease{Token: token, Limit: free, TTL: d.cfg.LeaseTTL, Exclude: full})
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
	if err := store.ReleaseLeases(ctx, d.db, token, release); err != nil {
		return false, err
	}
	return len(rows) == free || len(release) > 0, nil
}

func (d *Sender) take(dest uuid.UUID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[dest] >= d.cfg.PerDestination {
		return false
	}
	d.busy[dest]++
	d.inflight++
	return true
}

func (d *Sender) done(dest uuid.UUID) {
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

// deliver sends one leased delivery and records the attempt.
func (d *Sender) deliver(ctx context.Context, token uuid.UUID, r store.LeasedDelivery) {
	record := func(f func(context.Context) error) {
		// The send is over: record it even if ctx has just ended, or a
		// delivered event would be sent again.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := f(rctx); err != nil {
			d.cfg.Log.Error("webhooks: recording a delivery", "event", r.EventID, "destination", r.DestinationID, "err", err)
		}
	}
	if r.Deleted || !r.Enabled {
		reason := "destination disabled"
		if r.Deleted {
			reason = "destination deleted"
		}
		record(func(c context.Context) error { return store.FinishDelivery(c, d.db, r.DeliveryKey, token, reason) })
		d.observe(ResultDropped, 0)
		return
	}
	start := d.cfg.Now()
	status, err := d.post(ctx, r)
	if ctx.Err() != nil {
		return // shutting down mid-send: the lease lapses and the event is sent again
	}
	a := store.Attempt{DeliveryKey: r.DeliveryKey, Token: token, AttemptNo: r.AttemptNo, At: start,
		StatusCode: status, Duration: d.cfg.Now().Sub(start), State: store.DeliveryDelivered}
	if err != nil {
		a.Error = err.Error()
		elapsed := r.Now.Sub(r.QueuedAt) + a.Duration
		a.RetryIn = d.backoff(elapsed)
		a.State = store.DeliveryPending
		if elapsed+a.RetryIn > d.cfg.RetryFor {
			a.State, a.RetryIn = store.DeliveryFailed, 0
			d.cfg.Log.Warn("webhooks: giving up on a delivery", "event", r.EventID, "destination", r.DestinationID,
				"attempt", r.AttemptNo, "err", err)
		} else {
			d.cfg.Log.Info("webhooks: delivery failed, will retry", "event", r.EventID, "destination", r.DestinationID,
				"attempt", r.AttemptNo, "retry_in", a.RetryIn.Round(time.Millisecond), "err", err)
		}
	}
	record(func(c context.Context) error { return store.RecordAttempt(c, d.db, a) })
	switch a.State {
	case store.DeliveryDelivered:
		// Both ends on the database's clock: queued at commit, leased at
		// r.Now, then the send.
		d.observe(ResultDelivered, r.Now.Sub(r.QueuedAt)+a.Duration)
	case store.DeliveryFailed:
		d.observe(ResultFailed, 0)
	default:
		d.observe(ResultRetry, 0)
	}
}

func (d *Sender) observe(result string, delay time.Duration) {
	if d.cfg.Observe != nil {
		d.cfg.Observe(result, delay)
	}
}

// backoff is the wait before the next try of a delivery that has been
// failing for elapsed.
func (d *Sender) backoff(elapsed time.Duration) time.Duration {
	w := min(max(elapsed, d.cfg.RetryBase), d.cfg.RetryMax)
	return w*3/4 + rand.N(w/2+1)
}

// openSecrets fills the secrets a delivery is signed with.
func (d *Sender) openSecrets(ctx context.Context, r *store.LeasedDelivery) error {
	if d.cfg.Secrets != nil {
		return d.cfg.Secrets(ctx, r)
	}
	if r.SealedSecret != nil || r.SealedPayload != nil || r.PlainSecret == nil {
		return errors.New("the secret is sealed and the sender has no Config.Secrets to open it")
	}
	r.Secret, r.PreviousSecret = *r.PlainSecret, r.PlainPreviousSecret
	return nil
}

// post sends the event body, signed, and returns the response status. Any
// status but 2xx is an error.
func (d *Sender) post(ctx context.Context, r store.LeasedDelivery) (int, error) {
	if err := d.openSecrets(ctx, &r); err != nil {
		d.cfg.Log.Error("webhooks: opening a destination's secret", "destination", r.DestinationID, "err", err)
		return 0, fmt.Errorf("the destination's signing secret cannot be opened on this server")
	}
	if d.cfg.Decision != nil {
		if err := d.cfg.Decision(ctx, &r); err != nil {
			d.cfg.Log.Error("webhooks: building a delivery's decision object", "destination", r.DestinationID,
				"event", r.EventID, "err", err)
			return 0, fmt.Errorf("the session's decision object cannot be built on this server")
		}
	}
	at := d.cfg.Now()
	body, err := restamp([]byte(r.Payload), at)
	if err != nil {
		return 0, fmt.Errorf("stored body: %w", err)
	}
	v2, err := webhookverify.SignV2(r.Secret, body)
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
	req.Header.Set("X-Timestamp", strconv.FormatInt(at.Unix(), 10)) // the body's timestamp too
	req.Header.Set("X-Signature", webhookverify.SignV1(r.Secret, body))
	req.Header.Set("X-Signature-V2", v2)
	if ts, id, status, typ, err := webhookverify.SimpleFields(body); err == nil {
		req.Header.Set("X-Signature-Simple", webhookverify.SignSimple(r.Secret, ts, id, status, typ))
	}
	if r.PreviousSecret != nil {
		prev, _ := webhookverify.SignV2(*r.PreviousSecret, body)
		req.Header.Set("X-Signature-V2-Previous", prev)
		req.Header.Set("X-Signature-Previous", webhookverify.SignV1(*r.PreviousSecret, body))
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
