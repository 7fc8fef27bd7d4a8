package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"handoff/store"
	"handoff/store/pgtest"
)

// EnsureDatabase creates a database once, however many processes race to.
func TestEnsureDatabase(t *testing.T) {
	c := pgtest.Cluster(t)
	ctx := context.Background()
	name := fmt.Sprintf("ensure_%d", time.Now().UnixNano())
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- store.EnsureDatabase(ctx, c.DSN("postgres"), name) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("racing creators: %v", err)
		}
	}
	if err := store.EnsureDatabase(ctx, c.DSN("postgres"), name); err != nil {
		t.Fatalf("again: %v", err)
	}
	db, err := store.Connect(ctx, c.DSN(name))
	if err != nil {
		t.Fatalf("opening the new database: %v", err)
	}
	db.Close()
	t.Cleanup(func() {
		admin, err := store.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name)
			admin.Close()
		}
	})
	if err := store.EnsureDatabase(ctx, "postgres://127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2", "x"); err == nil {
		t.Fatal("no server, no error")
	}
}
