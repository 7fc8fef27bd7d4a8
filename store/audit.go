package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// Reservation asks for session numbers and audit sequence numbers in one
// application.
type Reservation struct {
	App      uuid.UUID
	Sessions int
	Events   int
}

// Reserved is what a Reservation got: the first session number, and the
// audit trail's sequence number and hash before the reserved events.
type Reserved struct {
	App         uuid.UUID `db:"application_id"`
	FirstNumber int64     `db:"first_number"`
	PrevSeq     int64     `db:"prev_seq"`
	Head        []byte    `db:"audit_head"`
}

// Reserve takes the counters of the applications and reserves what each
// asks for, in one round trip. The counters are what make session numbers
// gap-free and each audit trail one line, so transactions that reserve in
// the same application queue for them until commit: the queue is a
// transaction-scoped advisory lock per application, taken in a fixed order
// (so two transactions touching the same pair never deadlock) and granted
// first come, first served, where waiting on the row itself would let
// newcomers overtake those already waiting and stretch the tail. Hold them
// as briefly as possible: reserve last in a use case.
func Reserve(ctx context.Context, q Queryer, res ...Reservation) (map[uuid.UUID]Reserved, error) {
	apps := make([]string, len(res))
	sessions := make([]int64, len(res))
	events := make([]int64, len(res))
	for i, r := range res {
		apps[i], sessions[i], events[i] = r.App.String(), int64(r.Sessions), int64(r.Events)
	}
	var rows []Reserved
	err := q.SelectContext(ctx, &rows, `WITH queued AS MATERIALIZED (
			SELECT count(*) AS n FROM (
				SELECT pg_advisory_xact_lock(k) FROM (
					SELECT DISTINCT hashtextextended(a::text, 7301) AS k FROM unnest($1::uuid[]) AS a ORDER BY 1) AS keys) AS l),
		req AS (
			SELECT r.* FROM queued, unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS r(application_id, sessions, events))
		UPDATE app_counters c SET last_session_number = c.last_session_number + req.sessions,
			audit_seq = c.audit_seq + req.events
		FROM req
		WHERE c.application_id = req.application_id
		RETURNING c.application_id, c.last_session_number - req.sessions + 1 AS first_number,
			c.audit_seq - req.events AS prev_seq, c.audit_head`, pq.Array(apps), pq.Array(sessions), pq.Array(events))
	if err != nil {
		return nil, mapErr(err)
	}
	if len(rows) != len(res) {
		return nil, domain.NotFoundf("application not found")
	}
	out := make(map[uuid.UUID]Reserved, len(rows))
	for _, r := range rows {
		out[r.App] = r
	}
	return out, nil
}

// InsertAudit writes events already chained with domain.Chain and moves
// each application's head to its last event, in one round trip. The
// applications' counters must have been reserved in this transaction.
func InsertAudit(ctx context.Context, q Queryer, events ...domain.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	values := make([]string, 0, len(events))
	heads := map[uuid.UUID][]byte{}
	var args []any
	for _, e := range events {
		n := len(args)
		values = append(values, fmt.Sprintf("($%d::uuid, $%d::bigint, $%d::timestamptz, $%d, $%d, $%d::uuid, $%d::json, $%d::bytea, $%d::bytea, $%d)",
			n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10))
		args = append(args, e.ApplicationID, e.Seq, e.At, e.Actor, e.Action, e.SessionID, string(e.Details), e.PrevHash, e.Hash,
			sql.NullString{String: e.RequestID, Valid: e.RequestID != ""})
		heads[e.ApplicationID] = e.Hash
	}
	headValues := make([]string, 0, len(heads))
	for app, h := range heads {
		n := len(args)
		headValues = append(headValues, fmt.Sprintf("($%d::uuid, $%d::bytea)", n+1, n+2))
		args = append(args, app, h)
	}
	_, err := q.ExecContext(ctx, fmt.Sprintf(`WITH ins AS (
		INSERT INTO audit_events (application_id, seq, at, actor, action, session_id, details, prev_hash, hash, request_id) VALUES %s)
		UPDATE app_counters c SET audit_head = h.head FROM (VALUES %s) AS h(application_id, head)
		WHERE c.application_id = h.application_id`, strings.Join(values, ", "), strings.Join(headValues, ", ")), args...)
	return mapErr(err)
}

// AppendAudit appends events to one application's trail: reserve, chain,
// insert, in two round trips.
func AppendAudit(ctx context.Context, q Queryer, app uuid.UUID, events ...domain.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	res, err := Reserve(ctx, q, Reservation{App: app, Events: len(events)})
	if err != nil {
		return err
	}
	for i := range events {
		events[i].ApplicationID = app
	}
	domain.Chain(events, res[app].PrevSeq, res[app].Head)
	return InsertAudit(ctx, q, events...)
}

type auditRow struct {
	ApplicationID uuid.UUID  `db:"application_id"`
	Seq           int64      `db:"seq"`
	At            time.Time  `db:"at"`
	Actor         string     `db:"actor"`
	Action        string     `db:"action"`
	SessionID     *uuid.UUID `db:"session_id"`
	Details       string     `db:"details"`
	RequestID     *string    `db:"request_id"`
	PrevHash      []byte     `db:"prev_hash"`
	Hash          []byte     `db:"hash"`
}

func (r auditRow) domain() domain.AuditEvent {
	e := domain.AuditEvent{ApplicationID: r.ApplicationID, Seq: r.Seq, At: r.At.UTC(), Actor: r.Actor, Action: r.Action,
		SessionID: r.SessionID, Details: json.RawMessage(r.Details), PrevHash: r.PrevHash, Hash: r.Hash}
	if r.RequestID != nil {
		e.RequestID = *r.RequestID
	}
	return e
}

const auditCols = `application_id, seq, at, actor, action, session_id, details::text AS details, request_id, prev_hash, hash`

// AuditFilter narrows an audit listing.
type AuditFilter struct {
	SessionID *uuid.UUID
	Search    string // action or actor substring
	BeforeSeq int64  // keyset cursor; 0 for the newest
	Limit     int
}

// ListAudit returns app's events, newest first.
func ListAudit(ctx context.Context, q Queryer, app uuid.UUID, f AuditFilter) ([]domain.AuditEvent, error) {
	conds, args := []string{"application_id = $1"}, []any{app}
	if f.SessionID != nil {
		args = append(args, *f.SessionID)
		conds = append(conds, fmt.Sprintf("session_id = $%d", len(args)))
	}
	if f.Search != "" {
		args = append(args, "%"+escapeLike(f.Search)+"%")
		conds = append(conds, fmt.Sprintf("(action ILIKE $%[1]d OR actor ILIKE $%[1]d OR details::text ILIKE $%[1]d)", len(args)))
	}
	if f.BeforeSeq > 0 {
		args = append(args, f.BeforeSeq)
		conds = append(conds, fmt.Sprintf("seq < $%d", len(args)))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	var rows []auditRow
	err := q.SelectContext(ctx, &rows, `SELECT `+auditCols+` FROM audit_events WHERE `+strings.Join(conds, " AND ")+
		fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// VerifyAudit recomputes app's whole chain in batches and returns the first
// broken link (nil when it holds) and how many events it checked.
func VerifyAudit(ctx context.Context, q Queryer, app uuid.UUID) (*domain.ChainBreak, int64, error) {
	// Read the head first and verify up to it: events appended while this
	// runs are the next verification's, not "missing" ones.
	var head struct {
		Seq  int64  `db:"audit_seq"`
		Hash []byte `db:"audit_head"`
	}
	if err := q.GetContext(ctx, &head, `SELECT audit_seq, audit_head FROM app_counters WHERE application_id = $1`, app); err != nil {
		return nil, 0, notFound(err, "application not found")
	}
	var prev []byte
	var seq, checked int64
	for {
		var rows []auditRow
		err := q.SelectContext(ctx, &rows, `SELECT `+auditCols+` FROM audit_events
			WHERE application_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT 5000`, app, seq, head.Seq)
		if err != nil {
			return nil, checked, mapErr(err)
		}
		if len(rows) == 0 {
			break
		}
		events := make([]domain.AuditEvent, len(rows))
		for i, r := range rows {
			events[i] = r.domain()
		}
		if brk := domain.VerifyChain(events, prev, seq); brk != nil {
			return brk, checked, nil
		}
		checked += int64(len(events))
		last := events[len(events)-1]
		prev, seq = last.Hash, last.Seq
	}
	// The head must match the last event, or events were cut off the end.
	if head.Seq != seq || string(head.Hash) != string(prev) {
		return &domain.ChainBreak{Seq: seq + 1, Reason: "events at the end of the trail are missing"}, checked, nil
	}
	return nil, checked, nil
}
