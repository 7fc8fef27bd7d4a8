package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// EnsureDatabase creates the database name on the server adminDSN points
// at (any database there, such as "postgres") unless it exists. Two
// processes may race to create it: the loser finds it there and is content.
func EnsureDatabase(ctx context.Context, adminDSN, name string) error {
	db, err := sqlx.Open("postgres", adminDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	exists := func() (bool, error) {
		var ok bool
		err := db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name)
		return ok, err
	}
	ok, err := exists()
	if err != nil {
		return fmt.Errorf("the database server does not answer: %w", err)
	}
	if ok {
		return nil
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		if ok, err2 := exists(); err2 != nil || !ok {
			return err
		}
	}
	return nil
}
