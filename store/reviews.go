package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

type reviewRow struct {
	ApplicationID  uuid.UUID `db:"application_id"`
	ID             uuid.UUID `db:"id"`
	SessionID      uuid.UUID `db:"session_id"`
	Activity       string    `db:"activity_type"`
	Actor          string    `db:"actor"`
	ActorType      string    `db:"actor_type"`
	ActorDisplay   string    `db:"actor_display"`
	NewStatus      *string   `db:"new_status"`
	PreviousStatus *string   `db:"previous_status"`
	Comment        string    `db:"comment"`
	Reason         *string   `db:"reason_code"`
	Metadata       *string   `db:"metadata"`
	CreatedAt      time.Time `db:"created_at"`
}

func (r reviewRow) domain() domain.Review {
	v := domain.Review{ApplicationID: r.ApplicationID, ID: r.ID, SessionID: r.SessionID, Activity: domain.Activity(r.Activity),
		Actor: r.Actor, ActorType: domain.ActorType(r.ActorType), ActorDisplay: r.ActorDisplay, Comment: r.Comment,
		CreatedAt: r.CreatedAt.UTC()}
	if r.NewStatus != nil {
		s := domain.Status(*r.NewStatus)
		v.NewStatus = &s
	}
	if r.PreviousStatus != nil {
		s := domain.Status(*r.PreviousStatus)
		v.PreviousStatus = &s
	}
	if r.Reason != nil {
		v.Reason = domain.ReasonCode(*r.Reason)
	}
	if r.Metadata != nil {
		v.Metadata = json.RawMessage(*r.Metadata)
	}
	return v
}

const reviewCols = `application_id, id, session_id, activity_type, actor, actor_type, actor_display, new_status,
	previous_status, comment, reason_code, metadata::text AS metadata, created_at`

// InsertReview adds r to its session's feed.
func InsertReview(ctx context.Context, q Queryer, r domain.Review) error {
	str := func(s *domain.Status) sql.NullString {
		if s == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: string(*s), Valid: true}
	}
	meta := sql.NullString{String: string(r.Metadata), Valid: len(r.Metadata) > 0}
	_, err := q.ExecContext(ctx, `INSERT INTO reviews (application_id, id, session_id, activity_type, actor, actor_type,
		actor_display, new_status, previous_status, comment, reason_code, metadata, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)`,
		r.ApplicationID, r.ID, r.SessionID, r.Activity, r.Actor, r.ActorType, r.ActorDisplay, str(r.NewStatus),
		str(r.PreviousStatus), r.Comment, sql.NullString{String: string(r.Reason), Valid: r.Reason != ""}, meta, r.CreatedAt)
	return mapErr(err)
}

// ListReviews returns a session's reviews, oldest first.
func ListReviews(ctx context.Context, q Queryer, app, session uuid.UUID) ([]domain.Review, error) {
	var rows []reviewRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+reviewCols+` FROM reviews
		WHERE application_id = $1 AND session_id = $2 ORDER BY seq`, app, session); err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Review, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// LastDecision returns the newest review that set a session's status (a
// decision, or a confirmed proposal); not found when none did.
func LastDecision(ctx context.Context, q Queryer, app, session uuid.UUID) (domain.Review, error) {
	var r reviewRow
	err := q.GetContext(ctx, &r, `SELECT `+reviewCols+` FROM reviews
		WHERE application_id = $1 AND session_id = $2 AND activity_type IN ($3, $4)
		ORDER BY seq DESC LIMIT 1`, app, session, domain.ActivityStatusUpdated, domain.ActivityProposalApproved)
	if err != nil {
		return domain.Review{}, notFound(err, "no decision")
	}
	return r.domain(), nil
}
