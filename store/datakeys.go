package store

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// DataKey is one wrapped data key of an application.
type DataKey struct {
	ApplicationID uuid.UUID `db:"application_id"`
	Purpose       string    `db:"purpose"` // data, biometric or match
	Generation    int       `db:"generation"`
	MasterKeyID   string    `db:"master_key_id"`
	Wrapped       []byte    `db:"wrapped"`
}

const dataKeyCols = `application_id, purpose, generation, master_key_id, wrapped`

// DataKeys returns app's wrapped data keys, newest generation first.
func DataKeys(ctx context.Context, q Queryer, app uuid.UUID) ([]DataKey, error) {
	var out []DataKey
	err := q.SelectContext(ctx, &out, `SELECT `+dataKeyCols+` FROM data_keys WHERE application_id = $1
		ORDER BY generation DESC, purpose`, app)
	return out, mapErr(err)
}

// AllDataKeys returns every application's wrapped data keys, for
// re-wrapping them under a new master key.
func AllDataKeys(ctx context.Context, q Queryer) ([]DataKey, error) {
	var out []DataKey
	err := q.SelectContext(ctx, &out, `SELECT `+dataKeyCols+` FROM data_keys ORDER BY application_id, purpose, generation`)
	return out, mapErr(err)
}

// AddDataKeys stores new wrapped keys; it returns false, storing none,
// when one of them exists already (another process made that
// generation first).
func AddDataKeys(ctx context.Context, q Queryer, keys []DataKey, at time.Time) (bool, error) {
	for _, k := range keys {
		res, err := q.ExecContext(ctx, `INSERT INTO data_keys (`+dataKeyCols+`, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`, k.ApplicationID, k.Purpose, k.Generation, k.MasterKeyID, k.Wrapped, at)
		if err != nil {
			return false, mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, nil
		}
	}
	return true, nil
}

// RewrapDataKey replaces a key's wrapping (the key itself is unchanged).
func RewrapDataKey(ctx context.Context, q Queryer, k DataKey) error {
	res, err := q.ExecContext(ctx, `UPDATE data_keys SET master_key_id = $4, wrapped = $5
		WHERE application_id = $1 AND purpose = $2 AND generation = $3`, k.ApplicationID, k.Purpose, k.Generation, k.MasterKeyID, k.Wrapped)
	return affected(res, err, "data key not found")
}

// MasterKeyIDs lists the master keys that wrapped stored keys of purpose
// (data and match keys are wrapped by the master key, biometric keys by
// the biometric master key), with how many each wrapped.
func MasterKeyIDs(ctx context.Context, q Queryer, biometric bool) (map[string]int, error) {
	var rows []struct {
		ID string `db:"master_key_id"`
		N  int    `db:"n"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT master_key_id, count(*) AS n FROM data_keys
		WHERE (purpose = 'biometric') = $1 GROUP BY master_key_id`, biometric)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// NoteKeys returns the stored checkpoint signing keys.
func NoteKeys(ctx context.Context, q Queryer) ([]NoteKey, error) {
	var out []NoteKey
	err := q.SelectContext(ctx, &out, `SELECT name, verifier, signer FROM audit_note_keys ORDER BY name`)
	return out, mapErr(err)
}

// RewrapNoteKey replaces a checkpoint key's stored (wrapped) private key.
func RewrapNoteKey(ctx context.Context, q Queryer, name string, signer []byte) error {
	res, err := q.ExecContext(ctx, `UPDATE audit_note_keys SET signer = $2 WHERE name = $1`, name, signer)
	return affected(res, err, "checkpoint key not found")
}

// ToReseal returns up to limit of app's live or deleted (not erased)
// sessions whose payload is not sealed under generation, in number order.
func ToReseal(ctx context.Context, q Queryer, app uuid.UUID, generation, limit int) ([]SealedSession, error) {
	var rows []sealedRow
	err := q.SelectContext(ctx, &rows, `SELECT `+sessionCols+`, `+payloadCols+` FROM sessions
		WHERE application_id = $1 AND erased_at IS NULL AND coalesce(key_generation, 0) <> $2
		ORDER BY session_number LIMIT $3`, app, generation, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]SealedSession, len(rows))
	for i, r := range rows {
		out[i] = SealedSession{Session: r.domain(), Payload: r.Payload}
	}
	return out, nil
}

// CountToReseal counts what ToReseal would return without a limit.
func CountToReseal(ctx context.Context, q Queryer, app uuid.UUID, generation int) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM sessions
		WHERE application_id = $1 AND erased_at IS NULL AND coalesce(key_generation, 0) <> $2`, app, generation)
	return n, mapErr(err)
}

// Reseal stores a session's payload sealed anew, unless it changed since
// it was read as from (an erasure, or another rotation): then it returns
// false and the caller reads it again.
func Reseal(ctx context.Context, q Queryer, app, id uuid.UUID, from, to Payload) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET key_generation = $4, sealed = $5, biometrics = $6, checks = NULL
		WHERE application_id = $1 AND session_id = $2 AND coalesce(key_generation, 0) = $3 AND erased_at IS NULL`,
		app, id, from.Generation, to.Generation, to.Checks, to.Biometrics)
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
