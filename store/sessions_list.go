package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// ListFilter selects sessions for GET /v3/sessions/.
type ListFilter = domain.SessionListFilter

func listWhere(app uuid.UUID, f ListFilter) (string, []any) {
	args := []any{app}
	conds := []string{"application_id = $1", "deleted_at IS NULL"}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.Kinds) == 1 {
		conds = append(conds, "session_kind = "+arg(f.Kinds[0]))
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = string(s)
		}
		conds = append(conds, "status = ANY("+arg(pq.Array(ss))+")")
	}
	if f.VendorData != "" {
		conds = append(conds, "vendor_data = "+arg(f.VendorData))
	}
	if f.WorkflowID != "" {
		conds = append(conds, "workflow_id = "+arg(f.WorkflowID))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		conds = append(conds, fmt.Sprintf("(vendor_data ILIKE %s OR session_id::text LIKE %s)",
			arg("%"+escapeLike(s)+"%"), arg(strings.ToLower(escapeLike(s))+"%")))
	}
	if f.From != nil {
		conds = append(conds, "created_at >= "+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, "created_at < "+arg(*f.To))
	}
	if f.SharedFromSession != nil {
		conds = append(conds, "shared_from_session = "+arg(*f.SharedFromSession))
	}
	return strings.Join(conds, " AND "), args
}

// ListSessions returns up to c.Limit+1 sessions (with payloads) matching f,
// newest first; the extra row tells the caller another page exists in the
// direction it read. With After set, the rows are the ones just above it,
// still returned newest first.
//
// Each row comes with its sealed checks but not its biometrics: a list
// shows names and document types, never images.
func ListSessions(ctx context.Context, q Queryer, app uuid.UUID, f ListFilter, c domain.Page) ([]SealedSession, error) {
	where, args := listWhere(app, f)
	order := "session_number DESC"
	tail := ""
	switch {
	case c.Before > 0:
		args = append(args, c.Before)
		where += fmt.Sprintf(" AND session_number < $%d", len(args))
	case c.After > 0:
		args = append(args, c.After)
		where += fmt.Sprintf(" AND session_number > $%d", len(args))
		order = "session_number ASC"
	default:
		args = append(args, c.Offset)
		tail = fmt.Sprintf(" OFFSET $%d", len(args))
	}
	args = append(args, c.Limit+1)
	query := `SELECT ` + sessionCols + `, coalesce(key_generation, 0) AS key_generation, sealed, NULL::bytea AS biometrics, checks
		FROM sessions WHERE ` + where + ` ORDER BY ` + order + fmt.Sprintf(" LIMIT $%d", len(args)) + tail
	var rows []sealedRow
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, mapErr(err)
	}
	out := make([]SealedSession, len(rows))
	for i, r := range rows {
		out[i] = SealedSession{Session: r.domain(), Payload: r.Payload}
	}
	if c.After == 0 || c.Before > 0 {
		return out, nil
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// AnyBelow reports whether a session matching f is numbered below n.
func AnyBelow(ctx context.Context, q Queryer, app uuid.UUID, f ListFilter, n int64) (bool, error) {
	where, args := listWhere(app, f)
	args = append(args, n)
	var ok bool
	err := q.GetContext(ctx, &ok, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM sessions WHERE %s AND session_number < $%d)`, where, len(args)), args...)
	return ok, mapErr(err)
}

// CountSessions counts the sessions matching f, reading at most limit+1
// rows: the answer is exact up to limit and limit+1 beyond it, so counting
// costs the same whatever the table's size.
func CountSessions(ctx context.Context, q Queryer, app uuid.UUID, f ListFilter, limit int) (int64, error) {
	where, args := listWhere(app, f)
	args = append(args, limit+1)
	var n int64
	err := q.GetContext(ctx, &n, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM sessions WHERE %s LIMIT $%d) c`, where, len(args)), args...)
	return n, mapErr(err)
}
