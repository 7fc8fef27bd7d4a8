package vault

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"handoff/internal/datadir"
)

// FileSource keeps master keys in a local file of mode 0600, one key a
// line ("<id> <base64 key>"), the current key first. A rotation writes
// the new key in front of the old one, re-wraps, then retires the old one,
// so a crash at any point leaves a file that opens every stored data key.
type FileSource struct {
	keyList
	path string
	seen time.Time // the file's modification time when last read or written
}

// ErrNoKeyFile is returned by OpenFile when the file does not exist and
// create is false.
var ErrNoKeyFile = errors.New("master key file does not exist")

// OpenFile loads the master keys in path. When the file does not exist it
// is created with a fresh key if create is true, else the error wraps
// ErrNoKeyFile. Every error names the file.
func OpenFile(path string, create bool) (*FileSource, error) {
	s := &FileSource{keyList: keyList{name: "master key file " + path}, path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, fmt.Errorf("%s: %w", s.name, ErrNoKeyFile)
		}
		k, err := s.add()
		if err != nil {
			return nil, err
		}
		s.keys = []masterKey{k}
		err = s.save()
		if errors.Is(err, fs.ErrExist) { // another process created it first: use that one
			return OpenFile(path, false)
		}
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", s.name, info.Mode().Perm())
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		id, enc, ok := strings.Cut(text, " ")
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if !ok || err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("%s, line %d: not \"<id> <base64 of %d bytes>\"", s.name, line, KeySize)
		}
		k, _ := newMasterKey(raw)
		if k.id != id {
			return nil, fmt.Errorf("%s, line %d: key does not match its id %s (the file was edited)", s.name, line, id)
		}
		s.keys = append(s.keys, k)
	}
	if len(s.keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", s.name)
	}
	s.seen = modTime(path)
	return s, nil
}

func modTime(path string) time.Time {
	info, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return info.ModTime()
}

// reload reads the file again when it changed since it was last read: a
// rotation by another handoff process.
func (s *FileSource) reload() {
	s.mu.RLock()
	seen := s.seen
	s.mu.RUnlock()
	if modTime(s.path).Equal(seen) {
		return
	}
	fresh, err := OpenFile(s.path, false)
	if err != nil {
		return // keep the keys held; the caller's error says what failed
	}
	s.mu.Lock()
	s.keys, s.seen = fresh.keys, fresh.seen
	s.mu.Unlock()
}

// Wrap wraps with the current key, reading the file again first if
// another process rotated it (wrapping under a retired key would make a
// data key nobody can open once that key is gone).
func (s *FileSource) Wrap(ctx context.Context, dataKey, aad []byte) ([]byte, error) {
	s.reload()
	return s.keyList.Wrap(ctx, dataKey, aad)
}

// Unwrap unwraps, reading the file again once when the wrapping names a
// key it does not hold (another process rotated it).
func (s *FileSource) Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error) {
	out, err := s.keyList.Unwrap(ctx, wrapped, aad)
	if IsUnknownKey(err) {
		s.reload()
		out, err = s.keyList.Unwrap(ctx, wrapped, aad)
	}
	return out, err
}

// CurrentID is the current key's id, as the file says now.
func (s *FileSource) CurrentID() string {
	s.reload()
	return s.keyList.CurrentID()
}

// Path is the file's path.
func (s *FileSource) Path() string { return s.path }

// Rotate writes a new current key in front of the others.
func (s *FileSource) Rotate() (string, error) {
	k, err := s.add()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append([]masterKey{k}, s.keys...)
	if err := s.saveLocked(); err != nil {
		s.keys = s.keys[1:]
		return "", err
	}
	return k.id, nil
}

// Retire rewrites the file with the current key only.
func (s *FileSource) Retire() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.keys
	s.keys = s.keys[:1]
	if err := s.saveLocked(); err != nil {
		s.keys = old
		return err
	}
	return nil
}

func (s *FileSource) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked()
}

func (s *FileSource) saveLocked() error {
	var b bytes.Buffer
	b.WriteString("# handoff master keys, current first. Keep this file outside the database and its backups.\n")
	for _, k := range s.keys {
		fmt.Fprintf(&b, "%s %s\n", k.id, base64.StdEncoding.EncodeToString(k.key.raw))
	}
	if err := writeSecretFile(s.path, b.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	s.seen = modTime(s.path)
	return nil
}

// writeSecretFile writes path with data, mode 0600, through
// datadir.ReplaceSecret, which never changes the mode of a folder that
// exists (the data folder holds the PostgreSQL cluster, which refuses to
// start when its folders change): a first use creates the file, a
// rotation renames a whole new file over it.
func writeSecretFile(path string, data []byte) error { return datadir.ReplaceSecret(path, data) }
