package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	gossh "golang.org/x/crypto/ssh"

	"handoff/internal/datadir"
)

// ensureHostKey creates an Ed25519 host key at path on first start. It is
// written as a secret file of its own (datadir.WriteSecret), not with
// wish's generator: that one tightens the folder holding the key to 0700,
// and when that folder is handoff's data folder the embedded PostgreSQL
// (another account) loses its way to its cluster.
func ensureHostKey(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ssh host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		return err
	}
	err = datadir.WriteSecret(path, pem.EncodeToMemory(block))
	if errors.Is(err, fs.ErrExist) {
		return nil // another process made it first: use theirs
	}
	if err != nil {
		return fmt.Errorf("ssh host key: %w", err)
	}
	return nil
}
