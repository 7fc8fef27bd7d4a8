package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// GetAppSettings loads app's review settings.
func GetAppSettings(ctx context.Context, q Queryer, app uuid.UUID) (domain.AppSettings, error) {
	var r struct {
		FourEyes string `db:"four_eyes"`
		SLA      int64  `db:"review_sla_seconds"`
	}
	err := q.GetContext(ctx, &r, `SELECT four_eyes, review_sla_seconds FROM applications
		WHERE application_id = $1 AND deleted_at IS NULL`, app)
	return domain.AppSettings{FourEyes: domain.FourEyes(r.FourEyes), ReviewSLA: time.Duration(r.SLA) * time.Second},
		notFound(err, "application not found")
}

// SetAppSettings stores app's review settings.
func SetAppSettings(ctx context.Context, q Queryer, app uuid.UUID, s domain.AppSettings) error {
	res, err := q.ExecContext(ctx, `UPDATE applications SET four_eyes = $2, review_sla_seconds = $3
		WHERE application_id = $1 AND deleted_at IS NULL`, app, s.FourEyes, int64(s.ReviewSLA/time.Second))
	return affected(res, err, "application not found")
}

type proposalRow struct {
	SessionID uuid.UUID `db:"session_id"`
	ReviewID  uuid.UUID `db:"review_id"`
	Phase     string    `db:"phase"`
	Reason    *string   `db:"reason_code"`
	Note      string    `db:"note"`
	Proposer  string    `db:"proposer"`
	By        string    `db:"proposer_name"`
	At        time.Time `db:"proposed_at"`
}

func (r proposalRow) domain() domain.Proposal {
	p := domain.Proposal{SessionID: r.SessionID, ReviewID: r.ReviewID, Proposer: r.Proposer, By: r.By, At: r.At.UTC(),
		Decision: domain.Decision{Phase: domain.PhaseApproved, Note: r.Note}}
	if r.Phase == "declined" {
		p.Decision.Phase = domain.PhaseDeclined
	}
	if r.Reason != nil {
		p.Decision.Reason = domain.ReasonCode(*r.Reason)
	}
	return p
}

const proposalCols = `session_id, review_id, phase, reason_code, note, proposer, proposer_name, proposed_at`

// InsertProposal records a decision waiting for a second reviewer; a case
// already awaiting one is a conflict.
func InsertProposal(ctx context.Context, q Queryer, app uuid.UUID, p domain.Proposal) error {
	phase := "approved"
	if p.Decision.Phase == domain.PhaseDeclined {
		phase = "declined"
	}
	var reason *string
	if p.Decision.Reason != "" {
		s := string(p.Decision.Reason)
		reason = &s
	}
	_, err := q.ExecContext(ctx, `INSERT INTO decision_proposals (application_id, `+proposalCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, app, p.SessionID, p.ReviewID, phase, reason, p.Decision.Note,
		p.Proposer, p.By, p.At)
	if err = mapErr(err); domain.IsCode(err, domain.CodeConflict) {
		return domain.Conflictf("This case is already awaiting a second review.")
	}
	return err
}

// ProposalOf returns the decision awaiting a second review on a case; not
// found if none.
func ProposalOf(ctx context.Context, q Queryer, app, session uuid.UUID) (domain.Proposal, error) {
	var r proposalRow
	err := q.GetContext(ctx, &r, `SELECT `+proposalCols+` FROM decision_proposals
		WHERE application_id = $1 AND session_id = $2`, app, session)
	return r.domain(), notFound(err, "This case has no decision awaiting a second review.")
}

// DeleteProposal removes a case's proposal; not found if another
// transaction took it first.
func DeleteProposal(ctx context.Context, q Queryer, app, session uuid.UUID) error {
	res, err := q.ExecContext(ctx, `DELETE FROM decision_proposals WHERE application_id = $1 AND session_id = $2`, app, session)
	return affected(res, err, "This case has no decision awaiting a second review.")
}

// Proposals returns app's open proposals by case, for the queue.
func Proposals(ctx context.Context, q Queryer, app uuid.UUID) (map[uuid.UUID]domain.Proposal, error) {
	var rows []proposalRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+proposalCols+` FROM decision_proposals WHERE application_id = $1`, app); err != nil {
		return nil, mapErr(err)
	}
	out := make(map[uuid.UUID]domain.Proposal, len(rows))
	for _, r := range rows {
		out[r.SessionID] = r.domain()
	}
	return out, nil
}
