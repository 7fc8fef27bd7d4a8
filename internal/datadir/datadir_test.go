package datadir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestWriteSecretLeavesExistingFoldersAlone(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(data, 0o751) // an unusual mode, to see it survive exactly
	key := SecretPath(data, "ssh_host_ed25519")
	if err := WriteSecret(key, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, data); m != 0o751 {
		t.Errorf("the data folder's mode changed to %v", m)
	}
	if m := mode(t, filepath.Dir(key)); m != 0o700 {
		t.Errorf("the new secrets folder has mode %v, want 0700", m)
	}
	if m := mode(t, key); m != 0o600 {
		t.Errorf("the secret has mode %v, want 0600", m)
	}

	// Directly in an existing folder: the folder keeps its mode too.
	direct := filepath.Join(data, "master.key")
	if err := WriteSecret(direct, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, data); m != 0o751 {
		t.Errorf("writing into the data folder changed its mode to %v", m)
	}

	// Create-only: the first secret is kept.
	err := WriteSecret(key, []byte("second"))
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwriting: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(key); string(b) != "first" {
		t.Fatalf("the secret now holds %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(key))
	if len(entries) != 1 {
		t.Fatalf("left behind in the secrets folder: %v", entries)
	}
}

func TestWriteSecretCreatesMissingFoldersTraversable(t *testing.T) {
	data := filepath.Join(t.TempDir(), "new", "data")
	if err := WriteSecret(SecretPath(data, "k"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	// The data folder itself may be on the PostgreSQL account's way.
	if m := mode(t, data); m&0o011 != 0o011 {
		t.Errorf("a data folder created for a secret has mode %v: others cannot traverse it", m)
	}
}

func TestReplaceSecretReplacesAndKeepsFolders(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o751); err != nil {
		t.Fatal(err)
	}
	os.Chmod(data, 0o751)
	path := SecretPath(data, "demo.env")
	for _, content := range []string{"first", "second"} {
		if err := ReplaceSecret(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Fatalf("the file holds %q, want %q", b, content)
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("mode %v, want 0600", m)
		}
	}
	if m := mode(t, data); m != 0o751 {
		t.Errorf("the data folder's mode changed to %v", m)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}
