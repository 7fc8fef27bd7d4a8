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
)

// keyring caches the share-token signing keys. They live in the database so
// every handoff process signs and verifies alike; the cache is refreshed
// now and then, and at once (but at most once a second) when a token names
// a key it does not know, which is how a rotation in another process shows.
type keyring struct {
	db      *store.DB
	now     func() time.Time
	mu      sync.Mutex
	keys    []domain.SigningKey // newest first
	loaded  time.Time
	missed  time.Time // last reload for an unknown kid
	refresh time.Duration
}

func newKeyring(db *store.DB, now func() time.Time) *keyring {
	return &keyring{db: db, now: now, refresh: 30 * time.Second}
}

func (k *keyring) load(ctx context.Context) error {
	keys, err := store.SigningKeys(ctx, k.db)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		key, err := newSigningKey(k.now())
		if err != nil {
			return err
		}
		if err := store.AddSigningKey(ctx, k.db, key, k.now()); err != nil {
			return err
		}
		if keys, err = store.SigningKeys(ctx, k.db); err != nil {
			return err
		}
	}
	k.keys, k.loaded = keys, k.now()
	return nil
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
	if err := store.AddSigningKey(ctx, s.db, key, s.now()); err != nil {
		return "", err
	}
	s.keys.mu.Lock()
	s.keys.keys = nil
	s.keys.mu.Unlock()
	return key.ID, nil
}
