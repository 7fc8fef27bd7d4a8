package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"handoff/auditverify"
	"handoff/store/pgtest"
)

// run boots the real program on a fresh database.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func withDB(t *testing.T) string {
	dsn := pgtest.DSN(t)
	t.Setenv("DATABASE_URL", dsn)
	// Each test's master keys are its own, never the data folder's.
	keys := t.TempDir()
	t.Setenv("HANDOFF_MASTER_KEY_FILE", filepath.Join(keys, "master.key"))
	t.Setenv("HANDOFF_BIOMETRIC_KEY_FILE", filepath.Join(keys, "biometric.key"))
	return dsn
}

func TestAppCreateAndBadInput(t *testing.T) {
	dsn := withDB(t)
	code, out, errs := run(t, "app", "create", "--name", "Service X", "--workflow", "wf_x_kyc:user",
		"--workflow", "wf_x_kyb:business", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var created struct {
		ApplicationID string `json:"application_id"`
		Name          string `json:"name"`
		APIKey        string `json:"api_key"`
		Workflows     []struct {
			WorkflowID string `json:"workflow_id"`
			Kind       string `json:"kind"`
		} `json:"workflows"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if created.Name != "Service X" || !strings.HasPrefix(created.APIKey, "hk_") || len(created.Workflows) != 2 ||
		created.Workflows[1].Kind != "business" {
		t.Fatalf("created %+v", created)
	}

	db := sqlx.MustOpen("postgres", dsn)
	defer db.Close()
	count := func() (n int) { db.Get(&n, `SELECT count(*) FROM applications`); return }
	var stored int
	db.Get(&stored, `SELECT count(*) FROM api_keys WHERE key_hash = sha256($1::bytea)`, created.APIKey)
	if stored != 1 {
		t.Fatal("the API key is not stored as its SHA-256 hash")
	}
	var plain int
	db.Get(&plain, `SELECT count(*) FROM api_keys WHERE position($1::bytea in key_hash) > 0`, created.APIKey)
	if plain != 0 {
		t.Fatal("the API key is stored in plain text")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"app", "create", "--name", "service x"}, "already exists"},
		{[]string{"app", "create", "--name", "Y", "--workflow", "wf_y"}, "ID:user or ID:business"},
		{[]string{"app", "create", "--name", "Y", "--workflow", "wf_y:person"}, "kind must be user or business"},
		{[]string{"app", "create", "--name", "Y", "--privileges", "read:everything"}, "unknown privilege"},
		{[]string{"app", "key", "create", "--app", "Nobody Inc"}, "no application named"},
		{[]string{"app", "key", "create", "--app", "00000000-0000-0000-0000-000000000000"}, "no application with id"},
		{[]string{"session", "generate", "--app", "Nobody Inc"}, "no application named"},
		{[]string{"session", "generate", "--app", "Service X", "--status", "Maybe"}, "not a status"},
		{[]string{"session", "generate", "--app", "Service X", "--kind", "robot"}, "--kind must be"},
	} {
		code, _, errs := run(t, tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error containing %q", tc.args, code, errs, tc.want)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d applications after refused commands, want 1", n)
	}

	// --app takes the id as well as the name.
	if code, _, errs := run(t, "app", "key", "create", "--app", created.ApplicationID); code != 0 {
		t.Fatalf("key create by id: %s", errs)
	}
	_, out, _ = run(t, "app", "key", "list", "--app", "Service X")
	if !strings.Contains(out, created.APIKey[:9]) || strings.Contains(out, created.APIKey) || strings.Count(out, "active") != 2 {
		t.Fatalf("key list shows the prefix, never the key, and both keys active:\n%s", out)
	}
	var keyID string
	db.Get(&keyID, `SELECT key_id FROM api_keys WHERE key_hash = sha256($1::bytea)`, created.APIKey)
	if code, _, errs := run(t, "app", "key", "revoke", "--app", "Service X", "not-an-id"); code == 0 || !strings.Contains(errs, "not a key id") {
		t.Fatalf("revoke garbage: %d %s", code, errs)
	}
	if code, _, errs := run(t, "app", "key", "revoke", "--app", "Service X", keyID); code != 0 {
		t.Fatalf("revoke: %s", errs)
	}
	if _, out, _ = run(t, "app", "key", "list", "--app", "Service X"); !strings.Contains(out, "revoked") {
		t.Fatalf("revoked key not shown as revoked:\n%s", out)
	}
	var keys []struct {
		ID         string   `json:"key_id"`
		Prefix     string   `json:"prefix"`
		Privileges []string `json:"privileges"`
		RevokedAt  *string  `json:"revoked_at"`
	}
	_, out, _ = run(t, "app", "key", "list", "--app", "Service X", "--json")
	if json.Unmarshal([]byte(out), &keys) != nil || len(keys) != 2 || strings.Contains(out, created.APIKey) ||
		!strings.HasPrefix(created.APIKey, keys[0].Prefix) && !strings.HasPrefix(created.APIKey, keys[1].Prefix) {
		t.Fatalf("key list --json:\n%s", out)
	}
	for _, k := range keys {
		if k.ID == keyID && k.RevokedAt == nil || k.ID != keyID && k.RevokedAt != nil || len(k.Privileges) == 0 {
			t.Fatalf("key list --json, the revoked key %s:\n%s", keyID, out)
		}
	}
}

func TestUnreachableDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://bob:s3cretpw@127.0.0.1:1/handoff?sslmode=disable")
	code, _, errs := run(t, "app", "list")
	if code == 0 {
		t.Fatal("app list succeeded without a database")
	}
	if !strings.Contains(errs, "127.0.0.1:1") || strings.Contains(errs, "s3cretpw") {
		t.Fatalf("message should name the URL without its password: %q", errs)
	}
}

func TestSessionGenerateJSON(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Gen", "--workflow", "k:user", "--workflow", "b:business"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "session", "generate", "--app", "Gen", "--count", "50", "--seed", "3", "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		var s struct {
			SessionID     string `json:"session_id"`
			SessionNumber int    `json:"session_number"`
			SessionKind   string `json:"session_kind"`
			Status        string `json:"status"`
		}
		if err := json.Unmarshal([]byte(l), &s); err != nil || s.SessionNumber != i+1 || s.SessionID == "" {
			t.Fatalf("line %d: %q (%v)", i, l, err)
		}
		if (s.SessionKind == "user") != (s.Status == "Approved" || s.Status == "Declined" || s.Status == "In Review") {
			t.Fatalf("line %d: status %q in the wrong casing for %s", i, s.Status, s.SessionKind)
		}
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	dsn := withDB(t)
	run(t, "app", "create", "--name", "Audited", "--workflow", "k:user")
	run(t, "session", "generate", "--app", "Audited", "--count", "3")
	run(t, "app", "key", "create", "--app", "Audited")
	code, out, errs := run(t, "audit", "verify", "--app", "Audited")
	// Each command sealed its own events before it exited.
	if code != 0 || !strings.Contains(out, "ok, 3 events and 2 checkpoints verified, 0 pending") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "audit", "prove", "--app", "Audited", "--event", "2")
	var proof auditverify.Proof
	if err := json.Unmarshal([]byte(out), &proof); code != 0 || err != nil || proof.LeafIndex != 1 || proof.TreeSize != 3 {
		t.Fatalf("prove: %d %q %q", code, out, errs)
	}
	if _, err := auditverify.VerifyProof([]byte(out), proof.VerifierKey); err != nil {
		t.Fatalf("the printed proof does not verify: %v", err)
	}
	if code, _, errs := run(t, "audit", "prove", "--app", "Audited", "--event", "9"); code == 0 || !strings.Contains(errs, "no sealed event 9") {
		t.Fatalf("prove of a missing event: %d %q", code, errs)
	}
	db := sqlx.MustOpen("postgres", dsn)
	defer db.Close()
	db.MustExec(`ALTER TABLE audit_events DISABLE TRIGGER USER`)
	db.MustExec(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`)
	db.MustExec(`ALTER TABLE audit_events ENABLE TRIGGER USER`)
	code, out, _ = run(t, "audit", "verify")
	if code == 0 || !strings.Contains(out, "BROKEN at event 2") {
		t.Fatalf("tampered verify: %d %q", code, out)
	}
}

// The real binary's serve command, on :0, answering HTTP until cancelled.
func TestServeBootsAndStops(t *testing.T) {
	withDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--http", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res, err = http.Post(base+"/v3/session/import-shared/", "application/json", strings.NewReader(`{}`))
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("unauthenticated import: %v %v", res, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
}
