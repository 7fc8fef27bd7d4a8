package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
)

// CaseClaim is an analyst's hold on a queued case.
type CaseClaim struct {
	SessionID uuid.UUID `db:"session_id"`
	Analyst   string    `db:"analyst"`
	ClaimedAt time.Time `db:"claimed_at"`
	ExpiresAt time.Time `db:"expires_at"`
	Fresh     bool      `db:"fresh"` // TakeClaim: a new claim, not a renewal of a live one
}

// TakeClaim claims a case for analyst until expires, or renews the
// analyst's own claim. When another analyst holds a live claim it returns
// that claim and false. The row decides: of two racing analysts exactly
// one gets it.
func TakeClaim(ctx context.Context, q Queryer, app, session uuid.UUID, analyst string, now, expires time.Time) (CaseClaim, bool, error) {
	var c CaseClaim
	err := q.GetContext(ctx, &c, `INSERT INTO case_claims (application_id, session_id, analyst, claimed_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (application_id, session_id) DO UPDATE
			SET analyst = EXCLUDED.analyst, expires_at = EXCLUDED.expires_at,
				-- a renewal keeps when the claim was taken
				claimed_at = CASE WHEN case_claims.expires_at > EXCLUDED.claimed_at THEN case_claims.claimed_at ELSE EXCLUDED.claimed_at END
			WHERE case_claims.expires_at <= EXCLUDED.claimed_at OR case_claims.analyst = EXCLUDED.analyst
		RETURNING session_id, analyst, claimed_at, expires_at, claimed_at = $4 AS fresh`, app, session, analyst, now, expires)
	if err == nil {
		return c, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return c, false, mapErr(err)
	}
	c, err = ClaimOf(ctx, q, app, session)
	return c, false, err
}

// ClaimOf returns the claim on a case, live or expired; not found if none.
func ClaimOf(ctx context.Context, q Queryer, app, session uuid.UUID) (CaseClaim, error) {
	var c CaseClaim
	err := q.GetContext(ctx, &c, `SELECT session_id, analyst, claimed_at, expires_at FROM case_claims
		WHERE application_id = $1 AND session_id = $2`, app, session)
	return c, notFound(err, "no claim")
}

// ReleaseClaim drops analyst's claim on a case, if they hold it.
func ReleaseClaim(ctx context.Context, q Queryer, app, session uuid.UUID, analyst string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM case_claims WHERE application_id = $1 AND session_id = $2 AND analyst = $3`,
		app, session, analyst)
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ReleaseAnalystClaims drops every claim analyst holds in app and returns
// the cases released.
func ReleaseAnalystClaims(ctx context.Context, q Queryer, app uuid.UUID, analyst string) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := q.SelectContext(ctx, &ids, `DELETE FROM case_claims WHERE application_id = $1 AND analyst = $2 RETURNING session_id`, app, analyst)
	return ids, mapErr(err)
}

// LiveClaims returns the live claims in app's queue.
func LiveClaims(ctx context.Context, q Queryer, app uuid.UUID, now time.Time) ([]CaseClaim, error) {
	var cs []CaseClaim
	err := q.SelectContext(ctx, &cs, `SELECT session_id, analyst, claimed_at, expires_at FROM case_claims
		WHERE application_id = $1 AND expires_at > $2`, app, now)
	return cs, mapErr(err)
}

// NextUnclaimed locks and returns the next queued case of app nobody
// holds a live claim on, for actor: decisions awaiting a second review
// that actor did not propose first (they are the cases only someone else
// can finish), then the oldest; never a case whose decision actor
// proposed. Rows another transaction is claiming right now are skipped,
// so two analysts asking at once get different cases.
func NextUnclaimed(ctx context.Context, q Queryer, app uuid.UUID, actor string, now time.Time) (uuid.UUID, error) {
	var id uuid.UUID
	err := q.GetContext(ctx, &id, `SELECT s.session_id FROM sessions s
		LEFT JOIN case_claims c ON c.application_id = s.application_id AND c.session_id = s.session_id AND c.expires_at > $2
		LEFT JOIN decision_proposals p ON p.application_id = s.application_id AND p.session_id = s.session_id
		WHERE s.application_id = $1 AND s.deleted_at IS NULL AND s.shared_from_session IS NOT NULL
		  AND s.status IN ('In Review', 'IN_REVIEW') AND c.session_id IS NULL AND p.proposer IS DISTINCT FROM $3
		ORDER BY p.session_id IS NULL, s.created_at, s.session_number
		LIMIT 1 FOR UPDATE OF s SKIP LOCKED`, app, now, actor)
	return id, notFound(err, "No unclaimed cases are waiting in the queue.")
}
