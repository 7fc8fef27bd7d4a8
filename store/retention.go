package store

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// SetRetention sets app's retention in days (nil: unlimited).
func SetRetention(ctx context.Context, q Queryer, app uuid.UUID, days *int) error {
	res, err := q.ExecContext(ctx, `UPDATE applications SET retention_days = $2 WHERE application_id = $1 AND deleted_at IS NULL`, app, days)
	return affected(res, err, "application not found")
}

// purgeLock is the advisory lock that lets one purger at a time, across
// every handoff process on the database, erase expired sessions.
const purgeLock = 7302

// TryPurgeLock takes the purge lock for the rest of the transaction, or
// returns false at once when another purger holds it.
func TryPurgeLock(ctx context.Context, tx *Tx) (bool, error) {
	var ok bool
	err := tx.GetContext(ctx, &ok, `SELECT pg_try_advisory_xact_lock($1)`, purgeLock)
	return ok, mapErr(err)
}

// Expired is a session past its application's retention.
type Expired struct {
	ApplicationID uuid.UUID `db:"application_id"`
	SessionID     uuid.UUID `db:"session_id"`
	Number        int64     `db:"session_number"`
	Status        string    `db:"status"`
	RetentionDays int       `db:"retention_days"`
}

// ExpiredSessions returns up to limit sessions (live or deleted, not yet
// erased) created before now minus their application's retention, oldest
// first, locking them.
func ExpiredSessions(ctx context.Context, q Queryer, now time.Time, limit int) ([]Expired, error) {
	var out []Expired
	err := q.SelectContext(ctx, &out, `SELECT s.application_id, s.session_id, s.session_number, s.status, a.retention_days
		FROM applications a
		JOIN sessions s ON s.application_id = a.application_id AND s.erased_at IS NULL
			AND s.created_at < $1::timestamptz - a.retention_days * interval '1 day'
		WHERE a.retention_days IS NOT NULL
		ORDER BY s.created_at LIMIT $2
		FOR UPDATE OF s SKIP LOCKED`, now, limit)
	return out, mapErr(err)
}
