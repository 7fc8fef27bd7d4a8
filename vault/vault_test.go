package vault

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpensOnlyWithItsKeyAndAdditionalData(t *testing.T) {
	k, _ := NewKey()
	other, _ := NewKey()
	ad := AD("checks", []byte("app"), []byte("s1"))
	sealed := SealVersioned(k, 3, []byte("Jane Doe"), ad)
	if bytes.Contains(sealed, []byte("Jane")) {
		t.Fatal("plaintext visible in sealed value")
	}
	gen, rest, err := Generation(sealed)
	if err != nil || gen != 3 {
		t.Fatalf("generation = %d, %v", gen, err)
	}
	if got, err := k.Open(rest, ad); err != nil || string(got) != "Jane Doe" {
		t.Fatalf("open = %q, %v", got, err)
	}
	tampered := append([]byte(nil), rest...)
	tampered[len(tampered)-1] ^= 1
	for name, try := range map[string]func() error{
		"other row":   func() error { _, err := k.Open(rest, AD("checks", []byte("app"), []byte("s2"))); return err },
		"parts moved": func() error { _, err := k.Open(rest, AD("checks", []byte("ap"), []byte("ps1"))); return err },
		"other key":   func() error { _, err := other.Open(rest, ad); return err },
		"tampered":    func() error { _, err := k.Open(tampered, ad); return err },
		"truncated":   func() error { _, err := k.Open(rest[:5], ad); return err },
		"zero key":    func() error { _, err := Key{}.Open(rest, ad); return err },
	} {
		if err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
	if _, _, err := Generation([]byte{9, 1}); err == nil {
		t.Error("a value of another format has a generation")
	}
}

func TestFileSourceCreatesRotatesAndNamesItself(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "master.key")
	if _, err := OpenFile(path, false); !errors.Is(err, ErrNoKeyFile) || !strings.Contains(err.Error(), path) {
		t.Fatalf("missing file: %v", err)
	}
	src, err := OpenFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v", info.Mode().Perm(), err)
	}
	dk, _ := NewKey()
	ad := AD("data key", []byte("app"))
	w1, _ := src.Wrap(ctx, dk.Bytes(), ad)
	if bytes.Contains(w1, dk.Bytes()) {
		t.Fatal("data key visible in its wrapping")
	}
	old := src.CurrentID()
	if _, err := src.Rotate(); err != nil {
		t.Fatal(err)
	}
	again, err := OpenFile(path, false) // another process reads the rotated file
	if err != nil || again.CurrentID() == old {
		t.Fatalf("reopened: %v, current %s (old %s)", err, again.CurrentID(), old)
	}
	if got, err := again.Unwrap(ctx, w1, ad); err != nil || !bytes.Equal(got, dk.Bytes()) {
		t.Fatalf("old wrapping after rotate: %v", err)
	}
	if err := again.Retire(); err != nil {
		t.Fatal(err)
	}
	_, err = again.Unwrap(ctx, w1, ad)
	var unknown *UnknownKeyError
	if !errors.As(err, &unknown) || unknown.Want != old || !strings.Contains(err.Error(), path) {
		t.Fatalf("retired key: %v", err)
	}
	if _, err := again.Unwrap(ctx, w1[:3], ad); err == nil {
		t.Error("truncated wrapping opened")
	}
	os.Chmod(path, 0o644)
	if _, err := OpenFile(path, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable file: %v", err)
	}
	os.Chmod(path, 0o600)
	os.WriteFile(path, []byte("abc notbase64\n"), 0o600)
	if _, err := OpenFile(path, false); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("broken file: %v", err)
	}
}

func TestMatcherIsKeyedAndSeparatesKinds(t *testing.T) {
	k1, _ := NewKey()
	k2, _ := NewKey()
	a, b := NewMatcher(k1), NewMatcher(k2)
	if !bytes.Equal(a.Hash("document_number", "X123"), a.Hash("document_number", "X123")) {
		t.Error("same key, same value: different hashes")
	}
	if bytes.Equal(a.Hash("document_number", "X123"), b.Hash("document_number", "X123")) {
		t.Error("two applications' keys give the same hash")
	}
	if bytes.Equal(a.Hash("document_number", "X123"), a.Hash("phone", "X123")) {
		t.Error("kinds are not separated")
	}
}

// A Hasher reused across values of different kinds and lengths gives each
// the HMAC a fresh one would.
func TestHasherHashesAsAFreshHMAC(t *testing.T) {
	k, _ := NewKey()
	h := NewMatcher(k).Hasher()
	for _, c := range [][2]string{{"ip_address", "203.0.113.7"}, {"ip_address", "203.0.113.0/24"},
		{"document", "GRC:passport:EK0412345652"}, {"", ""}, {"email", "a@example.com"}} {
		mac := hmac.New(sha256.New, k.Bytes())
		mac.Write([]byte(c[0] + "\x00" + c[1]))
		if got, want := h.Hash(c[0], c[1]), mac.Sum(nil); !bytes.Equal(got, want) {
			t.Errorf("Hash(%q, %q) = %x, want %x", c[0], c[1], got, want)
		}
	}
}
