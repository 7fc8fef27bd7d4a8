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

// InsertSessionDetails stores what POST /v3/session/ was sent.
func InsertSessionDetails(ctx context.Context, q Queryer, app, id uuid.UUID, d domain.SessionDetails) error {
	var callback any
	if d.Callback != "" {
		callback = d.Callback
	}
	_, err := q.ExecContext(ctx, `INSERT INTO session_details (application_id, session_id, session_token, callback,
		metadata, contact_details, expected_details) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		app, id, d.SessionToken, callback, nullJSON(d.Metadata), nullJSON(d.ContactDetails), nullJSON(d.ExpectedDetails))
	return mapErr(err)
}

// SessionDetailsOf loads a session's details; nil when it was not created
// over the API.
func SessionDetailsOf(ctx context.Context, q Queryer, app, id uuid.UUID) (*domain.SessionDetails, error) {
	var r struct {
		Token    string  `db:"session_token"`
		Callback *string `db:"callback"`
		Metadata []byte  `db:"metadata"`
		Contact  []byte  `db:"contact_details"`
		Expected []byte  `db:"expected_details"`
	}
	err := q.GetContext(ctx, &r, `SELECT session_token, callback, metadata, contact_details, expected_details
		FROM session_details WHERE application_id = $1 AND session_id = $2`, app, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	d := &domain.SessionDetails{SessionToken: r.Token, Metadata: r.Metadata, ContactDetails: r.Contact, ExpectedDetails: r.Expected}
	if r.Callback != nil {
		d.Callback = *r.Callback
	}
	return d, nil
}

// CompleteSession sets a session's payload and status at once (the
// sandbox's stand-in for a finished capture), and its version, which
// counts the status changes it went through.
func CompleteSession(ctx context.Context, q Queryer, app, id uuid.UUID, status domain.Status, checks domain.Checks, version int64, at time.Time) error {
	raw, err := json.Marshal(checks)
	if err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, `UPDATE sessions SET status = $3, checks = $4, updated_at = $5, version = $6
		WHERE application_id = $1 AND session_id = $2 AND deleted_at IS NULL`, app, id, status, raw, at, version)
	return affected(res, err, "Session not found.")
}

// SessionNumbersOf maps session numbers of app to the ids of its live
// sessions that have them (absent numbers are left out).
func SessionNumbersOf(ctx context.Context, q Queryer, app uuid.UUID, numbers []int64) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+summaryCols+` FROM sessions
		WHERE application_id = $1 AND session_number = ANY($2) AND deleted_at IS NULL ORDER BY session_number`, app, pq.Array(numbers))
}

// LiveSessions lists every live session of app (no payloads), oldest first.
func LiveSessions(ctx context.Context, q Queryer, app uuid.UUID) ([]domain.Session, error) {
	return selectSessions(ctx, q, `SELECT `+summaryCols+` FROM sessions
		WHERE application_id = $1 AND deleted_at IS NULL ORDER BY session_number`, app)
}
