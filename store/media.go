package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"
)

// MediaRow is one file of a session's evidence as stored: Data sealed
// under the biometric data key of Generation, or in the clear when
// Generation is nil (written before sealing). review seals and opens it.
type MediaRow struct {
	Name        string `db:"name"`
	ContentType string `db:"content_type"`
	Data        []byte `db:"data"`
	Generation  *int   `db:"generation"`
}

// PutMedia stores a session's media, replacing files of the same name.
// It is the one place media is written.
func PutMedia(ctx context.Context, q Queryer, app, session uuid.UUID, media []MediaRow) error {
	if len(media) == 0 {
		return nil
	}
	names, types, data := make([]string, len(media)), make([]string, len(media)), make([][]byte, len(media))
	gens := make([]*int, len(media))
	for i, m := range media {
		names[i], types[i], data[i], gens[i] = m.Name, m.ContentType, m.Data, m.Generation
	}
	_, err := q.ExecContext(ctx, `INSERT INTO session_media (application_id, session_id, name, content_type, data, generation)
		SELECT $1, $2, n, t, d, g FROM unnest($3::text[], $4::text[], $5::bytea[], $6::int[]) AS u(n, t, d, g)
		ON CONFLICT (application_id, session_id, name) DO UPDATE
		SET content_type = excluded.content_type, data = excluded.data, generation = excluded.generation`,
		app, session, pq.Array(names), pq.Array(types), pq.ByteaArray(data), intArray(gens))
	return mapErr(err)
}

// intArray is gens as a PostgreSQL int[] with NULLs.
func intArray(gens []*int) pq.GenericArray {
	out := make([]any, len(gens))
	for i, g := range gens {
		if g != nil {
			out[i] = int64(*g)
		}
	}
	return pq.GenericArray{A: out}
}

// SessionMedia returns a live session's media by name, or all of it when
// names is empty. It is the one place media is read.
func SessionMedia(ctx context.Context, q Queryer, app, session uuid.UUID, names ...string) ([]MediaRow, error) {
	var rows []MediaRow
	err := q.SelectContext(ctx, &rows, `SELECT m.name, m.content_type, m.data, m.generation FROM session_media m
		JOIN sessions s USING (application_id, session_id)
		WHERE m.application_id = $1 AND m.session_id = $2 AND s.deleted_at IS NULL
		  AND (coalesce(cardinality($3::text[]), 0) = 0 OR m.name = ANY($3))
		ORDER BY m.name`, app, session, pq.Array(names))
	return rows, mapErr(err)
}

// SessionMediaRow is a MediaRow with its session.
type SessionMediaRow struct {
	SessionID uuid.UUID `db:"session_id"`
	MediaRow
}

// MediaToReseal returns up to limit of app's media rows that are not
// sealed under generation (in the clear, or under an older one).
func MediaToReseal(ctx context.Context, q Queryer, app uuid.UUID, generation, limit int) ([]SessionMediaRow, error) {
	var rows []SessionMediaRow
	err := q.SelectContext(ctx, &rows, `SELECT session_id, name, content_type, data, generation FROM session_media
		WHERE application_id = $1 AND generation IS DISTINCT FROM $2 ORDER BY session_id, name LIMIT $3`,
		app, generation, limit)
	return rows, mapErr(err)
}

// ResealMedia replaces one media row's data with next's, unless it changed
// since old was read; it reports whether it did.
func ResealMedia(ctx context.Context, q Queryer, app, session uuid.UUID, old, next MediaRow) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE session_media SET data = $5, generation = $6
		WHERE application_id = $1 AND session_id = $2 AND name = $3 AND generation IS NOT DISTINCT FROM $4`,
		app, session, old.Name, old.Generation, next.Data, next.Generation)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
