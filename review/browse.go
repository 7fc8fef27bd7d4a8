package review

import (
	"context"
	"time"

	"github.com/google/uuid"

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

// Provenance says where an imported session came from.
type Provenance struct {
	SourceSessionID     uuid.UUID
	SourceApplicationID uuid.UUID
	SourceApplication   string // its name; empty when it has been deleted
	TokenID             uuid.UUID
	MintedBy            string
	MintedAt            time.Time
	ImportedBy          string
	ImportedAt          time.Time
	// The issuer's audit evidence, recorded at import: its mint event's
	// leaf hash and its latest signed checkpoint then (nil, "" when absent).
	MintLeaf         []byte
	IssuerCheckpoint string
}

// Provenance traces an imported session of the caller's application back
// to its source. Not found for sessions that were not imported.
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
	if app, err := store.GetApplication(ctx, s.db, imp.SourceApplicationID); err == nil {
		p.SourceApplication = app.Name
	}
	if tok, err := store.GetShareToken(ctx, s.db, imp.SourceApplicationID, imp.TokenID); err == nil {
		p.MintedBy, p.MintedAt = tok.MintedBy, tok.CreatedAt
	}
	return p, nil
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
