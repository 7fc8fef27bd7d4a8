package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"

	"handoff/store"
	"handoff/store/pgtest"
)

// A connection keeps a statement prepared after its first run: the
// server lists it among the connection's prepared statements, and running
// it again with other values answers for those values.
func TestStatementsStayPrepared(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const q = `SELECT $1::int + 1`
	for _, in := range []int{1, 41} {
		var out int
		if err := conn.GetContext(ctx, &out, q, in); err != nil {
			t.Fatal(err)
		}
		if out != in+1 {
			t.Fatalf("%s with %d = %d", q, in, out)
		}
	}
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, q); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%q is prepared %d times on the connection, want once", q, n)
	}
}

// A statement whose result changes shape under it, as another process's
// migration may change a table, is prepared afresh: after Migrate, and
// after the server's "cached plan must not change result type" when the
// change came from another connection. Outside a transaction the call
// that meets it is retried at once and works; inside one it fails (the
// transaction is aborted) and the next transaction's call works.
func TestStatementsAfterTheTableChanged(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	other, err := db.Connx(ctx) // another connection: another process's migration
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE shape (a int); INSERT INTO shape VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	alter := func(column string) {
		t.Helper()
		if _, err := other.ExecContext(ctx, `ALTER TABLE shape ADD COLUMN `+column+` int`); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT * FROM shape WHERE a = $1`
	read := func(on interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}) (int, error) {
		rows, err := on.QueryContext(ctx, q, 1)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
		}
		return len(cols), rows.Err()
	}
	if n, err := read(conn); err != nil || n != 1 {
		t.Fatalf("first read: %d columns, %v", n, err)
	}
	var prepared int
	if err := conn.GetContext(ctx, &prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, q); err != nil || prepared != 1 {
		t.Fatalf("%q prepared %d times (%v), want once", q, prepared, err)
	}
	alter("b")
	if n, err := read(conn); err != nil || n != 2 {
		t.Fatalf("outside a transaction, after another connection's change: %d columns, %v", n, err)
	}

	alter("c")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pe *pq.Error
	if _, err := read(tx); !errors.As(err, &pe) || pe.Code != "0A000" {
		t.Fatalf("inside a transaction, after another connection's change: %v, want cached plan must not change result type", err)
	}
	tx.Rollback()
	tx, err = conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := read(tx); err != nil || n != 3 {
		t.Fatalf("the next transaction: %d columns, %v", n, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	alter("d")
	if err := db.Migrate(ctx); err != nil { // nothing to apply; drops the prepared statements all the same
		t.Fatal(err)
	}
	if n, err := read(conn); err != nil || n != 4 {
		t.Fatalf("after Migrate: %d columns, %v", n, err)
	}
}

// Changes announced in a transaction are heard once it has committed,
// never when it rolls back; outside a transaction at once.
func TestNotifyAfterCommit(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard, _, ready := db.Listen(ctx, store.ChangesChannel)
	<-ready
	next := func() string {
		select {
		case p := <-heard:
			return p
		case <-time.After(time.Minute): // a bound for "never", not a timing assertion
			t.Fatal("no notification within a minute")
			return ""
		}
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.Notify(ctx, tx, "rolled back"); err != nil {
			return err
		}
		return errors.New("fail")
	}); err == nil {
		t.Fatal("the transaction did not fail")
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return store.Notify(ctx, tx, "committed 1", "committed 2") }); err != nil {
		t.Fatal(err)
	}
	if err := store.Notify(ctx, db, "outside"); err != nil {
		t.Fatal(err)
	}
	// The committed ones come from the sender in order; "outside" may
	// pass them.
	got := map[string]int{}
	var committed []string
	for got["committed 1"]+got["committed 2"]+got["outside"] < 3 {
		p := next()
		got[p]++
		switch p {
		case "rolled back":
			t.Fatal("heard the change of a transaction that rolled back")
		case "committed 1", "committed 2":
			committed = append(committed, p)
		}
	}
	if len(committed) != 2 || committed[0] != "committed 1" || got["outside"] != 1 {
		t.Fatalf("heard %v, the committed ones as %q", got, committed)
	}
	// Nothing of the rolled-back transaction comes later either: a last
	// change is the next thing heard.
	if err := store.Notify(ctx, db, "last"); err != nil {
		t.Fatal(err)
	}
	if p := next(); p != "last" {
		t.Fatalf("heard %q, want last", p)
	}
}

// A read-write transaction's statements are planned generically, and
// statements outside one (and in a read-only one) for their values; the
// mode is the connection's own and survives a rollback, so that the next
// statement still gets the mode it is meant to.
func TestPlansFollowTheTransaction(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const show = `SELECT current_setting($1)`
	outside := func(when string) {
		t.Helper()
		var mode string
		if err := conn.GetContext(ctx, &mode, show, "plan_cache_mode"); err != nil {
			t.Fatal(err)
		}
		if mode != "force_custom_plan" {
			t.Fatalf("%s, a statement outside a transaction plans with %s", when, mode)
		}
	}
	inside := func(readOnly, commit bool, want string) {
		t.Helper()
		tx, err := conn.BeginTxx(ctx, &sql.TxOptions{ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		var mode string
		err = tx.GetContext(ctx, &mode, show, "plan_cache_mode")
		end := tx.Rollback
		if commit {
			end = tx.Commit
		}
		// The transaction ends before any failure is reported: the
		// deferred Close would wait for it.
		if err := errors.Join(err, end()); err != nil {
			t.Fatal(err)
		}
		if mode != want {
			t.Fatalf("read-only %v: a statement in the transaction plans with %s, want %s", readOnly, mode, want)
		}
	}
	outside("on a new connection")
	inside(false, false, "force_generic_plan")
	outside("after a rolled-back write transaction")
	inside(true, true, "force_custom_plan")
	outside("after a read-only transaction")
	inside(false, true, "force_generic_plan")
	outside("after a committed write transaction")
	inside(false, true, "force_generic_plan")
	// A keyed statement outside plans generically, after a write
	// transaction (no SET) and after a statement planned for its values.
	keyed := func(when string) {
		t.Helper()
		var mode string
		if err := conn.GetContext(ctx, &mode, store.Keyed+show, "plan_cache_mode"); err != nil {
			t.Fatal(err)
		}
		if mode != "force_generic_plan" {
			t.Fatalf("%s, a keyed statement plans with %s", when, mode)
		}
	}
	keyed("after a write transaction")
	outside("after a keyed statement")
	keyed("after a statement planned for its values")
	inside(true, true, "force_custom_plan")
}
