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

// VerifyAudit recomputes app's hash chain.
func (s *Service) VerifyAudit(ctx context.Context, app uuid.UUID) (ChainReport, error) {
	brk, n, err := store.VerifyAudit(ctx, s.db, app)
	return ChainReport{Checked: n, Break: brk}, err
}

// AuditQuery narrows an audit listing.
type AuditQuery = store.AuditFilter

// Audit lists app's events, newest first.
func (s *Service) Audit(ctx context.Context, app uuid.UUID, q AuditQuery) ([]domain.AuditEvent, error) {
	return store.ListAudit(ctx, s.db, app, q)
}
