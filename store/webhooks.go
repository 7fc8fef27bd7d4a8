package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// Webhook delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookChannel is the NOTIFY channel InsertWebhookEvent signals when it
// queues deliveries, so deliverers wake at once instead of at their next
// poll.
const WebhookChannel = "handoff_webhooks"

type destinationRow struct {
	ApplicationID       uuid.UUID      `db:"application_id"`
	ID                  uuid.UUID      `db:"destination_id"`
	URL                 string         `db:"url"`
	Label               string         `db:"label"`
	SubscribedEvents    pq.StringArray `db:"subscribed_events"`
	Enabled             bool           `db:"enabled"`
	CreatedAt           time.Time      `db:"created_at"`
	UpdatedAt           time.Time      `db:"updated_at"`
	PreviousSecretUntil *time.Time     `db:"previous_secret_until"`
}

func (r destinationRow) domain() domain.Destination {
	return domain.Destination{ApplicationID: r.ApplicationID, ID: r.ID, URL: r.URL, Label: r.Label,
		SubscribedEvents: []string(r.SubscribedEvents), Enabled: r.Enabled, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC(), PreviousSecretUntil: r.PreviousSecretUntil}
}

// destinationCols leaves the secrets out: they are read only to sign.
const destinationCols = `application_id, destination_id, url, label, subscribed_events, enabled, created_at, updated_at,
	CASE WHEN previous_secret_until > now() THEN previous_secret_until END AS previous_secret_until`

// InsertDestination stores a new destination with its signing secret.
func InsertDestination(ctx context.Context, q Queryer, d domain.Destination, secret string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO webhook_destinations (application_id, destination_id, url, label,
		subscribed_events, enabled, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		d.ApplicationID, d.ID, d.URL, d.Label, pq.Array(d.SubscribedEvents), d.Enabled, secret, d.CreatedAt, d.UpdatedAt)
	return mapErr(err)
}

// GetDestination loads a live destination of app. forUpdate locks its row.
func GetDestination(ctx context.Context, q Queryer, app, id uuid.UUID, forUpdate bool) (domain.Destination, error) {
	query := `SELECT ` + destinationCols + ` FROM webhook_destinations
		WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var r destinationRow
	if err := q.GetContext(ctx, &r, query, app, id); err != nil {
		return domain.Destination{}, notFound(err, "Not found.")
	}
	return r.domain(), nil
}

// ListDestinations returns app's live destinations, oldest first.
func ListDestinations(ctx context.Context, q Queryer, app uuid.UUID) ([]domain.Destination, error) {
	var rows []destinationRow
	err := q.SelectContext(ctx, &rows, `SELECT `+destinationCols+` FROM webhook_destinations
		WHERE application_id = $1 AND deleted_at IS NULL ORDER BY created_at, destination_id`, app)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Destination, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// UpdateDestination writes a destination's editable fields.
func UpdateDestination(ctx context.Context, q Queryer, d domain.Destination) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET url = $3, label = $4, subscribed_events = $5,
		enabled = $6, updated_at = $7 WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`,
		d.ApplicationID, d.ID, d.URL, d.Label, pq.Array(d.SubscribedEvents), d.Enabled, d.UpdatedAt)
	return affected(res, err, "Not found.")
}

// DeleteDestination soft-deletes a destination.
func DeleteDestination(ctx context.Context, q Queryer, app, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET deleted_at = $3, updated_at = $3
		WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`, app, id, at)
	return affected(res, err, "Not found.")
}

// RotateDestinationSecret makes secret the destination's signing secret and
// keeps the one it replaces as the previous secret until until.
func RotateDestinationSecret(ctx context.Context, q Queryer, app, id uuid.UUID, secret string, at, until time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET previous_secret = secret, secret = $3,
		previous_secret_until = $5, updated_at = $4
		WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`, app, id, secret, at, until)
	return affected(res, err, "Not found.")
}

// FailPendingDeliveries marks the destination's pending deliveries failed
// with reason, e.g. when the destination is deleted.
func FailPendingDeliveries(ctx context.Context, q Queryer, app, destination uuid.UUID, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = $3,
		claimed_until = NULL, claim_token = NULL
		WHERE application_id = $1 AND destination_id = $2 AND state = 'pending'`, app, destination, reason)
	return mapErr(err)
}

// WebhookEvent is one outbox entry. Payload is the exact body to send.
type WebhookEvent struct {
	ApplicationID uuid.UUID
	ID            uuid.UUID
	Type          string
	SessionID     *uuid.UUID
	Payload       []byte
	CreatedAt     time.Time
}

// InsertWebhookEvent writes ev to the outbox with one pending delivery per
// live, enabled destination of its application subscribed to its type, and
// signals WebhookChannel (delivered on commit), in one round trip. The
// deliveries are due at once by the database's clock, which also times
// their retries. When no
// destination subscribes nothing is written. It returns how many
// deliveries it queued.
func InsertWebhookEvent(ctx context.Context, q Queryer, ev WebhookEvent) (int, error) {
	var r struct {
		Queued int `db:"queued"`
		Woken  int `db:"woken"`
	}
	err := q.GetContext(ctx, &r, `WITH dest AS (
			SELECT destination_id FROM webhook_destinations
			WHERE application_id = $1 AND deleted_at IS NULL AND enabled AND $3 = ANY (subscribed_events)),
		ev AS (
			INSERT INTO webhook_events (application_id, event_id, webhook_type, session_id, payload, created_at)
			SELECT $1, $2, $3, $4, $5::json, $6 WHERE EXISTS (SELECT 1 FROM dest)
			RETURNING application_id, event_id),
		del AS (
			INSERT INTO webhook_deliveries (application_id, event_id, destination_id, queued_at, next_attempt_at)
			SELECT ev.application_id, ev.event_id, dest.destination_id, now(), now() FROM ev, dest
			RETURNING 1),
		wake AS (
			SELECT pg_notify('`+WebhookChannel+`', '') FROM ev)
		SELECT (SELECT count(*) FROM del) AS queued, (SELECT count(*) FROM wake) AS woken`,
		ev.ApplicationID, ev.ID, ev.Type, ev.SessionID, string(ev.Payload), ev.CreatedAt)
	return r.Queued, mapErr(err)
}

// DeliveryKey names one delivery.
type DeliveryKey struct {
	ApplicationID uuid.UUID `db:"application_id"`
	EventID       uuid.UUID `db:"event_id"`
	DestinationID uuid.UUID `db:"destination_id"`
}

// Claim asks for up to Limit due deliveries for TTL, skipping those of the
// destinations in Exclude (already busy in this process).
type Claim struct {
	Token   uuid.UUID
	Limit   int
	TTL     time.Duration
	Exclude []uuid.UUID
}

// ClaimedDelivery is a claimed delivery with what sending it takes.
type ClaimedDelivery struct {
	DeliveryKey
	AttemptNo      int        `db:"attempt_no"`
	QueuedAt       time.Time  `db:"queued_at"`
	Payload        string     `db:"payload"`
	URL            string     `db:"url"`
	Secret         string     `db:"secret"`
	PreviousSecret *string    `db:"previous_secret"`
	Enabled        bool       `db:"enabled"`
	Deleted        bool       `db:"deleted"`
	Now            time.Time  `db:"now"`
	ClaimedUntil   *time.Time `db:"claimed_until"`
}

// ClaimDeliveries claims due pending deliveries whose previous claim (if
// any) has lapsed: each is numbered as a new attempt and held until now +
// TTL under c.Token. Rows another transaction is claiming are skipped, so
// any number of deliverers, in any number of processes, never hold the
// same delivery at once.
func ClaimDeliveries(ctx context.Context, q Queryer, c Claim) ([]ClaimedDelivery, error) {
	exclude := make([]string, len(c.Exclude))
	for i, id := range c.Exclude {
		exclude[i] = id.String()
	}
	var out []ClaimedDelivery
	err := q.SelectContext(ctx, &out, `WITH claimed AS (
			UPDATE webhook_deliveries w SET claimed_until = now() + $3 * interval '1 microsecond',
				claim_token = $1, attempts = w.attempts + 1
			WHERE (w.application_id, w.event_id, w.destination_id) IN (
				SELECT application_id, event_id, destination_id FROM webhook_deliveries
				WHERE state = 'pending' AND next_attempt_at <= now()
				  AND (claimed_until IS NULL OR claimed_until < now())
				  AND destination_id <> ALL ($4::uuid[])
				ORDER BY next_attempt_at LIMIT $2
				FOR UPDATE SKIP LOCKED)
			RETURNING w.application_id, w.event_id, w.destination_id, w.attempts, w.queued_at, w.claimed_until)
		SELECT c.application_id, c.event_id, c.destination_id, c.attempts AS attempt_no, c.queued_at, c.claimed_until,
			e.payload::text AS payload, d.url, d.secret,
			CASE WHEN d.previous_secret_until > now() THEN d.previous_secret END AS previous_secret,
			d.enabled, d.deleted_at IS NOT NULL AS deleted, now() AS now
		FROM claimed c
		JOIN webhook_events e USING (application_id, event_id)
		JOIN webhook_destinations d USING (application_id, destination_id)`,
		c.Token, c.Limit, c.TTL.Microseconds(), pq.Array(exclude))
	return out, mapErr(err)
}

// ReleaseClaims gives back claims that were not acted on, as if they had
// never been made.
func ReleaseClaims(ctx context.Context, q Queryer, token uuid.UUID, keys []DeliveryKey) error {
	if len(keys) == 0 {
		return nil
	}
	apps, events, dests := keyArrays(keys)
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries w SET claimed_until = NULL, claim_token = NULL,
		attempts = w.attempts - 1
		FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) AS k(application_id, event_id, destination_id)
		WHERE w.application_id = k.application_id AND w.event_id = k.event_id
		  AND w.destination_id = k.destination_id AND w.claim_token = $1`, token, apps, events, dests)
	return mapErr(err)
}

func keyArrays(keys []DeliveryKey) (any, any, any) {
	apps, events, dests := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		apps[i], events[i], dests[i] = k.ApplicationID.String(), k.EventID.String(), k.DestinationID.String()
	}
	return pq.Array(apps), pq.Array(events), pq.Array(dests)
}

// Attempt is the outcome of sending one claimed delivery.
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
// trip. A success is recorded whoever holds the claim now; a failure only
// by the claim's holder, so a deliverer whose claim lapsed cannot undo a
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
			last_status = $6, last_error = $8, delivered_at = $11, claimed_until = NULL, claim_token = NULL
		WHERE application_id = $1 AND event_id = $2 AND destination_id = $3 AND state = 'pending'
		  AND (claim_token = $12 OR $9 = 'delivered')`,
		a.ApplicationID, a.EventID, a.DestinationID, a.AttemptNo, a.At, status, a.Duration.Milliseconds(), errText,
		a.State, a.RetryIn.Microseconds(), deliveredAt, a.Token)
	return mapErr(err)
}

// FinishDelivery ends a claimed delivery without an attempt (its
// destination was disabled or deleted meanwhile): failed, with reason.
func FinishDelivery(ctx context.Context, q Queryer, k DeliveryKey, token uuid.UUID, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = $5,
		attempts = attempts - 1, claimed_until = NULL, claim_token = NULL
		WHERE application_id = $1 AND event_id = $2 AND destination_id = $3 AND claim_token = $4`,
		k.ApplicationID, k.EventID, k.DestinationID, token, reason)
	return mapErr(err)
}

// Delivery is one row of a deliveries listing.
type Delivery struct {
	DeliveryKey
	WebhookType   string     `db:"webhook_type"`
	SessionID     *uuid.UUID `db:"session_id"`
	URL           string     `db:"url"`
	Label         string     `db:"label"`
	State         string     `db:"state"`
	Attempts      int        `db:"attempts"`
	QueuedAt      time.Time  `db:"queued_at"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	LastStatus    *int       `db:"last_status"`
	LastError     *string    `db:"last_error"`
	DeliveredAt   *time.Time `db:"delivered_at"`
	EventAt       time.Time  `db:"event_at"`
}

// DeliveryFilter narrows a deliveries listing.
type DeliveryFilter struct {
	State   string     // one state, or "" for all
	EventID *uuid.UUID // one event
	Limit   int
}

// ListDeliveries returns app's deliveries, most recently queued first.
func ListDeliveries(ctx context.Context, q Queryer, app uuid.UUID, f DeliveryFilter) ([]Delivery, error) {
	conds, args := []string{"w.application_id = $1"}, []any{app}
	if f.State != "" {
		args = append(args, f.State)
		conds = append(conds, fmt.Sprintf("w.state = $%d", len(args)))
	}
	if f.EventID != nil {
		args = append(args, *f.EventID)
		conds = append(conds, fmt.Sprintf("w.event_id = $%d", len(args)))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	var out []Delivery
	err := q.SelectContext(ctx, &out, `SELECT w.application_id, w.event_id, w.destination_id, e.webhook_type, e.session_id,
			d.url, d.label, w.state, w.attempts, w.queued_at, w.next_attempt_at, w.last_status, w.last_error,
			w.delivered_at, e.created_at AS event_at
		FROM webhook_deliveries w
		JOIN webhook_events e USING (application_id, event_id)
		JOIN webhook_destinations d USING (application_id, destination_id)
		WHERE `+strings.Join(conds, " AND ")+fmt.Sprintf(` ORDER BY w.queued_at DESC, w.event_id LIMIT $%d`, len(args)), args...)
	return out, mapErr(err)
}

// Redeliver queues deliveries of an event again, now, with a fresh retry
// window: all its deliveries, or only the one to destination when set.
// Deliveries to deleted destinations are left alone. It returns how many
// were queued.
func Redeliver(ctx context.Context, q Queryer, app, event uuid.UUID, destination *uuid.UUID) (int, error) {
	res, err := q.ExecContext(ctx, `UPDATE webhook_deliveries w SET state = 'pending', queued_at = now(),
		next_attempt_at = now(), delivered_at = NULL,
		-- a pending delivery being sent right now keeps its claim: no second copy in parallel
		claimed_until = CASE WHEN w.state = 'pending' THEN w.claimed_until END,
		claim_token = CASE WHEN w.state = 'pending' THEN w.claim_token END
		FROM webhook_destinations d
		WHERE w.application_id = $1 AND w.event_id = $2 AND ($3::uuid IS NULL OR w.destination_id = $3)
		  AND d.application_id = w.application_id AND d.destination_id = w.destination_id AND d.deleted_at IS NULL`,
		app, event, destination)
	if err != nil {
		return 0, mapErr(err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if _, err := q.ExecContext(ctx, `SELECT pg_notify('`+WebhookChannel+`', '')`); err != nil {
			return 0, mapErr(err)
		}
	}
	return int(n), nil
}

// EventApplication finds which application an event belongs to, for
// operators who know only its id.
func EventApplication(ctx context.Context, q Queryer, event uuid.UUID) (uuid.UUID, error) {
	var app uuid.UUID
	err := q.GetContext(ctx, &app, `SELECT application_id FROM webhook_events WHERE event_id = $1 LIMIT 1`, event)
	return app, notFound(err, "no webhook event with that id")
}

// ListenWebhooks subscribes to WebhookChannel on its own connection to dsn.
// The returned channel receives a value for every notification, and after
// every reconnection (when notifications may have been missed); stop
// closes the connection.
func ListenWebhooks(dsn string) (<-chan struct{}, func(), error) {
	l := pq.NewListener(dsn, 100*time.Millisecond, 10*time.Second, nil)
	if err := l.Listen(WebhookChannel); err != nil {
		l.Close()
		return nil, nil, err
	}
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		ping := time.NewTicker(time.Minute)
		defer ping.Stop()
		for {
			select {
			case <-ping.C: // notice a silently dead connection, so it reconnects
				go l.Ping()
			case <-l.Notify: // nil after a reconnection: poll anyway
				select {
				case out <- struct{}{}:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() { close(done); l.Close() }, nil
}
