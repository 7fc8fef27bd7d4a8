package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// AppendAudit appends events to app's trail, pending: one insert, no lock.
// The sequencer numbers and seals them after commit.
func AppendAudit(ctx context.Context, q Queryer, app uuid.UUID, events ...domain.AuditEvent) error {
	for i := range events {
		events[i].ApplicationID = app
	}
	return InsertAudit(ctx, q, events...)
}

// InsertAudit appends events of any applications, pending, in one round
// trip. Events already prepared (domain.AuditEvent.Prepare) keep their id,
// so a caller may record an event's leaf hash before it is inserted.
func InsertAudit(ctx context.Context, q Queryer, events ...domain.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	query, args := auditInsert(events, 0)
	_, err := q.ExecContext(ctx, query, args...)
	if err == nil {
		audited(q, events)
	}
	return mapErr(err)
}

// auditInsert is InsertAudit's statement, its parameters numbered after
// the first n, so that another statement can carry it.
func auditInsert(events []domain.AuditEvent, n int) (string, []any) {
	values, args := auditValues(events, n)
	return pendingInsert + `VALUES ` + values, args
}

// pendingInsert begins an insert of pending events, their rows to follow
// (auditValues).
const pendingInsert = `INSERT INTO audit_pending (application_id, event_id, at, actor, action, session_id, details, request_id) `

// auditValues is the rows of events for pendingInsert, their parameters
// numbered after the first n.
func auditValues(events []domain.AuditEvent, n int) (string, []any) {
	values := make([]string, 0, len(events))
	var args []any
	for i := range events {
		e := &events[i]
		e.Prepare()
		k := n + len(args)
		values = append(values, fmt.Sprintf("($%d::uuid, $%d::uuid, $%d::timestamptz, $%d, $%d, $%d::uuid, $%d::json, $%d)",
			k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8))
		args = append(args, e.ApplicationID, e.ID, e.At, e.Actor, e.Action, e.SessionID, string(e.Details),
			sql.NullString{String: e.RequestID, Valid: e.RequestID != ""})
	}
	return strings.Join(values, ", "), args
}

type auditRow struct {
	ApplicationID uuid.UUID  `db:"application_id"`
	Seq           int64      `db:"seq"`
	ID            *uuid.UUID `db:"event_id"`
	At            time.Time  `db:"at"`
	Actor         string     `db:"actor"`
	Action        string     `db:"action"`
	SessionID     *uuid.UUID `db:"session_id"`
	Details       string     `db:"details"`
	RequestID     *string    `db:"request_id"`
	SealedAt      *time.Time `db:"sealed_at"`
	PrevHash      []byte     `db:"prev_hash"`
	Hash          []byte     `db:"hash"`
}

func (r auditRow) domain() domain.AuditEvent {
	e := domain.AuditEvent{ApplicationID: r.ApplicationID, Seq: r.Seq, At: r.At.UTC(), Actor: r.Actor, Action: r.Action,
		SessionID: r.SessionID, Details: json.RawMessage(r.Details), SealedAt: r.SealedAt, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.ID != nil {
		e.ID = *r.ID
	}
	if r.RequestID != nil {
		e.RequestID = *r.RequestID
	}
	return e
}

const auditCols = `application_id, seq, event_id, at, actor, action, session_id, details::text AS details, request_id,
	sealed_at, prev_hash, hash`

const pendingCols = `queued_at, application_id, 0::bigint AS seq, event_id, at, actor, action, session_id, details::text AS details,
	request_id, NULL::timestamptz AS sealed_at, NULL::bytea AS prev_hash, NULL::bytea AS hash`

// AuditFilter narrows an audit listing.
type AuditFilter struct {
	SessionID *uuid.UUID
	Search    string // action or actor substring
	BeforeSeq int64  // keyset cursor; 0 for the newest
	Limit     int
}

// ListAudit returns app's events, newest first: on the first page the
// pending ones (Seq 0) before the sealed ones.
func ListAudit(ctx context.Context, q Queryer, app uuid.UUID, f AuditFilter) ([]domain.AuditEvent, error) {
	conds, args := []string{"application_id = $1"}, []any{app}
	if f.SessionID != nil {
		args = append(args, *f.SessionID)
		conds = append(conds, fmt.Sprintf("session_id = $%d", len(args)))
	}
	if f.Search != "" {
		args = append(args, "%"+escapeLike(f.Search)+"%")
		// The session id column too: a decision's details do not repeat it,
		// so searching for a session must match the column to find them.
		conds = append(conds, fmt.Sprintf("(action ILIKE $%[1]d OR actor ILIKE $%[1]d OR details::text ILIKE $%[1]d OR session_id::text ILIKE $%[1]d)", len(args)))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	where := strings.Join(conds, " AND ")
	sealedWhere := where
	if f.BeforeSeq > 0 {
		args = append(args, f.BeforeSeq)
		sealedWhere += fmt.Sprintf(" AND seq < $%d", len(args))
	}
	args = append(args, f.Limit)
	limit := fmt.Sprintf("$%d", len(args))
	query := `(SELECT NULL::timestamptz AS queued_at, ` + auditCols + ` FROM audit_events WHERE ` + sealedWhere + ` ORDER BY seq DESC LIMIT ` + limit + `)`
	if f.BeforeSeq == 0 {
		query = `SELECT * FROM ((SELECT ` + pendingCols + ` FROM audit_pending WHERE ` + where + ` ORDER BY queued_at DESC LIMIT ` + limit + `)
			UNION ALL ` + query + `) AS e ORDER BY seq = 0 DESC, seq DESC, queued_at DESC LIMIT ` + limit
	}
	// Each row with its session's number, for the Audit tab's column.
	query = `SELECT e.*, s.session_number FROM (` + query + `) AS e
		LEFT JOIN sessions s ON s.application_id = e.application_id AND s.session_id = e.session_id
		ORDER BY e.seq = 0 DESC, e.seq DESC, e.queued_at DESC`
	var rows []struct {
		QueuedAt *time.Time `db:"queued_at"`
		auditRow
		SessionNumber *int64 `db:"session_number"`
	}
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = r.auditRow.domain()
		if r.SessionNumber != nil {
			out[i].SessionNumber = *r.SessionNumber
		}
	}
	return out, nil
}

// AuditState is where an application's log stands.
type AuditState struct {
	Sealed        int64      `db:"size"`
	LegacyUntil   int64      `db:"legacy_until"` // chained events up to here still to integrate
	Pending       int64      `db:"pending"`
	Stale         int64      `db:"stale"` // pending since before the cutoff
	OldestPending *time.Time `db:"oldest_pending"`
	Latest        *Checkpoint
}

// GetAuditState reads app's tree size, its pending events (and how many
// of them are from before staleCutoff) and its latest checkpoint.
func GetAuditState(ctx context.Context, q Queryer, app uuid.UUID, staleCutoff time.Time) (AuditState, error) {
	var r struct {
		AuditState
		TreeSize  *int64     `db:"tree_size"`
		Root      []byte     `db:"root_hash"`
		Note      *string    `db:"note"`
		CreatedAt *time.Time `db:"created_at"`
	}
	err := q.GetContext(ctx, &r, `SELECT t.size, t.legacy_until,
			p.pending, p.stale, p.oldest_pending,
			c.tree_size, c.root_hash, c.note, c.created_at
		FROM audit_trees t
		CROSS JOIN LATERAL (SELECT count(*) AS pending, count(*) FILTER (WHERE p.at < $2) AS stale, min(p.at) AS oldest_pending
			FROM audit_pending p WHERE p.application_id = t.application_id) p
		LEFT JOIN LATERAL (SELECT tree_size, root_hash, note, created_at FROM audit_checkpoints c
			WHERE c.application_id = t.application_id ORDER BY tree_size DESC LIMIT 1) c ON true
		WHERE t.application_id = $1`, app, staleCutoff)
	if err != nil {
		return AuditState{}, notFound(err, "application not found")
	}
	st := r.AuditState
	if r.TreeSize != nil {
		st.Latest = &Checkpoint{App: app, Size: *r.TreeSize, Root: r.Root, Note: *r.Note, CreatedAt: *r.CreatedAt}
	}
	return st, nil
}
