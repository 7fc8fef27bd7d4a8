// Package datadir is handoff's data folder: where it is, and how secret
// files (the SSH host key, master keys) are written into it.
//
// The data folder is shared with the embedded PostgreSQL cluster, which runs
// as another account (`postgres`) when handoff runs as root. So nothing here
// ever changes the mode or owner of a folder that already exists: a secret
// is protected by its own mode (0600) and by the folder of its own that
// holds it, never by tightening the folders on the way to it.
package datadir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Default is $HANDOFF_DATA, else $XDG_DATA_HOME/handoff, else
// ~/.local/share/handoff.
func Default() (string, error) {
	if d := os.Getenv("HANDOFF_DATA"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "handoff"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder for handoff's data (set HANDOFF_DATA): %w", err)
	}
	return filepath.Join(home, ".local", "share", "handoff"), nil
}

// SecretPath is where the secret file name lives in the data folder dir:
// dir/secrets/name.
func SecretPath(dir, name string) string {
	return filepath.Join(dir, "secrets", name)
}

// WriteSecret creates the file path holding data, readable by its owner
// only (0600). It never replaces a file: when path exists it returns an
// error that matches fs.ErrExist, so two processes creating the same key at
// once keep the first one. The file appears whole or not at all.
//
// Missing folders are created: the one holding the file with mode 0700,
// those above it 0755 (they may be on the PostgreSQL account's way to its
// cluster). Folders that exist are left exactly as they are.
func WriteSecret(path string, data []byte) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("creating the folder for %s: %w", path, err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating the folder for %s: %w", path, err)
		}
	} else if err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: %w", path, fs.ErrExist)
	}
	suffix := make([]byte, 6)
	rand.Read(suffix)
	tmp := filepath.Join(dir, "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(suffix))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// A hard link, unlike a rename, fails when path exists: create-only.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ReplaceSecret writes path with data like WriteSecret, replacing the file
// when it exists: the new content is written beside it (path.next) and
// renamed over it, so the file is whole at every moment. A new file is
// created directly, so of two processes creating it at once the first
// wins.
func ReplaceSecret(path string, data []byte) error {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return WriteSecret(path, data)
	}
	next := path + ".next"
	os.Remove(next) // left by a replacement that crashed before its rename
	if err := WriteSecret(next, data); err != nil {
		return err
	}
	return os.Rename(next, path)
}
