package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

type appRow struct {
	ID        uuid.UUID  `db:"application_id"`
	Name      string     `db:"name"`
	CreatedAt time.Time  `db:"created_at"`
	DeletedAt *time.Time `db:"deleted_at"`
	Retention *int       `db:"retention_days"`
}

func (r appRow) domain() domain.Application {
	return domain.Application{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, DeletedAt: r.DeletedAt, RetentionDays: r.Retention}
}

const appCols = `application_id, name, created_at, deleted_at, retention_days`

// CreateApplication inserts an application with its session-number
// sequence, its (empty) audit tree, and its system
// blocklists.
func CreateApplication(ctx context.Context, q Queryer, app domain.Application) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO applications (application_id, name, created_at) VALUES ($1, $2, $3)`,
		app.ID, app.Name, app.CreatedAt); err != nil {
		if domain.IsCode(mapErr(err), domain.CodeConflict) {
			return domain.Conflictf("an application named %q already exists", app.Name)
		}
		return mapErr(err)
	}
	_, err := q.ExecContext(ctx, `WITH t AS (INSERT INTO audit_trees (application_id) VALUES ($1))
		SELECT create_session_sequence($1, 0), ensure_lists($1, $2)`, app.ID, app.CreatedAt)
	return mapErr(err)
}

// GetApplication loads a live application by id.
func GetApplication(ctx context.Context, q Queryer, id uuid.UUID) (domain.Application, error) {
	var r appRow
	err := q.GetContext(ctx, &r, `SELECT `+appCols+` FROM applications WHERE application_id = $1 AND deleted_at IS NULL`, id)
	return r.domain(), notFound(err, "application not found")
}

// FindApplication loads a live application by id or by name
// (case-insensitive).
func FindApplication(ctx context.Context, q Queryer, idOrName string) (domain.Application, error) {
	if id, err := uuid.Parse(idOrName); err == nil {
		app, err := GetApplication(ctx, q, id)
		if domain.IsCode(err, domain.CodeNotFound) {
			return app, domain.NotFoundf("no application with id %s", id)
		}
		return app, err
	}
	var r appRow
	err := q.GetContext(ctx, &r, `SELECT `+appCols+` FROM applications WHERE lower(name) = lower($1) AND deleted_at IS NULL`, idOrName)
	return r.domain(), notFound(err, "no application named "+quote(idOrName))
}

// ListApplications returns the live applications by name.
func ListApplications(ctx context.Context, q Queryer) ([]domain.Application, error) {
	var rows []appRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+appCols+` FROM applications WHERE deleted_at IS NULL ORDER BY lower(name)`); err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Application, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// DeleteApplication soft-deletes an application: tokens can no longer be
// minted for it.
func DeleteApplication(ctx context.Context, q Queryer, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE applications SET deleted_at = $2 WHERE application_id = $1 AND deleted_at IS NULL`, id, at)
	return affected(res, err, "application not found")
}

// NextSessionNumbers takes n session numbers from app's sequence, in
// increasing order. They are unique but need not be consecutive: another
// transaction may take numbers in between, and a rollback leaves a gap.
func NextSessionNumbers(ctx context.Context, q Queryer, app uuid.UUID, n int) ([]int64, error) {
	var out []int64
	err := q.SelectContext(ctx, &out, `SELECT next_session_number($1) FROM generate_series(1, $2) ORDER BY 1`, app, n)
	if err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}
