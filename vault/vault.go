// Package vault is handoff's one owner of cryptography: AES-256-GCM data
// keys that seal values with additional data, the wrapping of those keys
// by master keys held outside the database (a KeySource), and keyed
// hashes for matching identifiers without decrypting them. It uses the
// standard library's primitives only and has no dependency on storage,
// so store and review can both import it. Nothing else in handoff imports
// crypto/aes or crypto/cipher.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

// ErrOpen is returned when a sealed value does not open: another key,
// other additional data (a value moved to another row), or tampering.
var ErrOpen = errors.New("vault: sealed value does not open with this key and additional data")

// Key is an AES-256-GCM key. The zero Key is not usable.
type Key struct {
	aead cipher.AEAD
	raw  []byte
}

// NewKey returns a fresh random key.
func NewKey() (Key, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, err
	}
	return KeyFrom(raw)
}

// KeyFrom makes a Key of 32 raw bytes (a copy is kept).
func KeyFrom(raw []byte) (Key, error) {
	if len(raw) != KeySize {
		return Key{}, fmt.Errorf("vault: a key is %d bytes, not %d", KeySize, len(raw))
	}
	raw = append([]byte(nil), raw...)
	block, err := aes.NewCipher(raw)
	if err != nil {
		return Key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return Key{}, err
	}
	return Key{aead: aead, raw: raw}, nil
}

// Valid reports whether k was made by NewKey or KeyFrom.
func (k Key) Valid() bool { return k.aead != nil }

// Bytes returns the raw key, for wrapping it.
func (k Key) Bytes() []byte { return append([]byte(nil), k.raw...) }

// Seal encrypts plaintext bound to aad: the result is a random nonce
// followed by the ciphertext and tag.
func (k Key) Seal(plaintext, aad []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("vault: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return k.aead.Seal(nonce, nonce, plaintext, aad)
}

// Open decrypts what Seal returned for the same aad.
func (k Key) Open(sealed, aad []byte) ([]byte, error) {
	if !k.Valid() {
		return nil, ErrOpen
	}
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := k.aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// AD builds additional data from a label and the ids a value belongs to,
// each part length-prefixed so no two lists of parts give the same bytes.
func AD(label string, parts ...[]byte) []byte {
	out := binary.AppendUvarint(nil, uint64(len(label)))
	out = append(out, label...)
	for _, p := range parts {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// sealedFormat is the first byte of a value sealed by SealVersioned.
const sealedFormat = 1

// SealVersioned seals plaintext with the key of the given generation and
// writes the generation in front, so a reader picks the right key while a
// rotation moves values from one generation to the next.
func SealVersioned(k Key, generation int, plaintext, aad []byte) []byte {
	head := binary.AppendUvarint([]byte{sealedFormat}, uint64(generation))
	return append(head, k.Seal(plaintext, aad)...)
}

// Generation reads the key generation of a value sealed by SealVersioned
// and returns the rest for OpenVersioned.
func Generation(sealed []byte) (int, []byte, error) {
	if len(sealed) < 2 || sealed[0] != sealedFormat {
		return 0, nil, fmt.Errorf("vault: not a sealed value of format %d", sealedFormat)
	}
	g, n := binary.Uvarint(sealed[1:])
	if n <= 0 || g > 1<<31 {
		return 0, nil, errors.New("vault: sealed value has a broken generation")
	}
	return int(g), sealed[1+n:], nil
}

// Matcher computes keyed hashes (HMAC-SHA256) of identifiers, so records
// can be matched on equal identifiers (a document number, an e-mail
// address) without storing or decrypting them. Each application has its
// own matching key, so hashes do not link records across applications.
// Callers normalise values first (domain knows what a document number
// looks like); the kind separates namespaces, so the same text as a
// phone number and as a document number hashes differently.
type Matcher struct{ key []byte }

// HashSize is the length of a Matcher's hashes.
const HashSize = sha256.Size

// NewMatcher returns a Matcher for a 32-byte key.
func NewMatcher(key Key) Matcher { return Matcher{key: key.Bytes()} }

// Hash returns HMAC-SHA256(key, kind || 0 || value).
func (m Matcher) Hash(kind, value string) []byte { return m.Hasher().Hash(kind, value) }

// A Hasher is a Matcher's HMAC kept for many hashes in a row, as one
// session's matching computes dozens (an IP address is hashed with every
// range that covers it): a hash with an HMAC of its own costs nine
// allocations, with a reset one only the hash. It is not safe for
// concurrent use.
type Hasher struct {
	key []byte
	mac hash.Hash // made at the first Hash
	buf []byte    // kind || 0 || value, written in one call
}

// Hasher returns a Hasher of m's key.
func (m Matcher) Hasher() *Hasher { return &Hasher{key: m.key} }

// Hash returns HMAC-SHA256(key, kind || 0 || value), as Matcher.Hash.
func (h *Hasher) Hash(kind, value string) []byte {
	if h.mac == nil {
		if h.key == nil {
			panic("vault: Hash on a zero Matcher")
		}
		h.mac = hmac.New(sha256.New, h.key)
	}
	h.mac.Reset()
	h.buf = append(append(append(h.buf[:0], kind...), 0), value...)
	h.mac.Write(h.buf)
	return h.mac.Sum(nil)
}
