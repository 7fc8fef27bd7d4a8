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
