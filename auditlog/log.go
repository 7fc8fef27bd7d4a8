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
)

// KeyName names the deployment's checkpoint key in its signatures.
const KeyName = "handoff-audit"

// Origin is the origin line of app's checkpoints.
func Origin(app uuid.UUID) string { return auditverify.OriginPrefix + app.String() }

var ranges = compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// Log seals, verifies and proves the audit trails of one database.
type Log struct {
	db  *store.DB
	now func() time.Time
	log *slog.Logger

	mu       sync.Mutex
	signer   note.Signer
	verifier string
}

// New returns the log of db.
func New(db *store.DB, now func() time.Time, log *slog.Logger) *Log {
	return &Log{db: db, now: now, log: log}
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
		sealed, serr := sealSigner(skey)
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
	skey, err := openSigner(k.Signer)
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

// sealSigner and openSigner are the one place the checkpoint private key
// is turned into stored bytes and back: at rest it is meant to be sealed
// like the other secrets (envelope encryption, being built alongside);
// until then it is stored as its text.
func sealSigner(skey string) ([]byte, error) { return []byte(skey), nil }

func openSigner(stored []byte) (string, error) { return string(stored), nil }

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
