// Package auditlog is handoff's verifiable audit log: one RFC 6962 Merkle
// tree per application (github.com/transparency-dev/merkle), sealed by a
// sequencer that numbers the events use cases appended pending, and signed
// checkpoints in the C2SP signed-note format (golang.org/x/mod/sumdb/note)
// under one Ed25519 key per deployment. Use cases only append events
// (store.AppendAudit); this package seals, verifies and proves.
package auditlog

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"handoff/auditverify"
	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// KeyName names the deployment's checkpoint key in its signatures.
const KeyName = "handoff-audit"

// Origin is the origin line of app's checkpoints.
func Origin(app uuid.UUID) string { return auditverify.OriginPrefix + app.String() }

var ranges = compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// Log seals, verifies and proves the audit trails of one database.
type Log struct {
	db     *store.DB
	now    func() time.Time
	log    *slog.Logger
	master vault.KeySource // wraps the checkpoint private key; nil: stored as text

	mu       sync.Mutex
	signer   note.Signer
	verifier string
}

// Option configures a Log.
type Option func(*Log)

// WithMasterKey wraps the checkpoint private key with the master key, like
// every other key handoff stores, so a database reader cannot sign
// checkpoints.
func WithMasterKey(src vault.KeySource) Option { return func(l *Log) { l.master = src } }

// New returns the log of db.
func New(db *store.DB, now func() time.Time, log *slog.Logger, opts ...Option) *Log {
	l := &Log{db: db, now: now, log: log}
	for _, o := range opts {
		o(l)
	}
	return l
}

// keys loads the deployment's checkpoint key, making it on first use (the
// first process to store one wins; the others read it back).
func (l *Log) keys(ctx context.Context) (note.Signer, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.signer != nil {
		return l.signer, l.verifier, nil
	}
	k, err := store.GetNoteKey(ctx, l.db, KeyName)
	if domain.IsCode(err, domain.CodeNotFound) {
		skey, vkey, gerr := note.GenerateKey(rand.Reader, KeyName)
		if gerr != nil {
			return nil, "", gerr
		}
		sealed, serr := l.sealSigner(ctx, skey)
		if serr != nil {
			return nil, "", serr
		}
		if err := store.AddNoteKey(ctx, l.db, store.NoteKey{Name: KeyName, Verifier: vkey, Signer: sealed}); err != nil {
			return nil, "", err
		}
		k, err = store.GetNoteKey(ctx, l.db, KeyName)
	}
	if err != nil {
		return nil, "", err
	}
	skey, err := l.openSigner(ctx, k.Signer)
	if err != nil {
		return nil, "", err
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("checkpoint key: %w", err)
	}
	l.signer, l.verifier = s, k.Verifier
	return s, k.Verifier, nil
}

// VerifierKey is the deployment's public checkpoint key, "name+hash+key",
// which partners use to check checkpoints.
func (l *Log) VerifierKey(ctx context.Context) (string, error) {
	_, v, err := l.keys(ctx)
	return v, err
}

// NoteKeyAD is the additional data the checkpoint key named name is
// wrapped with (handoff keys rotate-master re-wraps it).
func NoteKeyAD(name string) []byte { return vault.AD("handoff checkpoint key", []byte(name)) }

// sealSigner and openSigner are the one place the checkpoint private key
// is turned into stored bytes and back: wrapped by the master key, or as
// its text when the log has none (and for keys stored before wrapping).
func (l *Log) sealSigner(ctx context.Context, skey string) ([]byte, error) {
	if l.master == nil {
		return []byte(skey), nil
	}
	return l.master.Wrap(ctx, []byte(skey), NoteKeyAD(KeyName))
}

func (l *Log) openSigner(ctx context.Context, stored []byte) (string, error) {
	if _, _, err := vault.WrappedBy(stored); err != nil || l.master == nil {
		return string(stored), nil
	}
	raw, err := l.master.Unwrap(ctx, stored, NoteKeyAD(KeyName))
	if err != nil {
		return "", fmt.Errorf("checkpoint key: %w", err)
	}
	return string(raw), nil
}

// sign makes app's signed checkpoint for a tree of size with root.
func (l *Log) sign(ctx context.Context, app uuid.UUID, size int64, root []byte) (store.Checkpoint, error) {
	s, _, err := l.keys(ctx)
	if err != nil {
		return store.Checkpoint{}, err
	}
	signed, err := note.Sign(&note.Note{Text: auditverify.Body(Origin(app), uint64(size), root)}, s)
	if err != nil {
		return store.Checkpoint{}, err
	}
	return store.Checkpoint{App: app, Size: size, Root: root, Note: string(signed), CreatedAt: l.now().UTC()}, nil
}
