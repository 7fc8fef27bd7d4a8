package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/review"
	"handoff/store"
	"handoff/vault"
)

func TestMasterKeyFileMissingOrWrongStopsStartUp(t *testing.T) {
	withDB(t)
	master := os.Getenv("HANDOFF_MASTER_KEY_FILE")
	if code, _, errs := run(t, "app", "create", "--name", "Keys", "--workflow", "wf_k:user"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "session", "generate", "--app", "Keys", "--count", "3", "--kind", "user"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	info, err := os.Stat(master)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("master key file: %v, mode %v", err, info.Mode().Perm())
	}

	moved := filepath.Join(t.TempDir(), "elsewhere.key")
	t.Setenv("HANDOFF_MASTER_KEY_FILE", moved)
	code, _, errs := run(t, "app", "list")
	if code == 0 || !strings.Contains(errs, moved) || !strings.Contains(errs, "does not exist") {
		t.Fatalf("missing master key: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(moved); err == nil {
		t.Fatal("a missing master key file was created although the database holds keys it wrapped")
	}

	if _, err := vault.OpenFile(moved, true); err != nil { // a fresh key: the wrong one
		t.Fatal(err)
	}
	code, _, errs = run(t, "app", "list")
	if code == 0 || !strings.Contains(errs, moved) || !strings.Contains(errs, "wrong file") {
		t.Fatalf("wrong master key: exit %d: %s", code, errs)
	}

	t.Setenv("HANDOFF_MASTER_KEY_FILE", master)
	t.Setenv("HANDOFF_BIOMETRIC_KEY_FILE", filepath.Join(t.TempDir(), "gone.key"))
	code, out, errs := run(t, "app", "list")
	if code != 0 || !strings.Contains(out, "Keys") || !strings.Contains(errs, "without the biometric key") {
		t.Fatalf("without the biometric key: exit %d: %s %s", code, out, errs)
	}
}

func TestRotateMasterThroughTheKeyFiles(t *testing.T) {
	dsn := withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Rot", "--workflow", "wf_r:user"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "session", "generate", "--app", "Rot", "--count", "4", "--kind", "user", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var first struct {
		SessionID uuid.UUID `json:"session_id"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first); err != nil {
		t.Fatalf("generate output %q: %v", out, err)
	}
	master, bio := os.Getenv("HANDOFF_MASTER_KEY_FILE"), os.Getenv("HANDOFF_BIOMETRIC_KEY_FILE")
	before, _ := vault.OpenFile(master, false)
	oldID := before.CurrentID()
	for _, args := range [][]string{{"keys", "rotate-master"}, {"keys", "rotate-master", "--biometric"}} {
		if code, out, errs := run(t, args...); code != 0 || !strings.Contains(out, "re-wrapped") {
			t.Fatalf("%v: exit %d: %s %s", args, code, out, errs)
		}
	}
	after, err := vault.OpenFile(master, false)
	if err != nil || len(after.IDs()) != 1 || after.CurrentID() == oldID {
		t.Fatalf("master key file after rotation: %v %v (before %s)", err, after.IDs(), oldID)
	}
	// Another process, starting from the files alone, reads the session.
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, _ := vault.OpenFile(bio, false)
	svc := review.New(db, review.WithKeys(review.Keys{Master: after, Biometric: b}))
	defer svc.Close()
	apps, _ := svc.Applications(context.Background(), operator())
	s, err := svc.Session(context.Background(), review.Analyst(apps[0].ID, "reader"), first.SessionID)
	if err != nil || s.BiometricsUnavailable || !strings.Contains(string(s.Checks.Family("id_verifications")), "portrait_image") {
		t.Fatalf("after rotations: %v", err)
	}
}

// cliKeys are the master keys the command line of this test uses (its key
// files), for a Service a test runs beside it.
func cliKeys(t *testing.T) review.Keys {
	t.Helper()
	var k review.Keys
	for _, f := range []struct {
		env string
		dst *vault.KeySource
	}{{"HANDOFF_MASTER_KEY_FILE", &k.Master}, {"HANDOFF_BIOMETRIC_KEY_FILE", &k.Biometric}} {
		src, err := vault.OpenFile(os.Getenv(f.env), true)
		if err != nil {
			t.Fatal(err)
		}
		*f.dst = src
	}
	return k
}
