package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	gossh "golang.org/x/crypto/ssh"

	"handoff/store/localpg"
)

// A new user's first `serve --ssh` as root, on the embedded cluster: the
// host key is created without taking the data folder away from the
// postgres account, so the cluster still checkpoints and answers.
func TestFirstServeSSHKeepsTheEmbeddedClusterAlive(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only then does the embedded cluster run as another account (postgres); run it as root (CI does): sudo go test ./cmd/handoff -run " + t.Name())
	}
	base, err := os.MkdirTemp("", "hdf-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o755)
	data := filepath.Join(base, "data") // not there yet, as for a new user
	t.Setenv("HANDOFF_DATA", data)
	port := localpg.SparePort(3)
	t.Setenv("HANDOFF_PG_PORT", strconv.Itoa(port))
	t.Setenv("DATABASE_URL", "")
	cluster, err := localpg.New(localpg.Config{Dir: data, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(data, 0o755)
		cluster.Stop(context.Background())
		os.RemoveAll(base)
	})

	// As the new user did: `handoff db start`, then the first
	// serve --ssh. The port is in the ephemeral range, where another test's
	// outgoing connection may hold it a moment: a few tries.
	for i := 0; ; i++ {
		code, _, errs := run(t, "db", "start")
		if code == 0 {
			break
		}
		if i == 4 {
			t.Fatalf("db start: %s", errs)
		}
		time.Sleep(time.Second)
	}

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	var stderr strings.Builder
	go func() {
		done <- Run(ctx, []string{"serve", "--ssh", "127.0.0.1:0"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "handoff SSH listening on ")
	if !ok {
		t.Fatalf("serve said %q", line)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop on cancel")
		}
	})

	// What used to PANIC the cluster: its next checkpoint.
	db, err := sqlx.Open("postgres", cluster.DSN(localDB))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CHECKPOINT`); err != nil {
		t.Fatalf("CHECKPOINT after the first serve --ssh: %v", err)
	}
	var apps int
	if err := db.Get(&apps, `SELECT count(*) FROM applications`); err != nil {
		t.Fatalf("a query after the checkpoint: %v", err)
	}

	fi, err := os.Stat(data)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m&0o001 == 0 {
		t.Errorf("the data folder is %v after the first serve --ssh: others cannot traverse it", m)
	}
	keyPath := filepath.Join(data, "secrets", "ssh_host_ed25519")
	kfi, err := os.Stat(keyPath)
	if err != nil {
		t.Fatalf("no host key in the secrets folder: %v", err)
	}
	if m := kfi.Mode().Perm(); m != 0o600 {
		t.Errorf("the host key has mode %v, want 0600", m)
	}

	// The server presents the key it wrote.
	pem, _ := os.ReadFile(keyPath)
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatalf("the host key file: %v", err)
	}
	var presented gossh.PublicKey
	gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "nobody", Timeout: 5 * time.Second,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error { presented = key; return nil }})
	if presented == nil || string(presented.Marshal()) != string(signer.PublicKey().Marshal()) {
		t.Fatal("the SSH server does not present the host key in the secrets folder")
	}

}
