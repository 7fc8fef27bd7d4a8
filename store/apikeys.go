package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// APIKey is a stored key: only its hash, never the key itself.
type APIKey struct {
	ApplicationID uuid.UUID      `db:"application_id"`
	ID            uuid.UUID      `db:"key_id"`
	Hash          []byte         `db:"key_hash"`
	Prefix        string         `db:"key_prefix"`
	Privileges    pq.StringArray `db:"privileges"`
	CreatedAt     time.Time      `db:"created_at"`
	RevokedAt     *time.Time     `db:"revoked_at"`
}

const keyCols = `application_id, key_id, key_hash, key_prefix, privileges, created_at, revoked_at`

// CreateAPIKey stores a key's hash.
func CreateAPIKey(ctx context.Context, q Queryer, k APIKey) error {
	_, err := q.ExecContext(ctx, `INSERT INTO api_keys (`+keyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ApplicationID, k.ID, k.Hash, k.Prefix, k.Privileges, k.CreatedAt, k.RevokedAt)
	return mapErr(err)
}

// APIKeyByHash finds a live key of a live application by its hash.
func APIKeyByHash(ctx context.Context, q Queryer, hash []byte) (APIKey, error) {
	var k APIKey
	err := q.GetContext(ctx, &k, `SELECT k.application_id, k.key_id, k.key_hash, k.key_prefix, k.privileges, k.created_at, k.revoked_at
		FROM api_keys k JOIN applications a USING (application_id)
		WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.deleted_at IS NULL`, hash)
	return k, notFound(err, "unknown API key")
}

// ListAPIKeys lists an application's keys, newest first.
func ListAPIKeys(ctx context.Context, q Queryer, app uuid.UUID) ([]APIKey, error) {
	var keys []APIKey
	err := q.SelectContext(ctx, &keys, `SELECT `+keyCols+` FROM api_keys WHERE application_id = $1 ORDER BY created_at DESC`, app)
	return keys, mapErr(err)
}

// RevokeAPIKey revokes a key of app.
func RevokeAPIKey(ctx context.Context, q Queryer, app, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $3 WHERE application_id = $1 AND key_id = $2 AND revoked_at IS NULL`, app, id, at)
	return affected(res, err, "no such live API key")
}

// Privs converts stored privileges.
func (k APIKey) Privs() []domain.Privilege {
	out := make([]domain.Privilege, len(k.Privileges))
	for i, p := range k.Privileges {
		out[i] = domain.Privilege(p)
	}
	return out
}
