package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func authorizedKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk))) + " alice@laptop"
}

func TestAnalystCommands(t *testing.T) {
	withDB(t)
	run(t, "app", "create", "--name", "Harbor", "--workflow", "k:user")
	run(t, "app", "create", "--name", "Northwind", "--workflow", "k:user")
	key := authorizedKey(t)
	keyFile := filepath.Join(t.TempDir(), "keys.pub")
	os.WriteFile(keyFile, []byte("# alice's other laptop\n"+authorizedKey(t)+"\n"), 0o600)

	if code, out, errs := run(t, "analyst", "add", "--name", "alice", "--app", "Harbor", "--app", "Northwind",
		"--key", key, "--key-file", keyFile); code != 0 || !strings.Contains(out, "2 key(s) for 2 application(s)") {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"analyst", "add", "--name", "bob", "--app", "Harbor", "--key", "ssh-ed25519 not-base64"}, "not an SSH public key"},
		{[]string{"analyst", "add", "--name", "bob", "--app", "Nowhere", "--key", key}, "no application named"},
		{[]string{"analyst", "add", "--name", "bob smith", "--app", "Harbor", "--key", key}, "may contain only"},
		{[]string{"analyst", "add", "--name", "bob", "--app", "Harbor"}, "at least one SSH public key"},
		{[]string{"analyst", "add", "--name", "bob", "--key", key}, "at least one application"},
		{[]string{"analyst", "remove", "carol"}, "no analyst named"},
	} {
		if code, _, errs := run(t, tc.args...); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, code, errs, tc.want)
		}
	}
	_, out, _ := run(t, "analyst", "list")
	if !strings.Contains(out, "alice") || !strings.Contains(out, "Harbor, Northwind") || strings.Contains(out, "bob") {
		t.Fatalf("list:\n%s", out)
	}
	var listed []struct {
		Name         string   `json:"name"`
		Apps         []string `json:"applications"`
		AppIDs       []string `json:"application_ids"`
		Fingerprints []string `json:"key_fingerprints"`
	}
	if _, out, _ := run(t, "analyst", "list", "--json"); json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 1 ||
		listed[0].Name != "alice" || strings.Join(listed[0].Apps, ",") != "Harbor,Northwind" || len(listed[0].AppIDs) != 2 ||
		len(listed[0].Fingerprints) != 2 || !strings.HasPrefix(listed[0].Fingerprints[0], "SHA256:") {
		t.Fatalf("list --json:\n%s", out)
	}
	if code, _, errs := run(t, "analyst", "remove", "alice"); code != 0 {
		t.Fatal(errs)
	}
	if _, out, _ := run(t, "analyst", "list"); strings.Contains(out, "alice") {
		t.Fatalf("alice still listed after removal:\n%s", out)
	}
}
