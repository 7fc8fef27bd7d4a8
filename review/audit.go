package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/auditlog"
	"handoff/auditverify"
	"handoff/domain"
	"handoff/store"
)

// ChainReport is the result of verifying one application's audit log:
// events and checkpoints checked, pending events, the first break.
type ChainReport = auditlog.Report

// VerifyAudit rebuilds the caller's application's Merkle tree from its
// events and checks every checkpoint (signature, root, consistency with
// the next).
func (s *Service) VerifyAudit(ctx context.Context, caller domain.Caller) (ChainReport, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return ChainReport{}, err
	}
	return s.audit.Verify(ctx, caller.ApplicationID)
}

// AuditQuery narrows an audit listing.
type AuditQuery struct {
	SessionID *uuid.UUID
	Search    string // action or actor substring
	BeforeSeq int64  // keyset cursor; 0 for the newest
	Limit     int
}

// Audit lists the events of the caller's application, newest first (the
// pending ones first).
func (s *Service) Audit(ctx context.Context, caller domain.Caller, q AuditQuery) ([]domain.AuditEvent, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return store.ListAudit(ctx, s.db, caller.ApplicationID, store.AuditFilter{SessionID: q.SessionID, Search: q.Search,
		BeforeSeq: q.BeforeSeq, Limit: q.Limit})
}

// AuditState is where an application's log stands: sealed and pending
// events and the latest checkpoint.
type AuditState = store.AuditState

// AuditState reads where the caller's application's log stands.
func (s *Service) AuditState(ctx context.Context, caller domain.Caller) (AuditState, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return AuditState{}, err
	}
	return store.GetAuditState(ctx, s.db, caller.ApplicationID, s.now().Add(-auditlog.StaleAfter))
}

// AuditCheckpoint returns the caller's application's latest signed
// checkpoint and the deployment's verifier key.
func (s *Service) AuditCheckpoint(ctx context.Context, caller domain.Caller) (store.Checkpoint, string, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return store.Checkpoint{}, "", err
	}
	cp, err := s.audit.Checkpoint(ctx, caller.ApplicationID)
	if err != nil {
		return cp, "", err
	}
	vkey, err := s.audit.VerifierKey(ctx)
	return cp, vkey, err
}

// AuditProof proves that one of the caller's own sealed events (by leaf
// hash) is in its application's tree at tree size (0: the latest
// checkpoint). Another application's leaf is not found.
func (s *Service) AuditProof(ctx context.Context, caller domain.Caller, leaf []byte, treeSize int64) (auditverify.Proof, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return auditverify.Proof{}, err
	}
	return s.audit.InclusionProof(ctx, caller.ApplicationID, leaf, treeSize)
}

// ProveEvent proves the caller's application's sealed event seq against
// its latest checkpoint, for the issuer to hand to a partner (handoff audit
// prove).
func (s *Service) ProveEvent(ctx context.Context, caller domain.Caller, seq int64) (auditverify.Proof, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return auditverify.Proof{}, err
	}
	return s.audit.EventProof(ctx, caller.ApplicationID, seq)
}

// AuditConsistency proves the caller's application's tree at size1 is a
// prefix of the tree at size2.
func (s *Service) AuditConsistency(ctx context.Context, caller domain.Caller, size1, size2 int64) ([][]byte, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return s.audit.ConsistencyProof(ctx, caller.ApplicationID, size1, size2)
}

// SealAudit seals what is pending now, once (tests and tools; serve runs
// RunSequencer).
func (s *Service) SealAudit(ctx context.Context) (int, error) { return s.audit.SealPending(ctx) }

// RunSequencer seals audit events until ctx ends, polling every interval
// when there is nothing to seal.
func (s *Service) RunSequencer(ctx context.Context, interval time.Duration) {
	s.audit.Run(ctx, interval)
}
