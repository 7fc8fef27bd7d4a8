// Package pgtest gives tests a fresh, migrated PostgreSQL database on the
// same kind of private cluster the binary uses: started once (durability
// off, for speed) and shared by every test package, with each database
// cloned from a migrated template so creating one takes milliseconds.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"handoff/store"
	"handoff/store/localpg"
)

// template is named after the migrations it holds, so a cluster reused
// across checkouts of different schemas (branches, a CI run after a
// session) never clones a template migrated by other files.
var template = "handoff_template_" + store.MigrationsDigest()

var (
	once    sync.Once
	cluster *localpg.Cluster
	setup   error
)

// Cluster starts (or reuses) the test cluster. Its folder is
// $HANDOFF_TEST_DATA, else a folder under the system temp dir; its port
// $HANDOFF_TEST_PG_PORT, else 54339.
func Cluster(t testing.TB) *localpg.Cluster {
	t.Helper()
	once.Do(func() { setup = start() })
	if setup != nil {
		t.Fatalf("test PostgreSQL: %v", setup)
	}
	return cluster
}

func start() error {
	dir := os.Getenv("HANDOFF_TEST_DATA")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "handoff-test-"+strconv.Itoa(os.Getuid()))
	}
	port := 54339
	if p, err := strconv.Atoi(os.Getenv("HANDOFF_TEST_PG_PORT")); err == nil {
		port = p
	}
	c, err := localpg.New(localpg.Config{Dir: dir, Port: port, Durable: false})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		return err
	}
	cluster = c
	return withAdmin(ctx, func(admin *sqlx.Conn) error {
		var exists bool
		if err := admin.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template); err != nil {
			return err
		}
		if !exists {
			if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+template); err != nil {
				return err
			}
		}
		// Migrating an up-to-date template is a no-op; a test run after a
		// new migration brings it up to date. Close before anyone clones it.
		db, err := store.Open(ctx, c.DSN(template))
		if err != nil {
			return err
		}
		return db.Close()
	})
}

// withAdmin runs fn on a connection to the maintenance database holding an
// advisory lock, so that test processes of several packages never clone
// the template while another migrates it.
func withAdmin(ctx context.Context, fn func(*sqlx.Conn) error) error {
	db, err := sqlx.Open("postgres", cluster.DSN("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7301)`); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(7301)`)
	return fn(conn)
}

// DSN creates a fresh migrated database for t, dropped when t ends, and
// returns its connection string.
func DSN(t testing.TB) string {
	t.Helper()
	return fresh(t, template)
}

// EmptyDSN creates a fresh database with no schema at all (for migration
// tests), dropped when t ends.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	return fresh(t, "template0")
}

func fresh(t testing.TB, from string) string {
	t.Helper()
	c := Cluster(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	err := withAdmin(ctx, func(admin *sqlx.Conn) error {
		_, err := admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, from))
		return err
	})
	if err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		withAdmin(ctx, func(admin *sqlx.Conn) error {
			_, err := admin.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
			return err
		})
	})
	return c.DSN(name)
}

// DB returns a pool on a fresh migrated database, closed when t ends.
func DB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Connect(context.Background(), DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
