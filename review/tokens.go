package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// TokenState is where a minted token stands.
type TokenState string

const (
	TokenActive   TokenState = "active"
	TokenExpired  TokenState = "expired"
	TokenImported TokenState = "imported"
	TokenRevoked  TokenState = "revoked"
)

// TokenInfo is one token minted by the caller's application.
type TokenInfo struct {
	TokenID       uuid.UUID
	SessionID     uuid.UUID
	SessionNumber int64
	SessionKind   domain.Kind
	Partner       string
	PartnerID     uuid.UUID
	MintedBy      string
	MintedAt      time.Time
	ExpiresAt     time.Time
	ImportedAt    *time.Time
	RevokedAt     *time.Time
	RevokedBy     string
	State         TokenState
}

// Tokens lists the tokens the caller's application minted, newest first.
func (s *Service) Tokens(ctx context.Context, caller domain.Caller, limit int) ([]TokenInfo, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	return s.listTokens(ctx, s.db, caller.ApplicationID, store.TokenFilter{Limit: limit})
}

// SessionTokens lists the tokens minted for one of the caller's sessions,
// newest first. Another application's session is not found.
func (s *Service) SessionTokens(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) ([]TokenInfo, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return nil, err
	}
	return s.listTokens(ctx, s.db, caller.ApplicationID, store.TokenFilter{Session: &sessionID, Limit: 1000})
}

// Token returns one token minted by the caller's application.
func (s *Service) Token(ctx context.Context, caller domain.Caller, tokenID uuid.UUID) (TokenInfo, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return TokenInfo{}, err
	}
	list, err := s.listTokens(ctx, s.db, caller.ApplicationID, store.TokenFilter{Token: &tokenID, Limit: 1})
	if err != nil {
		return TokenInfo{}, err
	}
	if len(list) == 0 {
		return TokenInfo{}, domain.NotFoundf("Share token not found.")
	}
	return list[0], nil
}

func (s *Service) listTokens(ctx context.Context, q store.Queryer, app uuid.UUID, f store.TokenFilter) ([]TokenInfo, error) {
	rows, err := store.ListShareTokens(ctx, q, app, f)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]TokenInfo, len(rows))
	for i, r := range rows {
		state := TokenActive
		switch {
		case r.ImportedAt != nil:
			state = TokenImported
		case r.RevokedAt != nil:
			state = TokenRevoked
		case !now.Before(r.ExpiresAt):
			state = TokenExpired
		}
		out[i] = TokenInfo{TokenID: r.ID, SessionID: r.SessionID, SessionNumber: r.SessionNumber,
			SessionKind: domain.Kind(r.SessionKind), Partner: r.PartnerName, PartnerID: r.ForApplicationID,
			MintedBy: r.MintedBy, MintedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, ImportedAt: r.ImportedAt,
			RevokedAt: r.RevokedAt, State: state}
		if r.RevokedBy != nil {
			out[i].RevokedBy = *r.RevokedBy
		}
	}
	return out, nil
}

// RevokeToken revokes a token minted for one of the caller's sessions
// before its partner imports it: from then on the import is refused with
// 401. Revoking a revoked token changes nothing; an imported one cannot be
// revoked. The token's record is locked first, so a revocation and an
// import racing for it end one way only.
func (s *Service) RevokeToken(ctx context.Context, caller domain.Caller, sessionID, tokenID uuid.UUID) (TokenInfo, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return TokenInfo{}, err
	}
	var out TokenInfo
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := store.GetSession(ctx, tx, caller.ApplicationID, sessionID, false); err != nil {
			return err
		}
		tok, err := store.LockShareToken(ctx, tx, caller.ApplicationID, tokenID)
		if err != nil {
			return err
		}
		if tok.SessionID != sessionID {
			return domain.NotFoundf("Share token not found.")
		}
		if tok.RevokedAt == nil {
			// A statement after the lock: it sees an import that committed
			// while this transaction waited for the lock.
			imported, err := store.ImportedAt(ctx, tx, tok.ForApplicationID, tokenID)
			if err != nil {
				return err
			}
			if imported != nil {
				return domain.Conflictf("This share token was already imported; it can no longer be revoked.")
			}
			now := s.now().UTC().Truncate(time.Microsecond)
			if err := store.RevokeShareToken(ctx, tx, caller.ApplicationID, tokenID, caller.Actor(), now); err != nil {
				return err
			}
			if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeTokenRevoked, Session: &sessionID, By: caller.Actor()}); err != nil {
				return err
			}
			if err := store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
				Action: domain.ActionTokenRevoked, SessionID: &sessionID, Details: mustJSON(map[string]any{
					"token_id": tokenID, "for_application_id": tok.ForApplicationID, "expires_at": tok.ExpiresAt})}); err != nil {
				return err
			}
		}
		list, err := s.listTokens(ctx, tx, caller.ApplicationID, store.TokenFilter{Token: &tokenID, Limit: 1})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return domain.NotFoundf("Share token not found.")
		}
		out = list[0]
		return nil
	})
	return out, err
}

// PeekToken reads a pasted share token's kind without redeeming it, so the
// workstation can offer workflows of the right kind. It verifies the token
// as Import would, against its stored record too.
func (s *Service) PeekToken(ctx context.Context, caller domain.Caller, raw string) (domain.Kind, error) {
	claims, err := domain.ParseShareToken(raw, s.keys.lookup(ctx), s.now())
	if err != nil {
		return "", err
	}
	if claims.ForApplicationID != caller.ApplicationID {
		return "", domain.Forbiddenf("This share token was not issued for your application.")
	}
	tokenID, _ := claims.TokenID()
	rec, err := store.GetShareToken(ctx, s.db, claims.FromApplicationID, tokenID)
	if domain.IsCode(err, domain.CodeNotFound) {
		return "", domain.Unauthorizedf("Share token is invalid: it was not issued by this service.")
	} else if err != nil {
		return "", err
	}
	if err := claims.CheckRecord(rec.Record(), s.now()); err != nil {
		return "", err
	}
	return claims.SessionKind, nil
}
