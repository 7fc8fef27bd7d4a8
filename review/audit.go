package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// ChainReport is the result of verifying one application's audit chain.
type ChainReport struct {
	Checked int64
	Break   *domain.ChainBreak // nil when the chain holds
}

// VerifyAudit recomputes the hash chain of the caller's application.
func (s *Service) VerifyAudit(ctx context.Context, caller domain.Caller) (ChainReport, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return ChainReport{}, err
	}
	brk, n, err := store.VerifyAudit(ctx, s.db, caller.ApplicationID)
	return ChainReport{Checked: n, Break: brk}, err
}

// AuditQuery narrows an audit listing.
type AuditQuery struct {
	SessionID *uuid.UUID
	Search    string // action or actor substring
	BeforeSeq int64  // keyset cursor; 0 for the newest
	Limit     int
}

// Audit lists the events of the caller's application, newest first.
func (s *Service) Audit(ctx context.Context, caller domain.Caller, q AuditQuery) ([]domain.AuditEvent, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return store.ListAudit(ctx, s.db, caller.ApplicationID, store.AuditFilter{SessionID: q.SessionID, Search: q.Search,
		BeforeSeq: q.BeforeSeq, Limit: q.Limit})
}
