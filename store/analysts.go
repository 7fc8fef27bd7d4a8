package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// Analyst is a registered analyst with the applications they work for.
type Analyst struct {
	ID        uuid.UUID      `db:"analyst_id"`
	Name      string         `db:"name"`
	CreatedAt time.Time      `db:"created_at"`
	Apps      pq.StringArray `db:"apps"`
	AppNames  pq.StringArray `db:"app_names"`
	Keys      pq.StringArray `db:"fingerprints"`
}

// CreateAnalyst inserts a live analyst.
func CreateAnalyst(ctx context.Context, q Queryer, id uuid.UUID, name string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO analysts (analyst_id, name, created_at) VALUES ($1, $2, $3)`, id, name, at)
	if domain.IsCode(mapErr(err), domain.CodeConflict) {
		return domain.Conflictf("an analyst named %q already exists", name)
	}
	return mapErr(err)
}

// AddAnalystKey registers a public key for an analyst.
func AddAnalystKey(ctx context.Context, q Queryer, analyst uuid.UUID, fingerprint, publicKey string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO analyst_keys (analyst_id, fingerprint, public_key) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, analyst, fingerprint, publicKey)
	return mapErr(err)
}

// AddAnalystApp lets an analyst work for an application.
func AddAnalystApp(ctx context.Context, q Queryer, app, analyst uuid.UUID) error {
	_, err := q.ExecContext(ctx, `INSERT INTO analyst_applications (application_id, analyst_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, app, analyst)
	return mapErr(err)
}

const analystSelect = `SELECT an.analyst_id, an.name, an.created_at,
		coalesce(array_agg(DISTINCT aa.application_id::text) FILTER (WHERE ap.application_id IS NOT NULL), '{}') AS apps,
		coalesce(array_agg(DISTINCT ap.name) FILTER (WHERE ap.application_id IS NOT NULL), '{}') AS app_names,
		coalesce(array_agg(DISTINCT k.fingerprint) FILTER (WHERE k.fingerprint IS NOT NULL), '{}') AS fingerprints
	FROM analysts an
	LEFT JOIN analyst_applications aa ON aa.analyst_id = an.analyst_id
	LEFT JOIN applications ap ON ap.application_id = aa.application_id AND ap.deleted_at IS NULL
	LEFT JOIN analyst_keys k ON k.analyst_id = an.analyst_id
	WHERE an.removed_at IS NULL`

// ListAnalysts lists live analysts by name.
func ListAnalysts(ctx context.Context, q Queryer) ([]Analyst, error) {
	var out []Analyst
	err := q.SelectContext(ctx, &out, analystSelect+` GROUP BY an.analyst_id ORDER BY lower(an.name)`)
	return out, mapErr(err)
}

// AnalystByName finds a live analyst.
func AnalystByName(ctx context.Context, q Queryer, name string) (Analyst, error) {
	var a Analyst
	err := q.GetContext(ctx, &a, analystSelect+` AND lower(an.name) = lower($1) GROUP BY an.analyst_id`, name)
	return a, notFound(err, "no analyst named "+quote(name))
}

// AnalystByKey finds the live analyst named name who registered the key
// with this fingerprint.
func AnalystByKey(ctx context.Context, q Queryer, name, fingerprint string) (Analyst, error) {
	var a Analyst
	err := q.GetContext(ctx, &a, analystSelect+` AND lower(an.name) = lower($1)
		AND EXISTS (SELECT 1 FROM analyst_keys k2 WHERE k2.analyst_id = an.analyst_id AND k2.fingerprint = $2)
		GROUP BY an.analyst_id`, name, fingerprint)
	return a, notFound(err, "unknown key")
}

// RemoveAnalyst marks an analyst removed; their keys stop working.
func RemoveAnalyst(ctx context.Context, q Queryer, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE analysts SET removed_at = $2 WHERE analyst_id = $1 AND removed_at IS NULL`, id, at)
	return affected(res, err, "analyst not found")
}
