package store

import (
	"context"
	"database/sql"
	"time"
)

// WebhookBacklog counts pending webhook deliveries across all tenants and
// returns when the oldest of them was queued (zero when there are none).
func WebhookBacklog(ctx context.Context, q Queryer) (int64, time.Time, error) {
	var row struct {
		N      int64        `db:"n"`
		Oldest sql.NullTime `db:"oldest"`
	}
	err := q.GetContext(ctx, &row, `SELECT count(*) AS n, min(queued_at) AS oldest FROM webhook_deliveries WHERE state = 'pending'`)
	if err != nil {
		return 0, time.Time{}, mapErr(err)
	}
	return row.N, row.Oldest.Time, nil
}

// AuditLag is how long the oldest audit event still waiting for the
// sequencer has waited (zero when none waits), on the database's clock.
func AuditLag(ctx context.Context, q Queryer) (time.Duration, error) {
	var secs float64
	err := q.GetContext(ctx, &secs, `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(queued_at)), 0)::float8 FROM audit_pending`)
	if err != nil {
		return 0, mapErr(err)
	}
	return time.Duration(max(0, secs) * float64(time.Second)), nil
}
