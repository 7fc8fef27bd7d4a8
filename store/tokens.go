package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// StoredSigningKey is a share-token signing key as stored: wrapped by the
// master key, or (written before keys were wrapped) Plain.
type StoredSigningKey struct {
	ID      string `db:"kid"`
	Wrapped []byte `db:"wrapped"`
	Plain   []byte `db:"secret"`
}

// SigningKeys returns every share-token signing key, newest first.
func SigningKeys(ctx context.Context, q Queryer) ([]StoredSigningKey, error) {
	var rows []StoredSigningKey
	err := q.SelectContext(ctx, &rows, `SELECT kid, wrapped, secret FROM signing_keys ORDER BY created_at DESC, kid DESC`)
	return rows, mapErr(err)
}

// AddSigningKey stores a new wrapped signing key; it becomes the newest.
func AddSigningKey(ctx context.Context, q Queryer, kid string, wrapped []byte, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO signing_keys (kid, wrapped, created_at) VALUES ($1, $2, $3)`, kid, wrapped, at)
	return mapErr(err)
}

// RewrapSigningKey replaces a signing key's wrapping (and drops a legacy
// plaintext copy).
func RewrapSigningKey(ctx context.Context, q Queryer, kid string, wrapped []byte) error {
	res, err := q.ExecContext(ctx, `UPDATE signing_keys SET wrapped = $2, secret = NULL WHERE kid = $1`, kid, wrapped)
	return affected(res, err, "signing key not found")
}

// ShareToken is the record of one minted token.
type ShareToken struct {
	ApplicationID    uuid.UUID `db:"application_id"`
	ID               uuid.UUID `db:"token_id"`
	SessionID        uuid.UUID `db:"session_id"`
	SessionKind      string    `db:"session_kind"`
	ForApplicationID uuid.UUID `db:"for_application_id"`
	MintedBy         string    `db:"minted_by"`
	KeyID            string    `db:"kid"`
	CreatedAt        time.Time `db:"created_at"`
	ExpiresAt        time.Time `db:"expires_at"`
	MintLeaf         []byte    `db:"mint_leaf"` // the mint event's leaf hash
	// Set once the issuer revoked the token; never for an imported one.
	RevokedAt *time.Time `db:"revoked_at"`
	RevokedBy *string    `db:"revoked_by"`
}

// Record is what import checks a token against.
func (t ShareToken) Record() domain.TokenRecord {
	return domain.TokenRecord{SessionID: t.SessionID, SessionKind: domain.Kind(t.SessionKind),
		ForApplicationID: t.ForApplicationID, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
}

const tokenCols = `application_id, token_id, session_id, session_kind, for_application_id, minted_by, kid, created_at, expires_at, mint_leaf`

// tokenRead is what reads select: the minted columns and the revocation.
const tokenRead = tokenCols + `, revoked_at, revoked_by`

// MintSource reads what a mint checks, in one statement: app's live
// session and whether partner is a live application. With lock, in a
// transaction, the session stays as read until it ends.
func MintSource(ctx context.Context, q Queryer, app, session, partner uuid.UUID, lock bool) (_ domain.Session, partnerLive bool, _ error) {
	var r struct {
		sessionRow
		PartnerLive bool `db:"partner_live"`
	}
	query := Keyed + `SELECT ` + sessionCols + `,
			EXISTS (SELECT 1 FROM applications WHERE application_id = $3 AND deleted_at IS NULL) AS partner_live
		FROM sessions WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`
	if lock {
		query += ` FOR SHARE`
	}
	err := q.GetContext(ctx, &r, query, app, session, partner)
	if err != nil {
		return domain.Session{}, false, notFound(err, "Session not found.")
	}
	return r.domain(), r.PartnerLive, nil
}

// MintShareToken records a minted token and its mint's audit event in one
// statement, which on the pool is its own transaction, and only while
// what the mint read still holds: the session live at version, the
// partner live. Otherwise it writes nothing and returns false, and the
// mint reads again.
func MintShareToken(ctx context.Context, q Queryer, t ShareToken, version int64, event domain.AuditEvent) (bool, error) {
	args := []any{t.ApplicationID, t.ID, t.SessionID, t.SessionKind, t.ForApplicationID, t.MintedBy, t.KeyID, t.CreatedAt, t.ExpiresAt, t.MintLeaf, version}
	values, more := auditValues([]domain.AuditEvent{event}, len(args))
	res, err := q.ExecContext(ctx, Keyed+`WITH token AS (
			INSERT INTO share_tokens (`+tokenCols+`)
			SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::timestamptz, $9::timestamptz, $10::bytea
			FROM sessions s WHERE s.application_id = $1 AND s.session_id = $3 AND s.deleted_at IS NULL AND s.version = $11
				AND EXISTS (SELECT 1 FROM applications WHERE application_id = $5 AND deleted_at IS NULL)
			RETURNING 1)
		`+pendingInsert+`SELECT v.* FROM (VALUES `+values+`) AS v WHERE EXISTS (SELECT 1 FROM token)`, append(args, more...)...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, mapErr(err)
	}
	audited(q, []domain.AuditEvent{event})
	return true, nil
}

// GetShareToken loads the record of a token minted by app.
func GetShareToken(ctx context.Context, q Queryer, app, id uuid.UUID) (ShareToken, error) {
	var t ShareToken
	err := q.GetContext(ctx, &t, `SELECT `+tokenRead+` FROM share_tokens WHERE application_id = $1 AND token_id = $2`, app, id)
	return t, notFound(err, "share token not found")
}

// LockShareToken loads the record of a token minted by app and locks it
// until the transaction ends: an import holding it (ImportSource) finishes
// before a revocation decides, and the other way round.
func LockShareToken(ctx context.Context, q Queryer, app, id uuid.UUID) (ShareToken, error) {
	var t ShareToken
	err := q.GetContext(ctx, &t, `SELECT `+tokenRead+` FROM share_tokens WHERE application_id = $1 AND token_id = $2 FOR UPDATE`, app, id)
	return t, notFound(err, "Share token not found.")
}

// RevokeShareToken marks a token revoked.
func RevokeShareToken(ctx context.Context, q Queryer, app, id uuid.UUID, by string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE share_tokens SET revoked_at = $3, revoked_by = $4
		WHERE application_id = $1 AND token_id = $2`, app, id, at, by)
	return affected(res, err, "Share token not found.")
}

// ImportedAt is when importer redeemed the token, or nil.
func ImportedAt(ctx context.Context, q Queryer, importer, token uuid.UUID) (*time.Time, error) {
	var at []time.Time
	err := q.SelectContext(ctx, &at, `SELECT created_at FROM imports WHERE application_id = $1 AND token_id = $2`, importer, token)
	if err != nil || len(at) == 0 {
		return nil, mapErr(err)
	}
	return &at[0], nil
}

// TokenListing is a minted token with its partner's name and whether the
// partner imported it.
type TokenListing struct {
	ShareToken
	PartnerName   string     `db:"partner_name"`
	SessionNumber int64      `db:"session_number"`
	ImportedAt    *time.Time `db:"imported_at"`
}

// TokenFilter narrows ListShareTokens: all of app's tokens, one session's,
// or one token.
type TokenFilter struct {
	Session *uuid.UUID
	Token   *uuid.UUID
	Limit   int
}

// ListShareTokens lists tokens minted by app, newest first; tokens minted
// in the same instant by the session number, newest first (without it
// their order would depend on the plan).
func ListShareTokens(ctx context.Context, q Queryer, app uuid.UUID, f TokenFilter) ([]TokenListing, error) {
	var rows []TokenListing
	err := q.SelectContext(ctx, &rows, `SELECT t.application_id, t.token_id, t.session_id, t.session_kind, t.for_application_id,
			t.minted_by, t.kid, t.created_at, t.expires_at, t.mint_leaf, t.revoked_at, t.revoked_by, a.name AS partner_name,
			coalesce(s.session_number, 0) AS session_number, i.created_at AS imported_at
		FROM share_tokens t
		JOIN applications a ON a.application_id = t.for_application_id
		LEFT JOIN sessions s ON s.application_id = t.application_id AND s.session_id = t.session_id
		LEFT JOIN imports i ON i.application_id = t.for_application_id AND i.token_id = t.token_id
		WHERE t.application_id = $1 AND ($3::uuid IS NULL OR t.session_id = $3) AND ($4::uuid IS NULL OR t.token_id = $4)
		ORDER BY t.created_at DESC, s.session_number DESC NULLS LAST LIMIT $2`, app, f.Limit, f.Session, f.Token)
	return rows, mapErr(err)
}

// Import links a session created by an import to its source.
type Import struct {
	ApplicationID       uuid.UUID `db:"application_id"`
	TokenID             uuid.UUID `db:"token_id"`
	SessionID           uuid.UUID `db:"session_id"`
	SourceApplicationID uuid.UUID `db:"source_application_id"`
	SourceSessionID     uuid.UUID `db:"source_session_id"`
	ImportedBy          string    `db:"imported_by"`
	CreatedAt           time.Time `db:"created_at"`
	// Provenance: the issuer's mint event leaf hash, and the issuer's
	// latest signed checkpoint when the import ran.
	SourceMintLeaf   []byte  `db:"source_mint_leaf"`
	SourceCheckpoint *string `db:"source_checkpoint"`
	// The direct source as the chain shows it, recorded by RedeemToken
	// (ImportChain reads them; ImportOf does not).
	SourceApplicationName string `db:"-"`
	SourceSessionNumber   int64  `db:"-"`
}

const importCols = `application_id, token_id, session_id, source_application_id, source_session_id, imported_by, created_at,
	source_mint_leaf, source_checkpoint`

// RedeemToken records that app redeemed a token (its import). It returns
// false when the token was already redeemed by app: the primary key
// decides, so of two racing transactions exactly one redeems it (the other
// waits for the first to commit or roll back).
func RedeemToken(ctx context.Context, q Queryer, imp Import) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO imports (`+importCols+`, source_application_name, source_session_number)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (application_id, token_id) DO NOTHING`,
		imp.ApplicationID, imp.TokenID, imp.SessionID, imp.SourceApplicationID, imp.SourceSessionID, imp.ImportedBy, imp.CreatedAt,
		imp.SourceMintLeaf, imp.SourceCheckpoint, imp.SourceApplicationName, imp.SourceSessionNumber)
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ImportOf returns the import that created session id in app.
func ImportOf(ctx context.Context, q Queryer, app, session uuid.UUID) (Import, error) {
	var imp Import
	err := q.GetContext(ctx, &imp, `SELECT `+importCols+` FROM imports WHERE application_id = $1 AND session_id = $2`, app, session)
	return imp, notFound(err, "import not found")
}

// Source is a token's stored record with the live session it was minted
// for, when that session (and its application) still exist, and the
// issuer's latest signed checkpoint.
type Source struct {
	Token   ShareToken
	Session *domain.Session // without its payload, which is Payload
	Payload Payload         // sealed: the importer opens and re-seals it
	// ApplicationName is the session's application's name (the import
	// records it in the clone's chain).
	ApplicationName string
	Checkpoint      *string
	// WorkflowKind is the kind of the importer's workflow the import
	// names; nil when the importer has no such workflow.
	WorkflowKind *domain.Kind
	// HasMedia says the session has evidence files to copy (a statement
	// saved on an import of one without).
	HasMedia bool
}

// ImportSource loads, in one round trip, the record of a token minted by
// app, the live session it names, the issuer's latest checkpoint and the
// kind of the importer's workflow, and holds the record (FOR SHARE) so
// that a revocation waits for this import to end. Not found when there is
// no such record; Session is nil when the session is gone.
func ImportSource(ctx context.Context, q Queryer, app, token, importer uuid.UUID, workflowID string) (Source, error) {
	var r struct {
		ShareToken
		SessionApp *uuid.UUID `db:"s_application_id"`
		AppName    *string    `db:"s_application_name"`
		Number     *int64     `db:"s_session_number"`
		Kind       *string    `db:"s_session_kind"`
		Status     *string    `db:"s_status"`
		WorkflowID *string    `db:"s_workflow_id"`
		VendorData *string    `db:"s_vendor_data"`
		SharedFrom *uuid.UUID `db:"s_shared_from_session"`
		CreatedAt  *time.Time `db:"s_created_at"`
		ExpiresAt  *time.Time `db:"s_expires_at"`
		Checkpoint *string    `db:"checkpoint"`
		Generation *int       `db:"s_key_generation"`
		Sealed     []byte     `db:"s_sealed"`
		Biometrics []byte     `db:"s_biometrics"`
		Plain      []byte     `db:"s_checks"`
		Workflow   *string    `db:"importer_workflow_kind"`
		HasMedia   bool       `db:"has_media"`
	}
	err := q.GetContext(ctx, &r, `SELECT t.application_id, t.token_id, t.session_id, t.session_kind, t.for_application_id,
			t.minted_by, t.kid, t.created_at, t.expires_at, t.mint_leaf, t.revoked_at, t.revoked_by,
			s.application_id AS s_application_id, a.name AS s_application_name, s.session_number AS s_session_number, s.session_kind AS s_session_kind,
			s.status AS s_status, s.workflow_id AS s_workflow_id, s.vendor_data AS s_vendor_data,
			s.shared_from_session AS s_shared_from_session, s.created_at AS s_created_at, s.expires_at AS s_expires_at,
			s.key_generation AS s_key_generation, s.sealed AS s_sealed, s.biometrics AS s_biometrics, s.checks AS s_checks,
			(SELECT c.note FROM audit_checkpoints c WHERE c.application_id = t.application_id ORDER BY c.tree_size DESC LIMIT 1) AS checkpoint,
			(SELECT w.kind FROM workflows w WHERE w.application_id = $3 AND w.workflow_id = $4) AS importer_workflow_kind,
			EXISTS (SELECT 1 FROM session_media m WHERE m.application_id = t.application_id AND m.session_id = t.session_id) AS has_media
		FROM share_tokens t
		LEFT JOIN (sessions s JOIN applications a ON a.application_id = s.application_id AND a.deleted_at IS NULL)
			ON s.application_id = t.application_id AND s.session_id = t.session_id AND s.deleted_at IS NULL
		WHERE t.application_id = $1 AND t.token_id = $2
		FOR SHARE OF t`, app, token, importer, workflowID)
	if err != nil {
		return Source{}, notFound(err, "Share token not found.")
	}
	src := Source{Token: r.ShareToken, Checkpoint: r.Checkpoint, HasMedia: r.HasMedia}
	if r.Workflow != nil {
		k := domain.Kind(*r.Workflow)
		src.WorkflowKind = &k
	}
	if r.SessionApp != nil {
		src.ApplicationName = *r.AppName
		src.Session = &domain.Session{ApplicationID: *r.SessionApp, ID: r.SessionID, Number: *r.Number,
			Kind: domain.Kind(*r.Kind), Status: domain.Status(*r.Status), WorkflowID: *r.WorkflowID,
			VendorData: *r.VendorData, SharedFromSession: r.SharedFrom, CreatedAt: *r.CreatedAt, ExpiresAt: r.ExpiresAt}
		src.Payload = Payload{Checks: r.Sealed, Biometrics: r.Biometrics, Plain: r.Plain}
		if r.Generation != nil {
			src.Payload.Generation = *r.Generation
		}
	}
	return src, nil
}
