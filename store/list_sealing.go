package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// EntriesToSeal locks up to limit of app's list entries after the entry
// id after that are still in the clear (written before entries were
// sealed), in id order; others' housekeeping skips them. Without
// biometric (a server without the biometric key) face entries are left
// for a server that can seal them.
func EntriesToSeal(ctx context.Context, tx *Tx, app, after uuid.UUID, limit int, biometric bool) ([]SealedEntry, error) {
	var rows []entryRow
	err := tx.SelectContext(ctx, &rows, `SELECT `+entryCols+` FROM list_entries
		WHERE application_id = $1 AND sealed IS NULL AND entry_id > $2 AND ($4 OR entry_type <> $5)
		ORDER BY entry_id LIMIT $3 FOR UPDATE SKIP LOCKED`, app, after, limit, biometric, domain.EntryFace)
	return entries(rows), mapErr(err)
}

// AppsWithUnsealedEntries lists the applications that have list entries
// in the clear.
func AppsWithUnsealedEntries(ctx context.Context, q Queryer) ([]uuid.UUID, error) {
	var apps []uuid.UUID
	err := q.SelectContext(ctx, &apps, `SELECT a.application_id FROM applications a
		WHERE EXISTS (SELECT 1 FROM list_entries e WHERE e.application_id = a.application_id AND e.sealed IS NULL)`)
	return apps, mapErr(err)
}

// EntriesToReseal returns up to limit of app's list entries not sealed
// under generation (in the clear, or under another one), in id order.
func EntriesToReseal(ctx context.Context, q Queryer, app uuid.UUID, generation, limit int) ([]SealedEntry, error) {
	var rows []entryRow
	err := q.SelectContext(ctx, &rows, `SELECT `+entryCols+` FROM list_entries
		WHERE application_id = $1 AND (sealed IS NULL OR key_generation <> $2) ORDER BY entry_id LIMIT $3`,
		app, generation, limit)
	return entries(rows), mapErr(err)
}

// CountSealedEntriesToReseal counts app's list entries sealed under a
// generation other than generation (a data-key rotation that stopped).
func CountSealedEntriesToReseal(ctx context.Context, q Queryer, app uuid.UUID, generation int) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM list_entries
		WHERE application_id = $1 AND sealed IS NOT NULL AND key_generation <> $2`, app, generation)
	return n, mapErr(err)
}

// ResealEntries stores entries sealed anew (each e.Sealed under
// generation) and blanks their plain columns, in one statement. An entry
// whose generation changed since it was read as from (another rotation)
// is left alone; it returns how many it stored.
func ResealEntries(ctx context.Context, q Queryer, app uuid.UUID, from, to []SealedEntry, generation int) (int, error) {
	ids := make([]string, len(to))
	froms := make([]int64, len(to))
	sealed := make(pq.ByteaArray, len(to))
	for i := range to {
		ids[i], sealed[i], froms[i] = to[i].ID.String(), to[i].Sealed, -1
		if from[i].Generation != nil {
			froms[i] = int64(*from[i].Generation)
		}
	}
	res, err := q.ExecContext(ctx, `UPDATE list_entries e SET sealed = u.s, key_generation = $5,
			value = '', display_label = '', comment = '', metadata = NULL
		FROM unnest($2::uuid[], $3::bigint[], $4::bytea[]) AS u (id, f, s)
		WHERE e.application_id = $1 AND e.entry_id = u.id AND coalesce(e.key_generation, -1) = u.f`,
		app, pq.Array(ids), pq.Array(froms), sealed, generation)
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
