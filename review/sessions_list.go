package review

import (
	"context"

	"handoff/domain"
	"handoff/store"
)

// SessionList is one page of GET /v3/sessions/: the sessions (newest
// first, with payloads), the bounded count of all matches, and where the
// neighbouring pages start.
type SessionList struct {
	Count    int64
	Sessions []domain.Session
	Next     *domain.Page // nil on the last page
	Previous *domain.Page // nil on the first page
}

// ListSessions pages the caller's sessions matching f. Next pages are
// placed by keyset (the last session number shown) and previous pages by
// the first one shown, so following the links is stable while sessions are
// added and costs the same on every page; offset alone is honoured for a
// hand-made first request.
func (s *Service) ListSessions(ctx context.Context, caller domain.Caller, f domain.SessionListFilter, p domain.Page) (SessionList, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return SessionList{}, err
	}
	if err := p.Validate(); err != nil {
		return SessionList{}, err
	}
	sealed, err := store.ListSessions(ctx, s.db, caller.ApplicationID, f, p)
	if err != nil {
		return SessionList{}, err
	}
	rows := make([]domain.Session, len(sealed))
	for i := range sealed {
		if rows[i], err = s.data.openSession(ctx, sealed[i]); err != nil {
			return SessionList{}, err
		}
	}
	out := SessionList{}
	more := len(rows) > p.Limit
	if more && p.After > 0 {
		rows = rows[len(rows)-p.Limit:] // the extra row is the newest one
	} else if more {
		rows = rows[:p.Limit]
	}
	out.Sessions = rows
	prevOffset := max(p.Offset-p.Limit, 0)
	switch {
	case len(rows) == 0:
		if p.Offset > 0 {
			out.Previous = &domain.Page{Limit: p.Limit, Offset: prevOffset}
		}
	case p.After > 0:
		if more {
			out.Previous = &domain.Page{Limit: p.Limit, Offset: prevOffset, After: rows[0].Number}
		}
		below, err := store.AnyBelow(ctx, s.db, caller.ApplicationID, f, rows[len(rows)-1].Number)
		if err != nil {
			return SessionList{}, err
		}
		more = below
	default:
		if p.Offset > 0 || p.Before > 0 {
			out.Previous = &domain.Page{Limit: p.Limit, Offset: prevOffset, After: rows[0].Number}
		}
	}
	if more {
		out.Next = &domain.Page{Limit: p.Limit, Offset: p.Offset + p.Limit, Before: rows[len(rows)-1].Number}
	}
	n, err := store.CountSessions(ctx, s.db, caller.ApplicationID, f, domain.CountCap)
	if err != nil {
		return SessionList{}, err
	}
	out.Count = min(n, domain.CountCap)
	return out, nil
}

// CallerWorkflows lists the caller's application's workflows, so an
// importer can find its workflow_id.
func (s *Service) CallerWorkflows(ctx context.Context, caller domain.Caller) ([]domain.Workflow, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return store.ListWorkflows(ctx, s.db, caller.ApplicationID)
}
