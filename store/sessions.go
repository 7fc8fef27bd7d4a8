package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

type sessionRow struct {
	ApplicationID     uuid.UUID  `db:"application_id"`
	ID                uuid.UUID  `db:"session_id"`
	Number            int64      `db:"session_number"`
	Kind              string     `db:"session_kind"`
	Status            string     `db:"status"`
	WorkflowID        string     `db:"workflow_id"`
	VendorData        string     `db:"vendor_data"`
	SharedFromSession *uuid.UUID `db:"shared_from_session"`
	Checks            []byte     `db:"checks"`
	CreatedAt         time.Time  `db:"created_at"`
	ExpiresAt         *time.Time `db:"expires_at"`
	Version           int64      `db:"version"`
}

const sessionCols = `application_id, session_id, session_number, session_kind, status, workflow_id, vendor_data,
	shared_from_session, checks, created_at, expires_at, version`

// summaryCols leaves out the payload, for lists.
const summaryCols = `application_id, session_id, session_number, session_kind, status, workflow_id, vendor_data,
	shared_from_session, '{}'::jsonb AS checks, created_at, expires_at, version`

func (r *sessionRow) domain() (domain.Session, error) {
	s := domain.Session{
		ApplicationID: r.ApplicationID, ID: r.ID, Number: r.Number, Kind: domain.Kind(r.Kind),
		Status: domain.Status(r.Status), WorkflowID: r.WorkflowID, VendorData: r.VendorData,
		SharedFromSession: r.SharedFromSession, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, Version: r.Version,
	}
	if err := json.Unmarshal(r.Checks, &s.Checks); err != nil {
		return s, fmt.Errorf("session %s: stored checks are not a JSON object: %w", r.ID, err)
	}
	return s, nil
}

// NewSession is a session about to be inserted, with its provenance when
// it is an import.
type NewSession struct {
	domain.Session
	SharedFromApplication *uuid.UUID
	ImportTokenID         *uuid.UUID
}

// InsertSession inserts one session numbered from its application's
// sequence, and sets s.Number.
func InsertSession(ctx context.Context, q Queryer, s *NewSession) error {
	checks, err := json.Marshal(s.Checks)
	if err != nil {
		return err
	}
	err = q.GetContext(ctx, &s.Number, `INSERT INTO sessions (application_id, session_id, session_number, session_kind, status,
		workflow_id, vendor_data, shared_from_session, shared_from_application, import_token_id, checks, created_at, updated_at, expires_at)
		VALUES ($1, $2, next_session_number($1), $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)
		RETURNING session_number`,
		s.ApplicationID, s.ID, s.Kind, s.Status, s.WorkflowID, s.VendorData, s.SharedFromSession,
		s.SharedFromApplication, s.ImportTokenID, checks, s.CreatedAt, s.ExpiresAt)
	return mapErr(err)
}

// InsertClone inserts an imported session whose payload is copied from its
// source (s.SharedFromApplication, s.SharedFromSession) inside the
// database, so the payload is neither sent back nor parsed again; it
// numbers the clone from the importer's sequence and sets s.Number and
// s.Checks. A source deleted before this statement's snapshot is not
// found; a delete committing meanwhile comes after the import.
func InsertClone(ctx context.Context, q Queryer, s *NewSession) error {
	var r struct {
		Number int64  `db:"session_number"`
		Checks []byte `db:"checks"`
	}
	err := q.GetContext(ctx, &r, `INSERT INTO sessions (application_id, session_id, session_number, session_kind, status,
		workflow_id, vendor_data, shared_from_session, shared_from_application, import_token_id, checks, created_at, updated_at, expires_at)
		SELECT $1, $2, next_session_number($1), $3, $4, $5, $6, src.session_id, src.application_id, $9, src.checks, $10, $10, $11
		FROM sessions src WHERE src.application_id = $8 AND src.session_id = $7 AND src.deleted_at IS NULL
		RETURNING session_number, checks`,
		s.ApplicationID, s.ID, s.Kind, s.Status, s.WorkflowID, s.VendorData, s.SharedFromSession,
		s.SharedFromApplication, s.ImportTokenID, s.CreatedAt, s.ExpiresAt)
	if err != nil {
		return notFound(err, "The original session no longer exists.")
	}
	s.Number = r.Number
	return json.Unmarshal(r.Checks, &s.Checks)
}

// CopySessions bulk-loads fresh (not imported) sessions with COPY: one
// round trip for the whole batch.
func CopySessions(ctx context.Context, tx *Tx, sessions []domain.Session) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("sessions", "application_id", "session_id", "session_number",
		"session_kind", "status", "workflow_id", "vendor_data", "checks", "created_at", "updated_at"))
	if err != nil {
		return mapErr(err)
	}
	defer stmt.Close()
	for _, s := range sessions {
		checks, err := json.Marshal(s.Checks)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, s.ApplicationID, s.ID, s.Number, s.Kind, s.Status, s.WorkflowID,
			s.VendorData, string(checks), s.CreatedAt, s.CreatedAt); err != nil {
			return mapErr(err)
		}
	}
	_, err = stmt.ExecContext(ctx)
	return mapErr(err)
}

// GetSession loads a live session of app. forUpdate locks its row.
func GetSession(ctx context.Context, q Queryer, app, id uuid.UUID, forUpdate bool) (domain.Session, error) {
	query := `SELECT ` + sessionCols + ` FROM sessions WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var r sessionRow
	if err := q.GetContext(ctx, &r, query, app, id); err != nil {
		return domain.Session{}, notFound(err, "Session not found.")
	}
	return r.domain()
}

// SetSessionStatus changes a session's status, one change more of its
// version.
func SetSessionStatus(ctx context.Context, q Queryer, app, id uuid.UUID, status domain.Status, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET status = $3, updated_at = $4, version = version + 1
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id, status, at)
	return affected(res, err, "Session not found.")
}

// DeleteSession soft-deletes a session, one change more of its version.
func DeleteSession(ctx context.Context, q Queryer, app, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET deleted_at = $3, updated_at = $3, version = version + 1
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id, at)
	return affected(res, err, "Session not found.")
}

// SessionFilter narrows a session list. Zero values mean "any".
type SessionFilter struct {
	Search string       // vendor_data substring or session id prefix
	Phase  domain.Phase // one phase, in either casing
	Kind   domain.Kind
}

// SessionPage asks for one page of finished sessions, newest first, after
// the keyset cursor Before (0 for the first page).
type SessionPage struct {
	SessionFilter
	Before int64
	Limit  int
}

var finishedStatuses = []string{"Approved", "Declined", "In Review", "APPROVED", "DECLINED", "IN_REVIEW"}

// ListFinished returns one page of app's finished sessions by keyset on
// session_number, so page N costs what page 1 does.
func ListFinished(ctx context.Context, q Queryer, app uuid.UUID, p SessionPage) ([]domain.Session, error) {
	where, args := filterSQL(app, p.SessionFilter)
	if p.Before > 0 {
		args = append(args, p.Before)
		where += fmt.Sprintf(" AND session_number < $%d", len(args))
	}
	args = append(args, p.Limit)
	query := `SELECT ` + summaryCols + ` FROM sessions WHERE ` + where +
		fmt.Sprintf(` ORDER BY session_number DESC LIMIT $%d`, len(args))
	return selectSessions(ctx, q, query, args...)
}

// CountFinished counts app's finished sessions matching f.
func CountFinished(ctx context.Context, q Queryer, app uuid.UUID, f SessionFilter) (int64, error) {
	where, args := filterSQL(app, f)
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM sessions WHERE `+where, args...)
	return n, mapErr(err)
}

func filterSQL(app uuid.UUID, f SessionFilter) (string, []any) {
	args := []any{app, pq.Array(finishedStatuses)}
	conds := []string{"application_id = $1", "deleted_at IS NULL", "status = ANY($2)"}
	if f.Phase != 0 {
		args = append(args, pq.Array([]string{string(domain.StatusOf(domain.KindUser, f.Phase)), string(domain.StatusOf(domain.KindBusiness, f.Phase))}))
		conds = append(conds, fmt.Sprintf("status = ANY($%d)", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("session_kind = $%d", len(args)))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		args = append(args, "%"+escapeLike(s)+"%", strings.ToLower(s)+"%")
		conds = append(conds, fmt.Sprintf("(vendor_data ILIKE $%d OR session_id::text LIKE $%d)", len(args)-1, len(args)))
	}
	return strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListQueue returns app's imported sessions waiting In Review, oldest first.
func ListQueue(ctx context.Context, q Queryer, app uuid.UUID, limit int) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+summaryCols+` FROM sessions
		WHERE application_id = $1 AND deleted_at IS NULL AND shared_from_session IS NOT NULL
		  AND status IN ('In Review', 'IN_REVIEW')
		ORDER BY created_at, session_number LIMIT $2`, app, limit)
}

// CountQueue counts app's imported sessions waiting In Review.
func CountQueue(ctx context.Context, q Queryer, app uuid.UUID) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM sessions
		WHERE application_id = $1 AND deleted_at IS NULL AND shared_from_session IS NOT NULL
		  AND status IN ('In Review', 'IN_REVIEW')`, app)
	return n, mapErr(err)
}

func selectSessions(ctx context.Context, q Queryer, query string, args ...any) ([]domain.Session, error) {
	var rows []sessionRow
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Session, len(rows))
	for i := range rows {
		s, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}
