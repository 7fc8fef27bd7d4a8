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
	WebhookVersion      string         `db:"webhook_version"`
}

func (r destinationRow) domain() domain.Destination {
	return domain.Destination{ApplicationID: r.ApplicationID, ID: r.ID, URL: r.URL, Label: r.Label,
		SubscribedEvents: []string(r.SubscribedEvents), Enabled: r.Enabled, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC(), PreviousSecretUntil: r.PreviousSecretUntil, WebhookVersion: r.WebhookVersion}
}

// destinationCols leaves the secrets out: they are read only to sign.
const destinationCols = `application_id, destination_id, url, label, subscribed_events, enabled, created_at, updated_at, webhook_version,
	CASE WHEN previous_secret_until > now() THEN previous_secret_until END AS previous_secret_until`

// InsertDestination stores a new destination with its signing secret,
// sealed by the review layer.
func InsertDestination(ctx context.Context, q Queryer, d domain.Destination, sealedSecret []byte) error {
	_, err := q.ExecContext(ctx, `INSERT INTO webhook_destinations (application_id, destination_id, url, label,
		subscribed_events, enabled, sealed_secret, created_at, updated_at, webhook_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.ApplicationID, d.ID, d.URL, d.Label, pq.Array(d.SubscribedEvents), d.Enabled, sealedSecret, d.CreatedAt, d.UpdatedAt, d.WebhookVersion)
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
		enabled = $6, updated_at = $7, webhook_version = $8 WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`,
		d.ApplicationID, d.ID, d.URL, d.Label, pq.Array(d.SubscribedEvents), d.Enabled, d.UpdatedAt, d.WebhookVersion)
	return affected(res, err, "Not found.")
}

// DeleteDestination soft-deletes a destination.
func DeleteDestination(ctx context.Context, q Queryer, app, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET deleted_at = $3, updated_at = $3
		WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`, app, id, at)
	return affected(res, err, "Not found.")
}

// RotateDestinationSecret makes sealed the destination's signing secret
// and keeps the one it replaces as the previous secret until until.
func RotateDestinationSecret(ctx context.Context, q Queryer, app, id uuid.UUID, sealed []byte, at, until time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET previous_secret = secret, secret = NULL,
		sealed_previous_secret = sealed_secret, sealed_secret = $3, previous_secret_until = $5, updated_at = $4
		WHERE application_id = $1 AND destination_id = $2 AND deleted_at IS NULL`, app, id, sealed, at, until)
	return affected(res, err, "Not found.")
}

// DestinationSecrets is a destination's stored secrets, for re-sealing.
type DestinationSecrets struct {
	ApplicationID  uuid.UUID `db:"application_id"`
	ID             uuid.UUID `db:"destination_id"`
	Sealed         []byte    `db:"sealed_secret"`
	SealedPrevious []byte    `db:"sealed_previous_secret"`
	Plain          *string   `db:"secret"`
	PlainPrevious  *string   `db:"previous_secret"`
}

// ListDestinationSecrets returns the stored secrets of app's destinations.
func ListDestinationSecrets(ctx context.Context, q Queryer, app uuid.UUID) ([]DestinationSecrets, error) {
	var out []DestinationSecrets
	err := q.SelectContext(ctx, &out, `SELECT application_id, destination_id, sealed_secret, sealed_previous_secret,
		secret, previous_secret FROM webhook_destinations WHERE application_id = $1 FOR UPDATE`, app)
	return out, mapErr(err)
}

// ResealDestinationSecrets stores a destination's secrets sealed anew and
// drops plaintext ones.
func ResealDestinationSecrets(ctx context.Context, q Queryer, d DestinationSecrets) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_destinations SET sealed_secret = $3, sealed_previous_secret = $4,
		secret = NULL, previous_secret = NULL WHERE application_id = $1 AND destination_id = $2`,
		d.ApplicationID, d.ID, d.Sealed, d.SealedPrevious)
	return affected(res, err, "Not found.")
}

// FailPendingDeliveries marks the destination's pending deliveries failed
// with reason, e.g. when the destination is deleted.
func FailPendingDeliveries(ctx context.Context, q Queryer, app, destination uuid.UUID, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = $3,
		leased_until = NULL, lease_token = NULL
		WHERE application_id = $1 AND destination_id = $2 AND state = 'pending'`, app, destination, reason)
	return mapErr(err)
}

// WebhookEvent is one outbox entry. Payload is the exact body to send.
type WebhookEvent struct {
	ApplicationID uuid.UUID
	ID            uuid.UUID
	Type          string
	SessionID     *uuid.UUID
	Payload       []byte // the body in the clear: only when Sealed is nil
	Sealed        []byte // the body sealed by the review layer
	CreatedAt     time.Time
}

// InsertWebhookEvent writes ev to the outbox with one pending delivery per
// live, enabled destination of its application subscribed to its type, in
// one round trip, and signals WebhookChannel (after commit: see
// wakeSenders). The
// deliveries are due at once by the database's clock, which also times
// their retries. When no
// destination subscribes nothing is written. It returns how many
// deliveries it queued.
func InsertWebhookEvent(ctx context.Context, q Queryer, ev WebhookEvent) (int, error) {
	var queued int
	err := q.GetContext(ctx, &queued, `WITH dest AS (
			SELECT destination_id FROM webhook_destinations
			WHERE application_id = $1 AND deleted_at IS NULL AND enabled AND $3 = ANY (subscribed_events)),
		ev AS (
			INSERT INTO webhook_events (application_id, event_id, webhook_type, session_id, payload, created_at, sealed_payload)
			SELECT $1, $2, $3, $4, $5::json, $6, $7::bytea WHERE EXISTS (SELECT 1 FROM dest)
			RETURNING application_id, event_id),
		del AS (
			INSERT INTO webhook_deliveries (application_id, event_id, destination_id, queued_at, next_attempt_at)
			SELECT ev.application_id, ev.event_id, dest.destination_id, now(), now() FROM ev, dest
			RETURNING 1)
		SELECT count(*) FROM del`,
		ev.ApplicationID, ev.ID, ev.Type, ev.SessionID, nullText(ev.Payload), ev.CreatedAt, ev.Sealed)
	if err != nil {
		return 0, mapErr(err)
	}
	if queued > 0 {
		err = wakeSenders(ctx, q)
	}
	return queued, err
}

func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
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
// Deliveries to deleted destinations, and of events whose session was
// erased (their bodies are gone), are left alone. It returns how many
// were queued.
func Redeliver(ctx context.Context, q Queryer, app, event uuid.UUID, destination *uuid.UUID) (int, error) {
	res, err := q.ExecContext(ctx, `UPDATE webhook_deliveries w SET state = 'pending', queued_at = now(),
		next_attempt_at = now(), delivered_at = NULL,
		-- a pending delivery being sent right now keeps its lease: no second copy in parallel
		leased_until = CASE WHEN w.state = 'pending' THEN w.leased_until END,
		lease_token = CASE WHEN w.state = 'pending' THEN w.lease_token END
		FROM webhook_destinations d
		WHERE w.application_id = $1 AND w.event_id = $2 AND ($3::uuid IS NULL OR w.destination_id = $3)
		  AND d.application_id = w.application_id AND d.destination_id = w.destination_id AND d.deleted_at IS NULL
		  AND EXISTS (SELECT 1 FROM webhook_events e WHERE e.application_id = w.application_id AND e.event_id = w.event_id
		      AND (e.payload IS NOT NULL OR e.sealed_payload IS NOT NULL))`,
		app, event, destination)
	if err != nil {
		return 0, mapErr(err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if err := wakeSenders(ctx, q); err != nil {
			return 0, err
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
