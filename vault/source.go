package vault

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// KeySource holds master keys outside the database and wraps data keys
// with them; handoff never sees a master key anywhere else. FileSource (a
// local file) is the implementation today. A KMS (Vault transit, AWS KMS,
// GCP KMS) is added by implementing these four methods over its
// encrypt/decrypt calls — Wrap = Encrypt, Unwrap = Decrypt, CurrentID =
// the key's name and version — and choosing it in cmd/handoff; no caller
// changes.
type KeySource interface {
	// Describe says where the keys are (a path, a KMS key name) for error
	// messages. Never the key itself.
	Describe() string
	// CurrentID names the master key Wrap uses now.
	CurrentID() string
	// Wrap encrypts a data key under the current master key, bound to aad.
	Wrap(ctx context.Context, dataKey, aad []byte) ([]byte, error)
	// Unwrap decrypts what Wrap returned, with whichever master key
	// wrapped it; an UnknownKeyError when this source does not hold it.
	Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error)
}

// Rotator is a KeySource whose master keys handoff rotates itself (the
// local file). A KMS rotates its own keys and keeps old versions for
// decrypting, so for it re-wrapping with Wrap is the whole rotation.
type Rotator interface {
	KeySource
	// Rotate adds a new current master key; the older ones still unwrap.
	Rotate() (string, error)
	// Retire forgets every master key but the current one.
	Retire() error
}

// UnknownKeyError says a wrapped key names a master key that the source
// does not hold: the wrong file, or a file replaced since.
type UnknownKeyError struct {
	Source string
	Want   string
	Have   []string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("%s does not hold master key %s that wrapped the stored data keys (it holds %s): "+
		"restore the key file that held it, or point the variable at it", e.Source, e.Want, strings.Join(e.Have, ", "))
}

// IsUnknownKey reports whether err is an UnknownKeyError.
func IsUnknownKey(err error) bool {
	var u *UnknownKeyError
	return errors.As(err, &u)
}

// masterKey is one master key with its id, a fingerprint that names it in
// wrapped keys and errors without revealing it.
type masterKey struct {
	id  string
	key Key
}

func newMasterKey(raw []byte) (masterKey, error) {
	k, err := KeyFrom(raw)
	if err != nil {
		return masterKey{}, err
	}
	sum := sha256.Sum256(append([]byte("handoff master key id\x00"), raw...))
	return masterKey{id: hex.EncodeToString(sum[:8]), key: k}, nil
}

// keyList is the master keys of a source, current first; the file and
// memory sources share it.
type keyList struct {
	mu   sync.RWMutex
	keys []masterKey
	name string
}

func (l *keyList) Describe() string { return l.name }

func (l *keyList) CurrentID() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.keys[0].id
}

// wrapFormat is the first byte of a wrapped key.
const wrapFormat = 'w'

func (l *keyList) Wrap(_ context.Context, dataKey, aad []byte) ([]byte, error) {
	l.mu.RLock()
	cur := l.keys[0]
	l.mu.RUnlock()
	out := binary.AppendUvarint([]byte{wrapFormat}, uint64(len(cur.id)))
	out = append(out, cur.id...)
	return append(out, cur.key.Seal(dataKey, aad)...), nil
}

func (l *keyList) Unwrap(_ context.Context, wrapped, aad []byte) ([]byte, error) {
	id, rest, err := WrappedBy(wrapped)
	if err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, k := range l.keys {
		if k.id == id {
			plain, err := k.key.Open(rest, aad)
			if err != nil {
				return nil, fmt.Errorf("%s: master key %s does not open this data key: %w", l.name, id, err)
			}
			return plain, nil
		}
	}
	have := make([]string, len(l.keys))
	for i, k := range l.keys {
		have[i] = k.id
	}
	return nil, &UnknownKeyError{Source: l.name, Want: id, Have: have}
}

// WrappedBy returns the id of the master key that wrapped a key (as the
// file and memory sources write it), and the sealed rest.
func WrappedBy(wrapped []byte) (string, []byte, error) {
	if len(wrapped) < 2 || wrapped[0] != wrapFormat {
		return "", nil, errors.New("vault: not a wrapped key")
	}
	n, m := binary.Uvarint(wrapped[1:])
	if m <= 0 || uint64(len(wrapped)-1-m) < n {
		return "", nil, errors.New("vault: wrapped key is truncated")
	}
	start := 1 + m
	return string(wrapped[start : start+int(n)]), wrapped[start+int(n):], nil
}

func (l *keyList) add() (masterKey, error) {
	k, err := NewKey()
	if err != nil {
		return masterKey{}, err
	}
	return newMasterKey(k.raw)
}

// MemorySource keeps master keys in memory only: for tests and throwaway
// databases, never for data that must survive the process.
type MemorySource struct{ keyList }

// NewMemorySource returns a source with one fresh master key.
func NewMemorySource(name string) *MemorySource {
	s := &MemorySource{keyList{name: name}}
	k, err := s.add()
	if err != nil {
		panic(err)
	}
	s.keys = []masterKey{k}
	return s
}

// Rotate adds a new current key.
func (s *MemorySource) Rotate() (string, error) {
	k, err := s.add()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.keys = append([]masterKey{k}, s.keys...)
	s.mu.Unlock()
	return k.id, nil
}

// Retire forgets all but the current key.
func (s *MemorySource) Retire() error {
	s.mu.Lock()
	s.keys = s.keys[:1]
	s.mu.Unlock()
	return nil
}

// IDs lists the ids of the master keys held, current first.
func (l *keyList) IDs() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]string, len(l.keys))
	for i, k := range l.keys {
		out[i] = k.id
	}
	return out
}
