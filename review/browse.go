package review

import (
	"context"

	"handoff/domain"
	"handoff/store"
)

// The listings below are what the workstation shows. Each requires the
// caller to be able to read the application's sessions.

// SessionQuery pages the finished sessions of the caller's application,
// newest first: Before is the session number of the last row already
// shown (0 for the first page).
type SessionQuery struct {
	Search string       // vendor_data substring or session id prefix
	Phase  domain.Phase // 0 for any finished status
	Kind   domain.Kind  // "" for both
	Before int64
	Limit  int
}

// FinishedSessions returns one page, without payloads.
func (s *Service) FinishedSessions(ctx context.Context, caller domain.Caller, q SessionQuery) ([]domain.Session, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	return store.ListFinished(ctx, s.db, caller.ApplicationID, store.SessionPage{
		SessionFilter: store.SessionFilter{Search: q.Search, Phase: q.Phase, Kind: q.Kind}, Before: q.Before, Limit: q.Limit})
}

// Queue returns the imported sessions waiting In Review, oldest first.
func (s *Service) Queue(ctx context.Context, caller domain.Caller, limit int) ([]domain.Session, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	return store.ListQueue(ctx, s.db, caller.ApplicationID, limit)
}

// Partners lists the applications the caller may share with: every live
// application but its own.
func (s *Service) Partners(ctx context.Context, caller domain.Caller) ([]domain.Application, error) {
	apps, err := store.ListApplications(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := apps[:0]
	for _, a := range apps {
		if a.ID != caller.ApplicationID {
			out = append(out, a)
		}
	}
	return out, nil
}
