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

type sessionRow struct {
	ApplicationID     uuid.UUID  `db:"application_id"`
	ID                uuid.UUID  `db:"session_id"`
	Number            int64      `db:"session_number"`
	Kind              string     `db:"session_kind"`
	Status            string     `db:"status"`
	WorkflowID        string     `db:"workflow_id"`
	VendorData        string     `db:"vendor_data"`
	SharedFromSession *uuid.UUID `db:"shared_from_session"`
	CreatedAt         time.Time  `db:"created_at"`
	ExpiresAt         *time.Time `db:"expires_at"`
	Version           int64      `db:"version"`
}

// sessionCols are a session's columns without its payload.
const sessionCols = `application_id, session_id, session_number, session_kind, status, workflow_id, vendor_data,
	shared_from_session, created_at, expires_at, version`

// payloadCols are the payload's columns.
const payloadCols = `coalesce(key_generation, 0) AS key_generation, sealed, biometrics, checks`

func (r *sessionRow) domain() domain.Session {
	return domain.Session{
		ApplicationID: r.ApplicationID, ID: r.ID, Number: r.Number, Kind: domain.Kind(r.Kind),
		Status: domain.Status(r.Status), WorkflowID: r.WorkflowID, VendorData: r.VendorData,
		SharedFromSession: r.SharedFromSession, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, Version: r.Version,
	}
}

// Payload is a session's checks as stored: sealed by the review layer,
// which alone holds the keys. Generation 0 with Plain set is a row stored
// before payloads were sealed, until rotate-data seals it.
type Payload struct {
	Generation int    `db:"key_generation"`
	Checks     []byte `db:"sealed"`     // the checks without biometrics, sealed with the data key
	Biometrics []byte `db:"biometrics"` // the biometric part, sealed with the biometric key; nil when none
	Plain      []byte `db:"checks"`     // legacy plaintext checks
}

// SealedSession is a session with its stored payload.
type SealedSession struct {
	domain.Session
	Payload Payload
}

type sealedRow struct {
	sessionRow
	Payload
}

// NewSession is a session about to be inserted, with its sealed payload
// and its provenance when it is an import.
type NewSession struct {
	domain.Session
	Payload               Payload
	SharedFromApplication *uuid.UUID
	ImportTokenID         *uuid.UUID
}

// InsertSession inserts one session numbered from its application's
// sequence, with its sealed payload, and sets s.Number.
func InsertSession(ctx context.Context, q Queryer, s *NewSession) error {
	err := q.GetContext(ctx, &s.Number, `INSERT INTO sessions (application_id, session_id, session_number, session_kind, status,
		workflow_id, vendor_data, shared_from_session, shared_from_application, import_token_id,
		key_generation, sealed, biometrics, created_at, updated_at, expires_at)
		VALUES ($1, $2, next_session_number($1), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
		RETURNING session_number`,
		s.ApplicationID, s.ID, s.Kind, s.Status, s.WorkflowID, s.VendorData, s.SharedFromSession,
		s.SharedFromApplication, s.ImportTokenID, s.Payload.Generation, s.Payload.Checks, s.Payload.Biometrics,
		s.CreatedAt, s.ExpiresAt)
	return mapErr(err)
}

// CopySessions bulk-loads fresh (not imported) sessions with COPY: one
// round trip for the whole batch.
func CopySessions(ctx context.Context, tx *Tx, sessions []SealedSession) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("sessions", "application_id", "session_id", "session_number",
		"session_kind", "status", "workflow_id", "vendor_data", "key_generation", "sealed", "biometrics", "created_at", "updated_at"))
	if err != nil {
		return mapErr(err)
	}
	defer stmt.Close()
	for _, s := range sessions {
		var bio any
		if s.Payload.Biometrics != nil {
			bio = s.Payload.Biometrics
		}
		if _, err := stmt.ExecContext(ctx, s.ApplicationID, s.ID, s.Number, s.Kind, s.Status, s.WorkflowID,
			s.VendorData, s.Payload.Generation, s.Payload.Checks, bio, s.CreatedAt, s.CreatedAt); err != nil {
			return mapErr(err)
		}
	}
	_, err = stmt.ExecContext(ctx)
	return mapErr(err)
}

// GetSession loads a live session of app without its payload. forUpdate
// locks its row.
func GetSession(ctx context.Context, q Queryer, app, id uuid.UUID, forUpdate bool) (domain.Session, error) {
	query := `SELECT ` + sessionCols + ` FROM sessions WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var r sessionRow
	if err := q.GetContext(ctx, &r, query, app, id); err != nil {
		return domain.Session{}, notFound(err, "Session not found.")
	}
	return r.domain(), nil
}

// GetSealedSession loads a live session of app with its payload.
func GetSealedSession(ctx context.Context, q Queryer, app, id uuid.UUID) (SealedSession, error) {
	var r sealedRow
	err := q.GetContext(ctx, &r, `SELECT `+sessionCols+`, `+payloadCols+`
		FROM sessions WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id)
	if err != nil {
		return SealedSession{}, notFound(err, "Session not found.")
	}
	return SealedSession{Session: r.domain(), Payload: r.Payload}, nil
}

// SetSessionStatus changes a session's status, one change more of its
// version.
func SetSessionStatus(ctx context.Context, q Queryer, app, id uuid.UUID, status domain.Status, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET status = $3, updated_at = $4, version = version + 1
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id, status, at)
	return affected(res, err, "Session not found.")
}

// EraseSession deletes a session's payload, biometrics, media
// (session_media), identifiers and webhook bodies for good; its
// number, status and audit events remain, the row marked deleted and
// erased, one change more of its version when it was live. A session
// deleted before erasure existed is erased too.
func EraseSession(ctx context.Context, q Queryer, app, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `WITH details AS (
			DELETE FROM session_details WHERE application_id = $1 AND session_id = $2),
		media AS (DELETE FROM session_media WHERE application_id = $1 AND session_id = $2),
		identifiers AS (DELETE FROM session_identifiers WHERE application_id = $1 AND session_id = $2),
		-- the outbox keeps the session as its webhooks showed it: gone too,
		-- and what was still to be sent is failed rather than sent empty
		events AS (UPDATE webhook_events SET payload = NULL, sealed_payload = NULL
			WHERE application_id = $1 AND session_id = $2 RETURNING event_id),
		unsent AS (UPDATE webhook_deliveries SET state = 'failed', last_error = 'session erased',
			leased_until = NULL, lease_token = NULL
			WHERE application_id = $1 AND state = 'pending' AND event_id IN (SELECT event_id FROM events))
		UPDATE sessions SET deleted_at = coalesce(deleted_at, $3), erased_at = $3, updated_at = $3,
			version = version + CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END,
			sealed = NULL, biometrics = NULL, checks = NULL, key_generation = NULL, sealed_details = NULL
		WHERE application_id = $1 AND session_id = $2 AND erased_at IS NULL`, app, id, at)
	return affected(res, err, "Session not found.")
}

// SessionGone reports whether app's session id was deleted — erased
// (EraseSession), or deleted before erasure existed; false for a live
// session, and for one app never had.
func SessionGone(ctx context.Context, q Queryer, app, id uuid.UUID) (bool, error) {
	var gone bool
	err := q.GetContext(ctx, &gone, `SELECT EXISTS (SELECT 1 FROM sessions
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NOT NULL)`, app, id)
	return gone, mapErr(err)
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
	query := `SELECT ` + sessionCols + ` FROM sessions WHERE ` + where +
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
	return selectSessions(ctx, q, `SELECT `+sessionCols+` FROM sessions
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
		out[i] = rows[i].domain()
	}
	return out, nil
}
