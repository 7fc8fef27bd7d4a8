package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

// Real failures of a real server, each mapped to unavailable (a 503 and
// "press r to retry"), while the server's refusals keep their own codes.
func TestDatabaseFailuresAreUnavailable(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db := sqlx.MustOpen("postgres", dsn)
	defer db.Close()

	unavailable := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		mapped := store.MapErr(err)
		if !domain.IsCode(mapped, domain.CodeUnavailable) || mapped.Error() != store.ErrUnavailable {
			t.Errorf("%s: %v (%T) maps to %v, want unavailable", what, err, err, mapped)
		}
	}

	// Statement timeout (57014).
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.ExecContext(ctx, `SET statement_timeout = 20`)
	_, err = conn.ExecContext(ctx, `SELECT pg_sleep(2)`)
	unavailable("statement timeout", err)

	// The server ends the connection (57P01, as at a shutdown).
	var pid int
	conn.GetContext(ctx, &pid, `SELECT pg_backend_pid()`)
	db.MustExec(`SELECT pg_terminate_backend($1)`, pid)
	_, err = conn.ExecContext(ctx, `SELECT 1`)
	unavailable("terminated connection", err)
	conn.Close()

	// Nothing listens: connection refused.
	refused := sqlx.MustOpen("postgres", "host=127.0.0.1 port=1 user=handoff dbname=x sslmode=disable connect_timeout=2")
	_, err = refused.ExecContext(ctx, `SELECT 1`)
	unavailable("connection refused", err)
	refused.Close()

	// No answer in time for the caller.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = db.ExecContext(short, `SELECT pg_sleep(2)`)
	cancel()
	unavailable("caller's deadline", err)

	// A closed pool, through a real store function.
	pool, err := store.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	_, err = store.ListApplications(ctx, pool)
	if !domain.IsCode(err, domain.CodeUnavailable) {
		t.Errorf("closed pool: %v, want unavailable", err)
	}

	// The server's refusals are not outages.
	_, err = db.ExecContext(ctx, `SELEC 1`)
	if store.MapErr(err) != err {
		t.Errorf("a syntax error maps to %v", store.MapErr(err))
	}
	_, err = db.ExecContext(ctx, `SELECT 1/0`)
	if domain.IsCode(store.MapErr(err), domain.CodeUnavailable) {
		t.Errorf("division by zero maps to unavailable")
	}
}
