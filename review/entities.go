package review

import (
	"context"

	"handoff/domain"
	"handoff/store"
)

// EntityList is one page of GET /v3/users/ or /v3/businesses/.
type EntityList struct {
	Count          int64
	Entities       []domain.Entity
	Next, Previous *domain.Page
}

// Entities pages the caller's users or businesses, newest first.
func (s *Service) Entities(ctx context.Context, caller domain.Caller, f domain.EntityFilter, p domain.Page) (EntityList, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return EntityList{}, err
	}
	if err := p.Validate(); err != nil {
		return EntityList{}, err
	}
	rows, err := store.ListEntities(ctx, s.db, caller.ApplicationID, f, p.Offset, p.Limit)
	if err != nil {
		return EntityList{}, err
	}
	var out EntityList
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		out.Next = &domain.Page{Limit: p.Limit, Offset: p.Offset + p.Limit}
	}
	if p.Offset > 0 {
		out.Previous = &domain.Page{Limit: p.Limit, Offset: max(p.Offset-p.Limit, 0)}
	}
	out.Entities = rows
	n, err := store.CountEntities(ctx, s.db, caller.ApplicationID, f, domain.CountCap)
	out.Count = min(n, domain.CountCap)
	return out, err
}

// EntityDetail is one user or business with its latest sessions and the
// last decision on them.
type EntityDetail struct {
	domain.Entity
	Sessions     []domain.Session // newest first, at most 100
	LastDecision *domain.Session  // the newest finished session
}

// Entity returns one of the caller's users or businesses by vendor_data.
func (s *Service) Entity(ctx context.Context, caller domain.Caller, kind domain.Kind, vendorData string) (EntityDetail, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return EntityDetail{}, err
	}
	e, err := store.GetEntity(ctx, s.db, caller.ApplicationID, kind, vendorData)
	if err != nil {
		return EntityDetail{}, err
	}
	sessions, err := store.EntitySessions(ctx, s.db, caller.ApplicationID, kind, vendorData, 100)
	if err != nil {
		return EntityDetail{}, err
	}
	d := EntityDetail{Entity: e, Sessions: sessions}
	for i := range sessions {
		if sessions[i].Status.Finished() {
			d.LastDecision = &sessions[i]
			break
		}
	}
	return d, nil
}

// SetEntityStatus moves a user or business between ACTIVE, FLAGGED and
// BLOCKED, with the reason in the audit trail. A BLOCKED entity's next
// import lands In Review.
func (s *Service) SetEntityStatus(ctx context.Context, caller domain.Caller, kind domain.Kind, vendorData, status, reason string) (EntityDetail, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return EntityDetail{}, err
	}
	st, err := domain.ParseEntityStatus(status)
	if err != nil {
		return EntityDetail{}, err
	}
	if len(reason) > 2000 {
		return EntityDetail{}, domain.FieldError("reason", "Ensure this field has no more than 2000 characters.")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		prev, err := store.EntityStatusForUpdate(ctx, tx, caller.ApplicationID, kind, vendorData)
		if err != nil || prev == st {
			return err
		}
		now := s.now()
		if err := store.SetEntityStatus(ctx, tx, caller.ApplicationID, kind, vendorData, st, now); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
			Action: domain.ActionEntityStatusChanged, Details: mustJSON(map[string]any{"kind": kind, "vendor_data": vendorData,
				"previous_status": prev, "status": st, "reason": reason})})
	})
	if err != nil {
		return EntityDetail{}, err
	}
	return s.Entity(ctx, caller, kind, vendorData)
}
