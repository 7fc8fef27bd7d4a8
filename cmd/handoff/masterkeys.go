package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"handoff/internal/datadir"
	"handoff/review"
	"handoff/store"
	"handoff/vault"
)

// keyFile is where one master key lives: the variable that overrides it,
// else a file of its own in handoff's data folder (beside, never inside,
// the PostgreSQL data directory, so a copy of the database never holds it).
func keyFile(envVar, name string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		return filepath.Abs(p)
	}
	dir, err := datadir.Default()
	if err != nil {
		return "", err
	}
	return datadir.SecretPath(dir, name), nil
}

// loadKeys opens the master key files and checks that they open what the
// database holds. A missing file is created on first use, that is while
// the database holds no key it wrapped. A missing master key is an error
// naming the file; a missing biometric key lets handoff run with
// biometrics unavailable (said on stderr); a wrong key is an error.
func (a *app) loadKeys(ctx context.Context, db *store.DB) (review.Keys, error) {
	masterPath, err := keyFile("HANDOFF_MASTER_KEY_FILE", "master.key")
	if err != nil {
		return review.Keys{}, err
	}
	bioPath, err := keyFile("HANDOFF_BIOMETRIC_KEY_FILE", "biometric.key")
	if err != nil {
		return review.Keys{}, err
	}
	master, err := openKeyFile(ctx, db, masterPath, false, "HANDOFF_MASTER_KEY_FILE")
	if err != nil {
		return review.Keys{}, err
	}
	bio, err := openKeyFile(ctx, db, bioPath, true, "HANDOFF_BIOMETRIC_KEY_FILE")
	if errors.Is(err, vault.ErrNoKeyFile) {
		a.log.Warn("running without the biometric key: biometric data cannot be read or written", "err", err)
		return review.Keys{Master: master}, nil
	}
	if err != nil {
		return review.Keys{}, err
	}
	return review.Keys{Master: master, Biometric: bio}, nil
}

func openKeyFile(ctx context.Context, db *store.DB, path string, biometric bool, envVar string) (*vault.FileSource, error) {
	used, err := store.MasterKeyIDs(ctx, db, biometric)
	if err != nil {
		return nil, err
	}
	src, err := vault.OpenFile(path, len(used) == 0)
	if errors.Is(err, vault.ErrNoKeyFile) {
		return nil, fmt.Errorf("%w, but the database holds %s wrapped by master key %s: restore the file, or set %s to where it is",
			err, countKeys(used), ids(used), envVar)
	}
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, id := range src.IDs() {
		have[id] = true
	}
	for id := range used {
		if !have[id] {
			return nil, fmt.Errorf("%s does not hold master key %s that wrapped %s in the database (it holds %s): "+
				"it is the wrong file; restore the right one, or set %s to where it is",
				src.Describe(), id, countKeys(used), strings.Join(src.IDs(), ", "), envVar)
		}
	}
	return src, nil
}

func countKeys(used map[string]int) string {
	n := 0
	for _, c := range used {
		n += c
	}
	if n == 1 {
		return "1 data key"
	}
	return fmt.Sprintf("%d data keys", n)
}

func ids(used map[string]int) string {
	out := make([]string, 0, len(used))
	for id := range used {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
