package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// ImportChain returns the chain an imported session of app descends from,
// origin first, as its import recorded it: the hops before its direct
// source (import_hops), then the direct source (its imports row), each
// with its application's name and its session number then. It joins
// nothing, so renaming, deleting or erasing upstream later changes none of
// it. Empty for a session that was not imported.
func ImportChain(ctx context.Context, q Queryer, app, session uuid.UUID) (domain.Chain, error) {
	var rows []struct {
		App     uuid.UUID `db:"hop_application_id"`
		Name    *string   `db:"hop_application_name"`
		Session uuid.UUID `db:"hop_session_id"`
		Number  *int64    `db:"hop_session_number"`
		Token   uuid.UUID `db:"token_id"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT hop_application_id, hop_application_name, hop_session_id, hop_session_number, token_id
		FROM (SELECT position, hop_application_id, hop_application_name, hop_session_id, hop_session_number, token_id
				FROM import_hops WHERE application_id = $1 AND session_id = $2
			UNION ALL
			SELECT 2147483647, source_application_id, source_application_name, source_session_id, source_session_number, token_id
				FROM imports WHERE application_id = $1 AND session_id = $2) h
		ORDER BY position`, app, session)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make(domain.Chain, len(rows))
	for i, r := range rows {
		out[i] = domain.Hop{ApplicationID: r.App, SessionID: r.Session, TokenID: r.Token}
		if r.Name != nil {
			out[i].Application = *r.Name
		}
		if r.Number != nil {
			out[i].Number = *r.Number
		}
	}
	return out, nil
}

// RecordUpstream keeps the hops before a clone's direct source (the
// source's own chain, names and numbers as it recorded them), in one
// statement.
func RecordUpstream(ctx context.Context, q Queryer, app, session uuid.UUID, hops domain.Chain) error {
	if len(hops) == 0 {
		return nil
	}
	apps, sessions, tokens := make([]string, len(hops)), make([]string, len(hops)), make([]string, len(hops))
	names, numbers := make([]string, len(hops)), make([]int64, len(hops))
	for i, h := range hops {
		apps[i], sessions[i], tokens[i] = h.ApplicationID.String(), h.SessionID.String(), h.TokenID.String()
		names[i], numbers[i] = h.Application, h.Number
	}
	_, err := q.ExecContext(ctx, `INSERT INTO import_hops (application_id, session_id, position, hop_application_id,
			hop_application_name, hop_session_id, hop_session_number, token_id)
		SELECT $1, $2, u.ord - 1, u.a, nullif(u.m, ''), u.s, nullif(u.n, 0), u.t
		FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::bigint[], $7::uuid[]) WITH ORDINALITY AS u(a, m, s, n, t, ord)`,
		app, session, pq.Array(apps), pq.Array(names), pq.Array(sessions), pq.Array(numbers), pq.Array(tokens))
	return mapErr(err)
}
