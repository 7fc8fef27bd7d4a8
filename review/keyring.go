package review

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// keyring caches the share-token signing keys. They live in the database so
// every handoff process signs and verifies alike; the cache is refreshed
// now and then, and at once (but at most once a second) when a token names
// a key it does not know, which is how a rotation in another process shows.
type keyring struct {
	db      *store.DB
	master  vault.KeySource
	now     func() time.Time
	mu      sync.Mutex
	keys    []domain.SigningKey // newest first
	loaded  time.Time
	missed  time.Time // last reload for an unknown kid
	refresh time.Duration
}

func newKeyring(db *store.DB, master vault.KeySource, now func() time.Time) *keyring {
	return &keyring{db: db, master: master, now: now, refresh: 30 * time.Second}
}

func (k *keyring) load(ctx context.Context) error {
	stored, err := store.SigningKeys(ctx, k.db)
	if err != nil {
		return err
	}
	if len(stored) == 0 {
		key, err := newSigningKey(k.now())
		if err != nil {
			return err
		}
		if err := addSigningKey(ctx, k.db, k.master, key, k.now()); err != nil {
			return err
		}
		if stored, err = store.SigningKeys(ctx, k.db); err != nil {
			return err
		}
	}
	keys := make([]domain.SigningKey, len(stored))
	for i, sk := range stored {
		keys[i] = domain.SigningKey{ID: sk.ID, Secret: sk.Plain}
		if sk.Wrapped != nil {
			if keys[i].Secret, err = k.master.Unwrap(ctx, sk.Wrapped, signingAD(sk.ID)); err != nil {
				return fmt.Errorf("share-token signing key %s: %w", sk.ID, err)
			}
		}
	}
	k.keys, k.loaded = keys, k.now()
	return nil
}

func signingAD(kid string) []byte { return vault.AD("handoff signing key", []byte(kid)) }

// addSigningKey stores a signing key wrapped by the master key: a database
// reader cannot forge share tokens.
func addSigningKey(ctx context.Context, q store.Queryer, master vault.KeySource, key domain.SigningKey, at time.Time) error {
	wrapped, err := master.Wrap(ctx, key.Secret, signingAD(key.ID))
	if err != nil {
		return err
	}
	return store.AddSigningKey(ctx, q, key.ID, wrapped, at)
}

// signing returns the newest key.
func (k *keyring) signing(ctx context.Context) (domain.SigningKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 || k.now().Sub(k.loaded) > k.refresh {
		if err := k.load(ctx); err != nil {
			return domain.SigningKey{}, err
		}
	}
	return k.keys[0], nil
}

// lookup returns the secret of kid for token verification.
func (k *keyring) lookup(ctx context.Context) domain.KeyLookup {
	return func(kid string) ([]byte, error) {
		k.mu.Lock()
		defer k.mu.Unlock()
		if sec := k.find(kid); sec != nil {
			return sec, nil
		}
		if k.now().Sub(k.missed) > time.Second {
			k.missed = k.now()
			if err := k.load(ctx); err != nil {
				return nil, err
			}
			if sec := k.find(kid); sec != nil {
				return sec, nil
			}
		}
		return nil, fmt.Errorf("unknown signing key %q", kid)
	}
}

func (k *keyring) find(kid string) []byte {
	for _, key := range k.keys {
		if key.ID == kid {
			return key.Secret
		}
	}
	return nil
}

func newSigningKey(now time.Time) (domain.SigningKey, error) {
	secret := make([]byte, 32)
	id := make([]byte, 4)
	if _, err := rand.Read(secret); err != nil {
		return domain.SigningKey{}, err
	}
	if _, err := rand.Read(id); err != nil {
		return domain.SigningKey{}, err
	}
	return domain.SigningKey{ID: now.UTC().Format("20060102") + "-" + hex.EncodeToString(id), Secret: secret}, nil
}

// RotateSigningKey adds a new signing key: tokens minted from now on use
// it, tokens signed with older keys keep working until they expire.
func (s *Service) RotateSigningKey(ctx context.Context, caller domain.Caller) (string, error) {
	if err := caller.RequireOperator(); err != nil {
		return "", err
	}
	key, err := newSigningKey(s.now())
	if err != nil {
		return "", err
	}
	if err := addSigningKey(ctx, s.db, s.masterKeys.Master, key, s.now()); err != nil {
		return "", err
	}
	s.keys.mu.Lock()
	s.keys.keys = nil
	s.keys.mu.Unlock()
	return key.ID, nil
}
