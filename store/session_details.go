package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

func nullJSON(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return []byte(raw)
}

// InsertSessionDetails records that a session was created over the API,
// with what it was sent sealed by the review layer (contact and expected
// details are personal data): the sealed value goes in the session's row,
// and session_details keeps only that the session has details.
func InsertSessionDetails(ctx context.Context, q Queryer, app, id uuid.UUID, sealed []byte) error {
	_, err := q.ExecContext(ctx, `WITH s AS (
			UPDATE sessions SET sealed_details = $3 WHERE application_id = $1 AND session_id = $2)
		INSERT INTO session_details (application_id, session_id, session_token) VALUES ($1, $2, '')`, app, id, sealed)
	return mapErr(err)
}

// StoredDetails is a session's details as stored: Sealed, or (rows
// written before details were sealed) Plain.
type StoredDetails struct {
	Sealed []byte
	Plain  *domain.SessionDetails
}

// SessionDetailsOf loads a session's stored details; nil when it was not
// created over the API.
func SessionDetailsOf(ctx context.Context, q Queryer, app, id uuid.UUID) (*StoredDetails, error) {
	var r struct {
		Sealed   []byte  `db:"sealed_details"`
		Token    string  `db:"session_token"`
		Callback *string `db:"callback"`
		Metadata []byte  `db:"metadata"`
		Contact  []byte  `db:"contact_details"`
		Expected []byte  `db:"expected_details"`
	}
	err := q.GetContext(ctx, &r, `SELECT s.sealed_details, d.session_token, d.callback, d.metadata, d.contact_details, d.expected_details
		FROM session_details d JOIN sessions s USING (application_id, session_id)
		WHERE d.application_id = $1 AND d.session_id = $2`, app, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	if r.Sealed != nil {
		return &StoredDetails{Sealed: r.Sealed}, nil
	}
	d := &domain.SessionDetails{SessionToken: r.Token, Metadata: r.Metadata, ContactDetails: r.Contact, ExpectedDetails: r.Expected}
	if r.Callback != nil {
		d.Callback = *r.Callback
	}
	return &StoredDetails{Plain: d}, nil
}

// CompleteSession sets a session's sealed payload and status at once (the
// sandbox's stand-in for a finished capture), and its version, which
// counts the status changes it went through.
func CompleteSession(ctx context.Context, q Queryer, app, id uuid.UUID, status domain.Status, p Payload, version int64, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET status = $3, key_generation = $4, sealed = $5, biometrics = $6,
			checks = NULL, updated_at = $7, version = $8
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id, status, p.Generation, p.Checks, p.Biometrics, at, version)
	return affected(res, err, "Session not found.")
}

// SessionNumbersOf maps session numbers of app to the ids of its live
// sessions that have them (absent numbers are left out).
func SessionNumbersOf(ctx context.Context, q Queryer, app uuid.UUID, numbers []int64) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+sessionCols+` FROM sessions
		WHERE application_id = $1 AND session_number = ANY($2) AND deleted_at IS NULL ORDER BY session_number`, app, pq.Array(numbers))
}

// LiveSessions lists every live session of app (no payloads), oldest first.
func LiveSessions(ctx context.Context, q Queryer, app uuid.UUID) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+sessionCols+` FROM sessions
		WHERE application_id = $1 AND deleted_at IS NULL ORDER BY session_number`, app)
}
