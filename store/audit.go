package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// AppendAudit appends events to one application's trail, chaining each to
// the previous one. The counters row of the application is locked by the
// first statement, so concurrent appenders queue up and the chain stays a
// line. Two round trips, however many events.
func AppendAudit(ctx context.Context, q Queryer, app uuid.UUID, events ...domain.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	var head struct {
		Seq  int64  `db:"audit_seq"`
		Hash []byte `db:"audit_head"`
	}
	err := q.GetContext(ctx, &head, `UPDATE app_counters SET audit_seq = audit_seq + $2 WHERE application_id = $1
		RETURNING audit_seq, audit_head`, app, len(events))
	if err != nil {
		return notFound(err, "application not found")
	}
	prev, seq := head.Hash, head.Seq-int64(len(events))
	values := make([]string, 0, len(events))
	args := []any{app}
	for i := range events {
		e := &events[i]
		seq++
		e.ApplicationID, e.Seq, e.PrevHash = app, seq, prev
		// PostgreSQL keeps microseconds; hash what will be read back.
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if len(e.Details) == 0 {
			e.Details = json.RawMessage("{}")
		}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		n := len(args)
		values = append(values, fmt.Sprintf("($1, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8))
		args = append(args, e.Seq, e.At, e.Actor, e.Action, e.SessionID, string(e.Details), e.PrevHash, e.Hash)
	}
	args = append(args, prev)
	_, err = q.ExecContext(ctx, fmt.Sprintf(`WITH ins AS (
		INSERT INTO audit_events (application_id, seq, at, actor, action, session_id, details, prev_hash, hash) VALUES %s)
		UPDATE app_counters SET audit_head = $%d WHERE application_id = $1`, strings.Join(values, ", "), len(args)), args...)
	return mapErr(err)
}

type auditRow struct {
	ApplicationID uuid.UUID  `db:"application_id"`
	Seq           int64      `db:"seq"`
	At            time.Time  `db:"at"`
	Actor         string     `db:"actor"`
	Action        string     `db:"action"`
	SessionID     *uuid.UUID `db:"session_id"`
	Details       string     `db:"details"`
	PrevHash      []byte     `db:"prev_hash"`
	Hash          []byte     `db:"hash"`
}

func (r auditRow) domain() domain.AuditEvent {
	return domain.AuditEvent{ApplicationID: r.ApplicationID, Seq: r.Seq, At: r.At.UTC(), Actor: r.Actor, Action: r.Action,
		SessionID: r.SessionID, Details: json.RawMessage(r.Details), PrevHash: r.PrevHash, Hash: r.Hash}
}

const auditCols = `application_id, seq, at, actor, action, session_id, details::text AS details, prev_hash, hash`

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
	var prev []byte
	var seq, checked int64
	for {
		var rows []auditRow
		err := q.SelectContext(ctx, &rows, `SELECT `+auditCols+` FROM audit_events WHERE application_id = $1 AND seq > $2
			ORDER BY seq LIMIT 5000`, app, seq)
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
	var head struct {
		Seq  int64  `db:"audit_seq"`
		Hash []byte `db:"audit_head"`
	}
	if err := q.GetContext(ctx, &head, `SELECT audit_seq, audit_head FROM app_counters WHERE application_id = $1`, app); err != nil {
		return nil, checked, notFound(err, "application not found")
	}
	if head.Seq != seq || string(head.Hash) != string(prev) {
		return &domain.ChainBreak{Seq: seq + 1, Reason: "events at the end of the trail are missing"}, checked, nil
	}
	return nil, checked, nil
}
