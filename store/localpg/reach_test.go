package localpg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
)

// A cluster whose data folder the server account can no longer enter is
// not reported as started: Start says which folder is in the way.
func TestStartRefusesADataFolderTheServerCannotReach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only then does the cluster run as another account (postgres) that can be locked out; run it as root (CI does): sudo go test ./store/localpg -run " + t.Name())
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lpg-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	c, err := New(Config{Dir: dir, Port: SparePort(2)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(c.pgData(), 0o700)
		os.Chown(c.pgData(), c.runs.uid, c.runs.gid)
		c.Stop(ctx)
		os.RemoveAll(dir)
	})
	startPatiently(t, c)
	query := func() error {
		db, err := sqlx.Open("postgres", c.DSN("postgres"))
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, `CHECKPOINT`)
		return err
	}
	if err := query(); err != nil {
		t.Fatalf("a fresh cluster does not checkpoint: %v", err)
	}

	// Running, but its folder was taken away (as a chmod by hand would).
	if err := os.Chmod(c.pgData(), 0); err != nil {
		t.Fatal(err)
	}
	err = c.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "postgres account, which cannot reach its data folder "+c.pgData()) ||
		!strings.Contains(err.Error(), "chmod 0700 "+c.pgData()) {
		t.Fatalf("Start of a running cluster it cannot reach: %v", err)
	}
	t.Log(err)
	os.Chmod(c.pgData(), 0o700)

	// Stopped, and handed to root (a restore or a chown -R as root).
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(c.pgData(), 0, 0); err != nil {
		t.Fatal(err)
	}
	err = c.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), c.pgData()+" is owned by root, not postgres") {
		t.Fatalf("Start of a data folder owned by root: %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(c.pgData(), "postmaster.pid")); statErr == nil {
		t.Fatal("the server was started anyway")
	}

	// Given back, it starts and works again.
	os.Chown(c.pgData(), c.runs.uid, c.runs.gid)
	startPatiently(t, c)
	if err := query(); err != nil {
		t.Fatal(err)
	}
}

// startPatiently starts c, retrying for a few seconds: its port is in the
// ephemeral range, where another test's outgoing connection may hold it
// for a moment ("Address already in use").
func startPatiently(t *testing.T, c *Cluster) {
	t.Helper()
	for i := 0; ; i++ {
		err := c.Start(context.Background())
		if err == nil {
			return
		}
		if i == 4 {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
}
