package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

type entityRow struct {
	ID             uuid.UUID  `db:"entity_id"`
	Kind           string     `db:"kind"`
	VendorData     string     `db:"vendor_data"`
	Status         string     `db:"status"`
	SessionCount   int64      `db:"session_count"`
	Approved       int64      `db:"approved_count"`
	Declined       int64      `db:"declined_count"`
	Review         int64      `db:"in_review_count"`
	FirstSessionAt *time.Time `db:"first_session_at"`
	LastSessionAt  *time.Time `db:"last_session_at"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

func (r entityRow) domain() domain.Entity {
	return domain.Entity{ID: r.ID, Kind: domain.Kind(r.Kind), VendorData: r.VendorData, Status: domain.EntityStatus(r.Status),
		SessionCount: r.SessionCount, Approved: r.Approved, Declined: r.Declined, Review: r.Review,
		FirstSessionAt: r.FirstSessionAt, LastSessionAt: r.LastSessionAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// entitySelect reads entities with their session counts (one index probe
// per entity on sessions_vendor).
const entitySelect = `SELECT e.entity_id, e.kind, e.vendor_data, e.status, e.created_at, e.updated_at,
	c.session_count, c.approved_count, c.declined_count, c.in_review_count, c.first_session_at, c.last_session_at
	FROM entities e CROSS JOIN LATERAL (
		SELECT count(*) AS session_count,
		       count(*) FILTER (WHERE s.status IN ('Approved', 'APPROVED')) AS approved_count,
		       count(*) FILTER (WHERE s.status IN ('Declined', 'DECLINED')) AS declined_count,
		       count(*) FILTER (WHERE s.status IN ('In Review', 'IN_REVIEW')) AS in_review_count,
		       min(s.created_at) AS first_session_at, max(s.created_at) AS last_session_at
		FROM sessions s WHERE s.application_id = e.application_id AND s.vendor_data = e.vendor_data
		  AND s.session_kind = e.kind AND s.deleted_at IS NULL) c`

func entityWhere(app uuid.UUID, f domain.EntityFilter) (string, []any) {
	where, args := "e.application_id = $1 AND e.kind = $2", []any{app, f.Kind}
	if f.Status != "" {
		args = append(args, f.Status)
		where += fmt.Sprintf(" AND e.status = $%d", len(args))
	}
	if f.Search != "" {
		args = append(args, "%"+escapeLike(f.Search)+"%")
		where += fmt.Sprintf(" AND e.vendor_data ILIKE $%d", len(args))
	}
	return where, args
}

// ListEntities returns up to limit+1 entities of app matching f, newest
// first, from offset.
func ListEntities(ctx context.Context, q Queryer, app uuid.UUID, f domain.EntityFilter, offset, limit int) ([]domain.Entity, error) {
	where, args := entityWhere(app, f)
	args = append(args, limit+1, offset)
	var rows []entityRow
	err := q.SelectContext(ctx, &rows, entitySelect+` WHERE `+where+
		fmt.Sprintf(` ORDER BY e.created_at DESC, e.vendor_data LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Entity, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// CountEntities counts matching entities, reading at most limit+1.
func CountEntities(ctx context.Context, q Queryer, app uuid.UUID, f domain.EntityFilter, limit int) (int64, error) {
	where, args := entityWhere(app, f)
	args = append(args, limit+1)
	var n int64
	err := q.GetContext(ctx, &n, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM entities e WHERE %s LIMIT $%d) c`, where, len(args)), args...)
	return n, mapErr(err)
}

// GetEntity loads one entity of app by vendor_data.
func GetEntity(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string) (domain.Entity, error) {
	var r entityRow
	err := q.GetContext(ctx, &r, entitySelect+` WHERE e.application_id = $1 AND e.kind = $2 AND e.vendor_data = $3`, app, kind, vendorData)
	if err != nil {
		return domain.Entity{}, notFound(err, "Not found.")
	}
	return r.domain(), nil
}

// EntityStatusForUpdate locks an entity's row and reads its status.
func EntityStatusForUpdate(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string) (domain.EntityStatus, error) {
	var st string
	err := q.GetContext(ctx, &st, `SELECT status FROM entities WHERE application_id = $1 AND kind = $2 AND vendor_data = $3 FOR UPDATE`,
		app, kind, vendorData)
	return domain.EntityStatus(st), notFound(err, "Not found.")
}

// EnsureEntityForUpdate creates app's entity of kind for vendorData when
// there is none and returns its status, holding the row until the
// transaction ends (as EnsureEntity then EntityStatusForUpdate would, in
// one round trip). The no-op update is what takes the lock on an existing
// row; status is not indexed, so it is a heap-only update.
func EnsureEntityForUpdate(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string) (domain.EntityStatus, error) {
	var st string
	err := q.GetContext(ctx, &st, `INSERT INTO entities (application_id, kind, vendor_data, entity_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (application_id, kind, vendor_data) DO UPDATE SET status = entities.status
		RETURNING status`, app, kind, vendorData, uuid.New())
	return domain.EntityStatus(st), mapErr(err)
}

// SetEntityStatus changes an entity's lifecycle status.
func SetEntityStatus(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string, st domain.EntityStatus, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE entities SET status = $4, updated_at = $5
		WHERE application_id = $1 AND kind = $2 AND vendor_data = $3`, app, kind, vendorData, st, at)
	return affected(res, err, "Not found.")
}

// EntitySessions lists an entity's live sessions, newest first (no payloads).
func EntitySessions(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string, limit int) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+sessionCols+` FROM sessions
		WHERE application_id = $1 AND vendor_data = $2 AND session_kind = $3 AND deleted_at IS NULL
		ORDER BY session_number DESC LIMIT $4`, app, vendorData, kind, limit)
}
