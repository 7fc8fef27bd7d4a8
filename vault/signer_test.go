package vault

import "testing"

func TestSigner(t *testing.T) {
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	a, b := NewSigner(k, "purpose a"), NewSigner(k, "purpose b")
	msg := []byte("application|session|expiry")
	tag := a.Sign(msg)
	if len(tag) != 32 || !a.Verify(msg, tag) {
		t.Fatal("a tag does not verify for its own signer")
	}
	if b.Verify(msg, tag) {
		t.Error("a tag verifies for another purpose")
	}
	if a.Verify([]byte("application|session|expirz"), tag) {
		t.Error("a tag verifies for another message")
	}
	other, _ := NewKey()
	if NewSigner(other, "purpose a").Verify(msg, tag) {
		t.Error("a tag verifies under another key")
	}
}
