package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// The LISTEN/NOTIFY channels.
const (
	// ChangesChannel carries every change that an open screen may show.
	ChangesChannel = "handoff_changes"
	// WebhookChannel is signalled when deliveries are queued, so senders
	// wake at once instead of at their next poll.
	WebhookChannel = "handoff_webhooks"
)

// Notify announces payloads on ChangesChannel in one round trip. Inside a
// transaction they are delivered at commit, and never when it rolls back.
func Notify(ctx context.Context, q Queryer, payloads ...string) error {
	if len(payloads) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, ChangesChannel, pq.Array(payloads))
	return mapErr(err)
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
