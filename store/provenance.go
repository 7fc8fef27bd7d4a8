package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// ImportChain returns the chain an imported session of app descends from,
// origin first: the hops recorded at its import (import_hops), then its
// direct source (its imports row), each with its application's name and
// its session number when they can still be read. Empty for a session
// that was not imported.
func ImportChain(ctx context.Context, q Queryer, app, session uuid.UUID) (domain.Chain, error) {
	var rows []struct {
		App     uuid.UUID `db:"hop_application_id"`
		Name    *string   `db:"name"`
		Session uuid.UUID `db:"hop_session_id"`
		Number  *int64    `db:"hop_session_number"`
		Token   uuid.UUID `db:"token_id"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT h.hop_application_id, a.name, h.hop_session_id, h.hop_session_number, h.token_id
		FROM (SELECT position, hop_application_id, hop_session_id, hop_session_number, token_id
				FROM import_hops WHERE application_id = $1 AND session_id = $2
			UNION ALL
			SELECT 2147483647, i.source_application_id, i.source_session_id, s.session_number, i.token_id
				FROM imports i LEFT JOIN sessions s
					ON s.application_id = i.source_application_id AND s.session_id = i.source_session_id
				WHERE i.application_id = $1 AND i.session_id = $2) h
		LEFT JOIN applications a ON a.application_id = h.hop_application_id AND a.deleted_at IS NULL
		ORDER BY h.position`, app, session)
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
// source's own chain), in one statement.
func RecordUpstream(ctx context.Context, q Queryer, app, session uuid.UUID, hops domain.Chain) error {
	if len(hops) == 0 {
		return nil
	}
	apps, sessions, tokens := make([]string, len(hops)), make([]string, len(hops)), make([]string, len(hops))
	numbers := make([]int64, len(hops))
	for i, h := range hops {
		apps[i], sessions[i], tokens[i], numbers[i] = h.ApplicationID.String(), h.SessionID.String(), h.TokenID.String(), h.Number
	}
	_, err := q.ExecContext(ctx, `INSERT INTO import_hops (application_id, session_id, position, hop_application_id,
			hop_session_id, hop_session_number, token_id)
		SELECT $1, $2, u.ord - 1, u.a, u.s, nullif(u.n, 0), u.t
		FROM unnest($3::uuid[], $4::uuid[], $5::bigint[], $6::uuid[]) WITH ORDINALITY AS u(a, s, n, t, ord)`,
		app, session, pq.Array(apps), pq.Array(sessions), pq.Array(numbers), pq.Array(tokens))
	return mapErr(err)
}
