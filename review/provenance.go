package review

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Provenance is domain.Provenance: where an imported session came from.
type Provenance = domain.Provenance

// Provenance traces an imported session of the caller's application back
// to its origin. Not found for sessions that were not imported.
func (s *Service) Provenance(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) (Provenance, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return Provenance{}, err
	}
	imp, err := store.ImportOf(ctx, s.db, caller.ApplicationID, sessionID)
	if err != nil {
		return Provenance{}, err
	}
	p := Provenance{SourceSessionID: imp.SourceSessionID, SourceApplicationID: imp.SourceApplicationID,
		TokenID: imp.TokenID, ImportedBy: imp.ImportedBy, ImportedAt: imp.CreatedAt, MintLeaf: imp.SourceMintLeaf}
	if imp.SourceCheckpoint != nil {
		p.IssuerCheckpoint = *imp.SourceCheckpoint
	}
	if p.Chain, err = store.ImportChain(ctx, s.db, caller.ApplicationID, sessionID); err != nil {
		return Provenance{}, err
	}
	p.OwnOrigin = p.Chain.OriginIn(caller.ApplicationID)
	if n := len(p.Chain); n > 0 {
		p.SourceApplication = p.Chain[n-1].Application
	}
	if tok, err := store.GetShareToken(ctx, s.db, imp.SourceApplicationID, imp.TokenID); err == nil {
		p.MintedBy, p.MintedAt = tok.MintedBy, tok.CreatedAt
	}
	return p, nil
}

// recordUpstream keeps, for the clone of a clone, the chain its source
// descends from (read from the source's own import), and returns the
// origin of the clone's chain. A direct clone of an original writes
// nothing: its imports row is its whole chain.
func recordUpstream(ctx context.Context, tx *store.Tx, src domain.Session, tokenID, app, clone uuid.UUID) (domain.Hop, error) {
	direct := domain.Hop{ApplicationID: src.ApplicationID, SessionID: src.ID, Number: src.Number, TokenID: tokenID}
	if src.SharedFromSession == nil {
		return direct, nil
	}
	up, err := store.ImportChain(ctx, tx, src.ApplicationID, src.ID)
	if err != nil || len(up) == 0 {
		return direct, err
	}
	return up.Origin(), store.RecordUpstream(ctx, tx, app, clone, up)
}
