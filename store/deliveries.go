package store

// Delivery leases: a sender leases due deliveries for a while, so that of
// any number of senders exactly one posts each, and a lease whose holder
// died lapses by itself.

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
)

// DeliveryKey names one delivery.
type DeliveryKey struct {
	ApplicationID uuid.UUID `db:"application_id"`
	EventID       uuid.UUID `db:"event_id"`
	DestinationID uuid.UUID `db:"destination_id"`
}

// Lease asks for up to Limit due deliveries for TTL, skipping those of the
// destinations in Exclude (already busy in this process).
type Lease struct {
	Token   uuid.UUID
	Limit   int
	TTL     time.Duration
	Exclude []uuid.UUID
}

// LeasedDelivery is a leased delivery with what sending it takes.
type LeasedDelivery struct {
	DeliveryKey
	AttemptNo     int       `db:"attempt_no"`
	QueuedAt      time.Time `db:"queued_at"`
	Payload       string    `db:"payload"` // the body: opened by the review layer when SealedPayload is set
	SealedPayload []byte    `db:"sealed_payload"`
	URL           string    `db:"url"`
	// The secrets as stored: sealed, or plaintext in rows written before
	// secrets were sealed. The review layer opens them into Secret and
	// PreviousSecret.
	SealedSecret         []byte     `db:"sealed_secret"`
	SealedPreviousSecret []byte     `db:"sealed_previous_secret"`
	PlainSecret          *string    `db:"secret"`
	PlainPreviousSecret  *string    `db:"previous_secret"`
	Secret               string     `db:"-"`
	PreviousSecret       *string    `db:"-"`
	Enabled              bool       `db:"enabled"`
	Deleted              bool       `db:"deleted"`
	Now                  time.Time  `db:"now"`
	LeasedUntil          *time.Time `db:"leased_until"`
}

// LeaseDeliveries leases due pending deliveries whose previous lease (if
// any) has lapsed: each is numbered as a new attempt and held until now +
// TTL under l.Token. Rows another transaction is leasing are skipped, so
// any number of deliverers, in any number of processes, never hold the
// same delivery at once.
func LeaseDeliveries(ctx context.Context, q Queryer, l Lease) ([]LeasedDelivery, error) {
	exclude := make([]string, len(l.Exclude))
	for i, id := range l.Exclude {
		exclude[i] = id.String()
	}
	var out []LeasedDelivery
	err := q.SelectContext(ctx, &out, `WITH leased AS (
			UPDATE webhook_deliveries w SET leased_until = now() + $3 * interval '1 microsecond',
				lease_token = $1, attempts = w.attempts + 1
			WHERE (w.application_id, w.event_id, w.destination_id) IN (
				SELECT application_id, event_id, destination_id FROM webhook_deliveries
				WHERE state = 'pending' AND next_attempt_at <= now()
				  AND (leased_until IS NULL OR leased_until < now())
				  AND destination_id <> ALL ($4::uuid[])
				ORDER BY next_attempt_at LIMIT $2
				FOR UPDATE SKIP LOCKED)
			RETURNING w.application_id, w.event_id, w.destination_id, w.attempts, w.queued_at, w.leased_until)
		SELECT c.application_id, c.event_id, c.destination_id, c.attempts AS attempt_no, c.queued_at, c.leased_until,
			coalesce(e.payload::text, '') AS payload, e.sealed_payload, d.url, d.secret, d.sealed_secret,
			CASE WHEN d.previous_secret_until > now() THEN d.previous_secret END AS previous_secret,
			CASE WHEN d.previous_secret_until > now() THEN d.sealed_previous_secret END AS sealed_previous_secret,
			d.enabled, d.deleted_at IS NOT NULL AS deleted, now() AS now
		FROM leased c
		JOIN webhook_events e USING (application_id, event_id)
		JOIN webhook_destinations d USING (application_id, destination_id)`,
		l.Token, l.Limit, l.TTL.Microseconds(), pq.Array(exclude))
	return out, mapErr(err)
}

// ReleaseLeases gives back leases that were not acted on, as if they had
// never been made.
func ReleaseLeases(ctx context.Context, q Queryer, token uuid.UUID, keys []DeliveryKey) error {
	if len(keys) == 0 {
		return nil
	}
	apps, events, dests := keyArrays(keys)
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries w SET leased_until = NULL, lease_token = NULL,
		attempts = w.attempts - 1
		FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) AS k(application_id, event_id, destination_id)
		WHERE w.application_id = k.application_id AND w.event_id = k.event_id
		  AND w.destination_id = k.destination_id AND w.lease_token = $1`, token, apps, events, dests)
	return mapErr(err)
}

func keyArrays(keys []DeliveryKey) (any, any, any) {
	apps, events, dests := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		apps[i], events[i], dests[i] = k.ApplicationID.String(), k.EventID.String(), k.DestinationID.String()
	}
	return pq.Array(apps), pq.Array(events), pq.Array(dests)
}

// Attempt is the outcome of sending one leased delivery.
type Attempt struct {
	DeliveryKey
	Token      uuid.UUID
	AttemptNo  int
	At         time.Time
	StatusCode int // 0 when no response came
	Duration   time.Duration
	Error      string // "" on success
	// State is what the delivery becomes: delivered, failed, or pending
	// again RetryIn from now (the database's clock).
	State   string
	RetryIn time.Duration
}

// RecordAttempt stores an attempt and moves its delivery on, in one round
// trip. A success is recorded whoever holds the lease now; a failure only
// by the lease's holder, so a deliverer whose lease lapsed cannot undo a
// later success or reschedule someone else's attempt. The attempt row is
// written either way: it happened.
func RecordAttempt(ctx context.Context, q Queryer, a Attempt) error {
	var status *int
	if a.StatusCode != 0 {
		status = &a.StatusCode
	}
	var errText *string
	if a.Error != "" {
		errText = &a.Error
	}
	var deliveredAt *time.Time
	if a.State == DeliveryDelivered {
		deliveredAt = &a.At
	}
	_, err := q.ExecContext(ctx, `WITH att AS (
			INSERT INTO webhook_attempts (application_id, event_id, destination_id, attempt_no, at, status_code, duration_ms, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT DO NOTHING)
		UPDATE webhook_deliveries SET state = $9, next_attempt_at = now() + $10 * interval '1 microsecond',
			last_status = $6, last_error = $8, delivered_at = $11, leased_until = NULL, lease_token = NULL
		WHERE application_id = $1 AND event_id = $2 AND destination_id = $3 AND state = 'pending'
		  AND (lease_token = $12 OR $9 = 'delivered')`,
		a.ApplicationID, a.EventID, a.DestinationID, a.AttemptNo, a.At, status, a.Duration.Milliseconds(), errText,
		a.State, a.RetryIn.Microseconds(), deliveredAt, a.Token)
	return mapErr(err)
}

// FinishDelivery ends a leased delivery without an attempt (its
// destination was disabled or deleted meanwhile): failed, with reason.
func FinishDelivery(ctx context.Context, q Queryer, k DeliveryKey, token uuid.UUID, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = $5,
		attempts = attempts - 1, leased_until = NULL, lease_token = NULL
		WHERE application_id = $1 AND event_id = $2 AND destination_id = $3 AND lease_token = $4`,
		k.ApplicationID, k.EventID, k.DestinationID, token, reason)
	return mapErr(err)
}
