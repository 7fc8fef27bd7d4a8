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
//
// A mint is two statements with no transaction held open between them: it
// reads the session and the partner (store.MintSource), then writes the
// token with its audit event in one statement that applies only while
// both still read the same (store.MintShareToken). When they changed in
// between it reads again; a mint that loses that race mintAttempts times
// takes the slow way, a transaction that holds the session as read.
func (s *Service) Share(ctx context.Context, caller domain.Caller, sessionID, forApp uuid.UUID, ttl int) (_ Minted, rerr error) {
	defer func() { s.observe(OpMint, rerr) }()
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return Minted{}, err
	}
	if forApp == caller.ApplicationID {
		if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
			return Minted{}, err // an unknown session is reported first, as for any other partner
		}
		return Minted{}, domain.FieldError("for_application_id", "must be another application than your own")
	}
	// Loaded before any transaction: a stale cache reads the database,
	// and inside one that would wait for a second connection.
	key, err := s.keys.signing(ctx)
	if err != nil {
		return Minted{}, err
	}
	m := mint{caller: caller, sessionID: sessionID, forApp: forApp, ttl: ttl, key: key}
	var out Minted
	done := false
	for attempt := 0; attempt < mintAttempts && !done; attempt++ {
		if out, done, err = s.mintOnce(ctx, s.db, m, false); err != nil {
			return Minted{}, err
		}
	}
	if !done {
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			out, done, err = s.mintOnce(ctx, tx, m, true)
			if err == nil && !done {
				// The session is held, so it was the partner that went.
				err = domain.FieldError("for_application_id", "no application with id %s", forApp)
			}
			return err
		})
		if err != nil {
			return Minted{}, err
		}
	}
	// On the pool a change is queued, not sent: it cannot fail the mint.
	_ = announce(ctx, s.db, Change{App: caller.ApplicationID, What: ChangeTokenMinted, Session: &sessionID, By: caller.Actor()})
	return out, nil
}

// mintAttempts bounds how often a mint reads again, without a lock,
// because its session or partner changed under it.
const mintAttempts = 3

// mint is what Share was asked.
type mint struct {
	caller    domain.Caller
	sessionID uuid.UUID
	forApp    uuid.UUID
	ttl       int
	key       domain.SigningKey
}

// mintOnce is one attempt of Share on q, holding the session when lock
// (q is then a transaction); done is false when what it read had changed
// by the time it wrote, and it wrote nothing.
func (s *Service) mintOnce(ctx context.Context, q store.Queryer, m mint, lock bool) (_ Minted, done bool, _ error) {
	app := m.caller.ApplicationID
	sess, partnerLive, err := store.MintSource(ctx, q, app, m.sessionID, m.forApp, lock)
	if err != nil {
		return Minted{}, false, err
	}
	if !partnerLive {
		return Minted{}, false, domain.FieldError("for_application_id", "no application with id %s", m.forApp)
	}
	if err := domain.CheckShareable(sess); err != nil {
		return Minted{}, false, err
	}
	if err := domain.ValidateTTL(m.ttl); err != nil {
		return Minted{}, false, err
	}
	now := s.now().UTC().Truncate(time.Second)
	tokenID := uuid.New()
	claims := domain.ShareClaims{
		SessionID: sess.ID, SessionKind: sess.Kind,
		FromApplicationID: app, ForApplicationID: m.forApp,
		RegisteredClaims: jwt.RegisteredClaims{ID: tokenID.String(),
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Duration(m.ttl) * time.Second))},
	}
	token, err := domain.SignShareToken(claims, m.key)
	if err != nil {
		return Minted{}, false, err
	}
	out := Minted{Token: token, TokenID: tokenID, ForApplicationID: m.forApp, SessionKind: sess.Kind, ExpiresAt: claims.ExpiresAt.Time}
	// The token remembers its mint event's leaf hash, known before the
	// event is sealed, so an import can record where to find it.
	minted := domain.AuditEvent{ApplicationID: app, At: s.now(), Actor: m.caller.Actor(), RequestID: m.caller.RequestID,
		Action: domain.ActionTokenMinted, SessionID: &sess.ID, Details: mustJSON(map[string]any{
			"token_id": tokenID, "for_application_id": m.forApp, "ttl_in_seconds": m.ttl,
			"expires_at": out.ExpiresAt, "kid": m.key.ID})}
	minted.Prepare()
	if s.mintRace != nil {
		s.mintRace(lock)
	}
	written, err := store.MintShareToken(ctx, q, store.ShareToken{ApplicationID: app, ID: tokenID,
		SessionID: sess.ID, SessionKind: string(sess.Kind), ForApplicationID: m.forApp, MintedBy: m.caller.Actor(),
		KeyID: m.key.ID, CreatedAt: now, ExpiresAt: out.ExpiresAt, MintLeaf: minted.LeafHash()}, sess.Version, minted)
	if err != nil || !written {
		return Minted{}, false, err
	}
	return out, true, nil
}
