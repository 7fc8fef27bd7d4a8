package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// PutMedia stores a session's media, replacing files of the same name.
// It is the one place media is written (sealing goes here).
func PutMedia(ctx context.Context, q Queryer, app, session uuid.UUID, media []domain.Media) error {
	if len(media) == 0 {
		return nil
	}
	names, types, data := make([]string, len(media)), make([]string, len(media)), make([][]byte, len(media))
	for i, m := range media {
		names[i], types[i], data[i] = m.Name, m.ContentType, m.Data
	}
	_, err := q.ExecContext(ctx, `INSERT INTO session_media (application_id, session_id, name, content_type, data)
		SELECT $1, $2, n, t, d FROM unnest($3::text[], $4::text[], $5::bytea[]) AS u(n, t, d)
		ON CONFLICT (application_id, session_id, name) DO UPDATE SET content_type = excluded.content_type, data = excluded.data`,
		app, session, pq.Array(names), pq.Array(types), pq.ByteaArray(data))
	return mapErr(err)
}

// SessionMedia returns a live session's media by name, or all of it when
// names is empty. It is the one place media is read (unsealing goes here).
func SessionMedia(ctx context.Context, q Queryer, app, session uuid.UUID, names ...string) ([]domain.Media, error) {
	var rows []struct {
		Name        string `db:"name"`
		ContentType string `db:"content_type"`
		Data        []byte `db:"data"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT m.name, m.content_type, m.data FROM session_media m
		JOIN sessions s USING (application_id, session_id)
		WHERE m.application_id = $1 AND m.session_id = $2 AND s.deleted_at IS NULL
		  AND (coalesce(cardinality($3::text[]), 0) = 0 OR m.name = ANY($3))
		ORDER BY m.name`, app, session, pq.Array(names))
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Media, len(rows))
	for i, r := range rows {
		out[i] = domain.Media{Name: r.Name, ContentType: r.ContentType, Data: r.Data}
	}
	return out, nil
}

// CopyMedia gives a clone its source's media, byte for byte.
func CopyMedia(ctx context.Context, q Queryer, fromApp, fromSession, toApp, toSession uuid.UUID) error {
	media, err := SessionMedia(ctx, q, fromApp, fromSession)
	if err != nil {
		return err
	}
	return PutMedia(ctx, q, toApp, toSession, media)
}
