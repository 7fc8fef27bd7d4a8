package store

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// The LISTEN/NOTIFY channels.
const (
	// ChangesChannel carries every change that an open screen may show.
	ChangesChannel = "handoff_changes"
	// WebhookChannel is signalled when deliveries are queued, so senders
	// wake at once instead of at their next poll.
	WebhookChannel = "handoff_webhooks"
)

// Notify announces payloads on ChangesChannel. In a transaction of InTx
// they are sent just after it commits, and never when it rolls back; on
// the pool (after a use case whose write was a statement of its own) with
// the next batch of committed transactions' notifications, without
// waiting; on anything else at once.
//
// Why after and not at commit: PostgreSQL holds one lock for the whole
// cluster from a notifying transaction's commit until its WAL is on disk,
// so transactions that NOTIFY commit one at a time, one disk flush each
// (measured: the bare import did 130/s with its NOTIFY and 200/s without).
// After commit, the notifications of many transactions go out together in
// one statement without waiting for the disk. A process killed in between
// loses them; they are hints to refresh open screens, which resync
// whenever their listener reconnects, and nothing depends on them for
// correctness.
func Notify(ctx context.Context, q Queryer, payloads ...string) error {
	if len(payloads) == 0 {
		return nil
	}
	if st := pending(q); st != nil {
		st.payloads = append(st.payloads, payloads...)
		return nil
	}
	if db, ok := q.(*DB); ok {
		db.notes.send(db, payloads, false)
		return nil
	}
	return notifyNow(ctx, q, payloads)
}

// wakeSenders signals WebhookChannel: after commit in a transaction of
// InTx (for the reason Notify gives), elsewhere at once. A sender that
// misses it finds the deliveries at its next poll.
func wakeSenders(ctx context.Context, q Queryer) error {
	if st := pending(q); st != nil {
		st.webhooks = true
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT pg_notify('`+WebhookChannel+`', '')`)
	return mapErr(err)
}

// audited marks q's transaction as having queued events of apps, so that
// this process's sequencer is woken for them when it commits; on the pool,
// where the statement was its own transaction, it is woken at once.
func audited(q Queryer, events []domain.AuditEvent) {
	apps := make([]uuid.UUID, len(events))
	for i, e := range events {
		apps[i] = e.ApplicationID
	}
	if st := pending(q); st != nil {
		st.audited = append(st.audited, apps...)
	} else if db, ok := q.(*DB); ok {
		db.sealWake.add(apps)
	}
}

// pending is what q, when it is a transaction of InTx, will do once
// committed; nil otherwise.
func pending(q Queryer) *txState {
	if tx, ok := q.(*Tx); ok {
		if v, ok := txNotes.Load(tx); ok {
			return v.(*txState)
		}
	}
	return nil
}

func notifyNow(ctx context.Context, q Queryer, payloads []string) error {
	_, err := q.ExecContext(ctx, `SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, ChangesChannel, pq.Array(payloads))
	return mapErr(err)
}

// txNotes holds, for each transaction of InTx, what it will announce once
// committed.
var txNotes sync.Map // *Tx → *txState

type txState struct {
	payloads []string    // for ChangesChannel
	webhooks bool        // deliveries were queued: wake the senders
	audited  []uuid.UUID // applications whose audit events were queued: wake the sequencer
}

// committed does what a transaction left for after its commit.
func (db *DB) committed(st *txState) {
	db.notes.send(db, st.payloads, st.webhooks)
	db.sealWake.add(st.audited)
}

// SealWake receives when a transaction of this process has committed
// audit events; WokenApps says whose. The sequencer seals them at once
// instead of at its next look; events of other processes wait for that
// look.
func (db *DB) SealWake() <-chan struct{} { return db.sealWake.ch }

// WokenApps returns the applications with audit events committed by this
// process since it was last called.
func (db *DB) WokenApps() []uuid.UUID { return db.sealWake.take() }

// waker collects the applications to wake the sequencer for.
type waker struct {
	mu   sync.Mutex
	apps map[uuid.UUID]struct{}
	ch   chan struct{}
}

func newWaker() *waker { return &waker{apps: map[uuid.UUID]struct{}{}, ch: make(chan struct{}, 1)} }

func (w *waker) add(apps []uuid.UUID) {
	if len(apps) == 0 {
		return
	}
	w.mu.Lock()
	for _, a := range apps {
		w.apps[a] = struct{}{}
	}
	w.mu.Unlock()
	select {
	case w.ch <- struct{}{}:
	default: // already signalled
	}
}

func (w *waker) take() []uuid.UUID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]uuid.UUID, 0, len(w.apps))
	for a := range w.apps {
		out = append(out, a)
		delete(w.apps, a)
	}
	return out
}

// notifier sends committed transactions' notifications, as many at once as
// have queued while the previous statement ran. It runs only while there
// is something to send.
type notifier struct {
	mu       sync.Mutex
	queue    []string
	webhooks bool
	running  bool
}

func (n *notifier) send(db *DB, payloads []string, webhooks bool) {
	if len(payloads) == 0 && !webhooks {
		return
	}
	n.mu.Lock()
	n.queue = append(n.queue, payloads...)
	n.webhooks = n.webhooks || webhooks
	start := !n.running
	n.running = true
	n.mu.Unlock()
	if start {
		go n.run(db)
	}
}

func (n *notifier) run(db *DB) {
	for {
		n.mu.Lock()
		batch, webhooks := n.queue, n.webhooks
		n.queue, n.webhooks = nil, false
		if len(batch) == 0 && !webhooks {
			n.running = false
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		// Lost when the database is unreachable: listeners resync when they
		// reconnect, senders poll.
		_ = db.notifyBatch(batch, webhooks)
	}
}

// notifyBatch sends payloads, and with webhooks the senders' wake-up, in
// one statement whose transaction does not wait for the disk at commit
// (the notifications are hints; nothing else is written), so it holds
// PostgreSQL's notification lock only briefly.
func (db *DB) notifyBatch(payloads []string, webhooks bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := db.ExecContext(ctx, Keyed+`WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
		SELECT pg_notify($1, p) FROM async, unnest($2::text[]) AS p
		UNION ALL SELECT pg_notify($3, '') FROM async WHERE $4`, ChangesChannel, pq.Array(payloads), WebhookChannel, webhooks)
	return err
}

// ListenerEvent is what a Listener reports besides notifications.
type ListenerEvent int

const (
	ListenerConnected ListenerEvent = iota
	ListenerLost                    // the connection dropped; retrying
	ListenerResumed                 // reconnected: notifications may have been missed
)

// Listen opens one dedicated connection that LISTENs on channel and
// reconnects by itself when it drops. Payloads arrive on the first channel,
// connection events on the second, until ctx ends; the third is closed once
// LISTEN is in place. It never waits for the database: a listener that
// cannot connect reports ListenerLost and retries.
func (db *DB) Listen(ctx context.Context, channel string) (<-chan string, <-chan ListenerEvent, <-chan struct{}) {
	events := make(chan ListenerEvent, 8)
	report := func(ev pq.ListenerEventType, err error) {
		var e ListenerEvent
		switch ev {
		case pq.ListenerEventConnected:
			e = ListenerConnected
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			e = ListenerLost
		case pq.ListenerEventReconnected:
			e = ListenerResumed
		}
		select {
		case events <- e:
		default:
		}
	}
	l := pq.NewListener(db.dsn, 100*time.Millisecond, 5*time.Second, report)
	out := make(chan string, 256)
	ready := make(chan struct{})
	go func() {
		defer close(out)
		defer l.Close()
		// LISTEN waits for a connection; while the database is down it
		// fails, and the listener is asked again until it answers.
		for l.Listen(channel) != nil {
			select {
			case events <- ListenerLost:
			default:
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
		close(ready)
		ping := time.NewTicker(30 * time.Second)
		defer ping.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.Notify:
				if n == nil {
					continue // reconnected; the event says so
				}
				select {
				case out <- n.Extra:
				case <-ctx.Done():
					return
				}
			case <-ping.C: // notice a silently dead connection, so it reconnects
				go l.Ping()
			}
		}
	}()
	return out, events, ready
}
