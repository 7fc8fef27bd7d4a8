package review

import (
	"context"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Minted is a freshly minted share token.
type Minted struct {
	Token            string
	TokenID          uuid.UUID
	ForApplicationID uuid.UUID
	SessionKind      domain.Kind
	ExpiresAt        time.Time
}

// Share mints a share token for one of the caller's finished sessions, for
// exactly one other application, living ttl seconds.
func (s *Service) Share(ctx context.Context, caller domain.Caller, sessionID, forApp uuid.UUID, ttl int) (_ Minted, rerr error) {
	defer func() { s.observe(OpMint, rerr) }()
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return Minted{}, err
	}
	// The key is loaded before the transaction: a stale cache reads the
	// database, and inside it that would need a second connection.
	key, err := s.keys.signing(ctx)
	if err != nil {
		return Minted{}, err
	}
	var out Minted
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		sess, err := store.GetSession(ctx, tx, caller.ApplicationID, sessionID, false)
		if err != nil {
			return err
		}
		if forApp == caller.ApplicationID {
			return domain.FieldError("for_application_id", "must be another application than your own")
		}
		if _, err := store.GetApplication(ctx, tx, forApp); domain.IsCode(err, domain.CodeNotFound) {
			return domain.FieldError("for_application_id", "no application with id %s", forApp)
		} else if err != nil {
			return err
		}
		if err := domain.CheckShareable(sess); err != nil {
			return err
		}
		if err := domain.ValidateTTL(ttl); err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Second)
		tokenID := uuid.New()
		claims := domain.ShareClaims{
			SessionID: sess.ID, SessionKind: sess.Kind,
			FromApplicationID: caller.ApplicationID, ForApplicationID: forApp,
			RegisteredClaims: jwt.RegisteredClaims{ID: tokenID.String(),
				IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Duration(ttl) * time.Second))},
		}
		token, err := domain.SignShareToken(claims, key)
		if err != nil {
			return err
		}
		out = Minted{Token: token, TokenID: tokenID, ForApplicationID: forApp, SessionKind: sess.Kind, ExpiresAt: claims.ExpiresAt.Time}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeTokenMinted, Session: &sess.ID, By: caller.Actor()}); err != nil {
			return err
		}
		// The token remembers its mint event's leaf hash, known before the
		// event is sealed, so an import can record where to find it.
		minted := domain.AuditEvent{ApplicationID: caller.ApplicationID, At: s.now(), Actor: caller.Actor(), RequestID: caller.RequestID,
			Action: domain.ActionTokenMinted, SessionID: &sess.ID, Details: mustJSON(map[string]any{
				"token_id": tokenID, "for_application_id": forApp, "ttl_in_seconds": ttl,
				"expires_at": out.ExpiresAt, "kid": key.ID})}
		minted.Prepare()
		if err := store.InsertShareToken(ctx, tx, store.ShareToken{ApplicationID: caller.ApplicationID, ID: tokenID,
			SessionID: sess.ID, SessionKind: string(sess.Kind), ForApplicationID: forApp, MintedBy: caller.Actor(),
			KeyID: key.ID, CreatedAt: now, ExpiresAt: out.ExpiresAt, MintLeaf: minted.LeafHash()}, minted); err != nil {
			return err
		}
		return nil
	})
	return out, err
}
