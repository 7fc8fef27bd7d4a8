package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Decision gathers one of the caller's sessions as the decision response
// shows it: the session with its checks, its reviews oldest first, its
// findings (the rules' and the list and duplicate matches, as they are
// now) and, for an imported one, its provenance to the origin. The
// session's link (SessionURL) is the front end's to fill in.
func (s *Service) Decision(ctx context.Context, caller domain.Caller, id uuid.UUID) (domain.DecisionView, error) {
	sess, err := s.Session(ctx, caller, id)
	if err != nil {
		return domain.DecisionView{}, err
	}
	v := domain.DecisionView{Session: sess}
	if v.Reviews, err = store.ListReviews(ctx, s.db, caller.ApplicationID, id); err != nil {
		return v, err
	}
	if v.Findings, err = s.findings(ctx, caller, sess); err != nil {
		return v, err
	}
	if sess.Imported() {
		p, err := s.Provenance(ctx, caller, id)
		if err != nil {
			return v, err
		}
		v.Provenance = &p
	}
	return v, nil
}

// findings are every finding on sess (caseFindings): its entity's status,
// the rules that read its data, and the list and duplicate matches as
// they are now.
func (s *Service) findings(ctx context.Context, caller domain.Caller, sess domain.Session) ([]domain.Finding, error) {
	var st domain.EntityStatus
	if sess.VendorData != "" {
		e, err := store.GetEntity(ctx, s.db, caller.ApplicationID, sess.Kind, sess.VendorData)
		if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
			return nil, err
		}
		st = e.Status
	}
	key, err := s.matcher(ctx, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	m, err := matchLists(ctx, s.db, key, sess)
	if err != nil {
		return nil, err
	}
	return caseFindings(sess, st, m), nil
}
