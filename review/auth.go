package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// An API key is 32 random bytes, so a fast hash (SHA-256) is enough to
// store it: there is nothing to brute-force, and lookup stays one indexed
// read.
const keyPrefix = "hk_"

func newAPIKey() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, hashKey(key), nil
}

func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// callerCache remembers recently authenticated keys for a few seconds, so
// a partner's burst of requests costs one key lookup, not one per request.
// A revoked key stops working everywhere within callerTTL.
type callerCache struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[[32]byte]cachedCaller
}

type cachedCaller struct {
	caller domain.Caller
	at     time.Time
}

const (
	callerTTL      = 5 * time.Second
	callerCacheMax = 10000
)

func newCallerCache(now func() time.Time) *callerCache {
	return &callerCache{now: now, entries: map[[32]byte]cachedCaller{}}
}

func (c *callerCache) get(h [32]byte) (domain.Caller, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if !ok || c.now().Sub(e.at) > callerTTL {
		return domain.Caller{}, false
	}
	return e.caller, true
}

func (c *callerCache) put(h [32]byte, caller domain.Caller) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= callerCacheMax {
		clear(c.entries)
	}
	c.entries[h] = cachedCaller{caller: caller, at: c.now()}
}

func (c *callerCache) forget() {
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

// Authenticate resolves an x-api-key to its caller. Unknown, revoked and
// malformed keys are all "unauthorized", without saying which.
func (s *Service) Authenticate(ctx context.Context, key string) (domain.Caller, error) {
	if key == "" {
		return domain.Caller{}, domain.Unauthorizedf("Authentication credentials were not provided.")
	}
	if len(key) > 200 {
		return domain.Caller{}, domain.Unauthorizedf("Invalid API key.")
	}
	h := sha256.Sum256([]byte(key))
	if c, ok := s.callers.get(h); ok {
		return c, nil
	}
	k, err := store.APIKeyByHash(ctx, s.db, h[:])
	if domain.IsCode(err, domain.CodeNotFound) {
		return domain.Caller{}, domain.Unauthorizedf("Invalid API key.")
	}
	if err != nil {
		return domain.Caller{}, err
	}
	id := k.ID
	c := domain.Caller{ApplicationID: k.ApplicationID, KeyID: &id, Privileges: k.Privs()}
	s.callers.put(h, c)
	return c, nil
}

// Operator is the caller for an operator at the command line (or a tool
// acting for one, such as the demo): every application's administration
// is theirs. actor names them in the audit trail. Use In to act in one
// application.
func Operator(actor string) domain.Caller {
	return domain.Caller{Operator: actor, Privileges: domain.AllPrivileges}
}

// Analyst is the caller for an analyst working in app through the TUI.
func Analyst(app uuid.UUID, name string) domain.Caller {
	return domain.Caller{ApplicationID: app, Analyst: name,
		Privileges: []domain.Privilege{domain.PrivWriteSessions, domain.PrivReadSessions}}
}

// CreateAPIKey makes a new key for app and returns it; only its hash is
// kept, so this is the one time it can be shown.
func (s *Service) CreateAPIKey(ctx context.Context, caller domain.Caller, app uuid.UUID, privs []domain.Privilege) (string, error) {
	if err := caller.RequireOperator(); err != nil {
		return "", err
	}
	actor := caller.Actor()
	var key string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		key, err = s.createKey(ctx, tx, actor, app, privs)
		return err
	})
	return key, err
}

func (s *Service) createKey(ctx context.Context, tx *store.Tx, actor string, app uuid.UUID, privs []domain.Privilege) (string, error) {
	key, hash, err := newAPIKey()
	if err != nil {
		return "", err
	}
	ps := make([]string, len(privs))
	for i, p := range privs {
		ps[i] = string(p)
	}
	id := uuid.New()
	if err := store.CreateAPIKey(ctx, tx, store.APIKey{ApplicationID: app, ID: id, Hash: hash,
		Prefix: key[:len(keyPrefix)+6], Privileges: ps, CreatedAt: s.now()}); err != nil {
		return "", err
	}
	return key, store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: actor, Action: domain.ActionKeyCreated,
		Details: mustJSON(map[string]any{"key_id": id, "key_prefix": key[:len(keyPrefix)+6], "privileges": ps})})
}

// RevokeAPIKey revokes a key of app.
func (s *Service) RevokeAPIKey(ctx context.Context, caller domain.Caller, app, keyID uuid.UUID) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	actor := caller.Actor()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.RevokeAPIKey(ctx, tx, app, keyID, s.now()); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: actor, Action: domain.ActionKeyRevoked,
			Details: mustJSON(map[string]any{"key_id": keyID})})
	})
	if err == nil {
		s.callers.forget()
	}
	return err
}
