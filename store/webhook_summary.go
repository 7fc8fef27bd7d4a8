package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// LockDestinationURLs serialises changes to app's destination URLs until
// the transaction ends, so two requests cannot both add the same URL.
func LockDestinationURLs(ctx context.Context, tx *Tx, app uuid.UUID) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7302))`, app)
	return mapErr(err)
}

// DestinationURLTaken reports whether another live destination of app
// (not except) already posts to url.
func DestinationURLTaken(ctx context.Context, q Queryer, app uuid.UUID, url string, except uuid.UUID) (bool, error) {
	var taken bool
	err := q.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM webhook_destinations
		WHERE application_id = $1 AND url = $2 AND destination_id <> $3 AND deleted_at IS NULL)`, app, url, except)
	return taken, mapErr(err)
}

// DeliverySummaries sums up the deliveries of app's destinations ids.
func DeliverySummaries(ctx context.Context, q Queryer, app uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]domain.DeliverySummary, error) {
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = id.String()
	}
	var rows []struct {
		ID     uuid.UUID  `db:"destination_id"`
		Total  int64      `db:"total"`
		Failed int64      `db:"failed"`
		Min    *int64     `db:"min_ms"`
		Avg    *float64   `db:"avg_ms"`
		Max    *int64     `db:"max_ms"`
		Last   *time.Time `db:"last_at"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT d.destination_id,
			(SELECT count(*) FROM webhook_deliveries x WHERE x.application_id = $1 AND x.destination_id = d.destination_id) AS total,
			(SELECT count(*) FROM webhook_deliveries x WHERE x.application_id = $1 AND x.destination_id = d.destination_id AND x.state = 'failed') AS failed,
			a.min_ms, a.avg_ms, a.max_ms, a.last_at
		FROM unnest($2::uuid[]) AS d(destination_id)
		CROSS JOIN LATERAL (SELECT min(duration_ms)::bigint AS min_ms, avg(duration_ms)::float8 AS avg_ms,
			max(duration_ms)::bigint AS max_ms, max(at) AS last_at
			FROM webhook_attempts t WHERE t.application_id = $1 AND t.destination_id = d.destination_id) a`, app, pq.Array(strs))
	if err != nil {
		return nil, mapErr(err)
	}
	out := make(map[uuid.UUID]domain.DeliverySummary, len(rows))
	for _, r := range rows {
		s := domain.DeliverySummary{Total: r.Total, Failed: r.Failed, MinMS: r.Min, MaxMS: r.Max, LastDeliveryAt: r.Last}
		if r.Avg != nil {
			avg := int64(*r.Avg + 0.5)
			s.AvgMS = &avg
		}
		out[r.ID] = s
	}
	return out, nil
}

// AttemptRow is one recorded try at sending a delivery.
type AttemptRow struct {
	No         int       `db:"attempt_no"`
	At         time.Time `db:"at"`
	StatusCode *int      `db:"status_code"`
	DurationMS int       `db:"duration_ms"`
	Error      *string   `db:"error"`
}

// SessionDelivery is one delivery of an event about a session, with its
// attempts, oldest first.
type SessionDelivery struct {
	Delivery
	AttemptRows []AttemptRow
}

// SessionDeliveries lists the deliveries of app's events about session,
// oldest event first, each with its attempts.
func SessionDeliveries(ctx context.Context, q Queryer, app, session uuid.UUID) ([]SessionDelivery, error) {
	var rows []Delivery
	err := q.SelectContext(ctx, &rows, `SELECT w.application_id, w.event_id, w.destination_id, e.webhook_type, e.session_id,
			d.url, d.label, w.state, w.attempts, w.queued_at, w.next_attempt_at, w.last_status, w.last_error,
			w.delivered_at, e.created_at AS event_at
		FROM webhook_events e
		JOIN webhook_deliveries w USING (application_id, event_id)
		JOIN webhook_destinations d USING (application_id, destination_id)
		WHERE e.application_id = $1 AND e.session_id = $2
		ORDER BY e.created_at, e.event_id, w.destination_id LIMIT 1000`, app, session)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]SessionDelivery, len(rows))
	for i, r := range rows {
		out[i].Delivery = r
		if err := q.SelectContext(ctx, &out[i].AttemptRows, `SELECT attempt_no, at, status_code, duration_ms, error
			FROM webhook_attempts WHERE application_id = $1 AND event_id = $2 AND destination_id = $3 ORDER BY attempt_no`,
			app, r.EventID, r.DestinationID); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
