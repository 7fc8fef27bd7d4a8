package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// Signer authenticates short messages (a link's claims) with HMAC-SHA256
// under a key derived from a data key for one purpose (HKDF-SHA256), so
// its tags say nothing about the data key and verify for no other purpose.
type Signer struct{ key []byte }

// NewSigner derives the purpose's signing key from k.
func NewSigner(k Key, purpose string) Signer {
	key, err := hkdf.Key(sha256.New, k.raw, nil, purpose, 32)
	if err != nil {
		panic("vault: " + err.Error()) // only for lengths sha256 cannot give
	}
	return Signer{key: key}
}

// Sign returns msg's tag (32 bytes).
func (s Signer) Sign(msg []byte) []byte {
	if s.key == nil {
		panic("vault: Sign on a zero Signer")
	}
	h := hmac.New(sha256.New, s.key)
	h.Write(msg)
	return h.Sum(nil)
}

// Verify reports whether tag is msg's, in constant time.
func (s Signer) Verify(msg, tag []byte) bool { return hmac.Equal(s.Sign(msg), tag) }
