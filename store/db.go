// Package store keeps handoff's data in PostgreSQL through sqlx and lib/pq.
// Functions take a Queryer, which both the pool and a transaction satisfy,
// so the review layer composes one transaction around a whole use case.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"handoff/domain"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Queryer is what store functions run on: *DB or *Tx.
type Queryer interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// DB is the connection pool.
type DB struct {
	*sqlx.DB
	dsn       string
	connector *cachingConnector
	notes     notifier
	sealWake  *waker
}

// Tx is one transaction.
type Tx = sqlx.Tx

// Open connects to dsn, checks the server answers, and applies pending
// migrations (serialised across processes by an advisory lock).
func Open(ctx context.Context, dsn string) (*DB, error) {
	db, err := Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// MigrationsDigest names the embedded migrations' contents: twelve hex
// digits of a SHA-256 over every file's name and bytes, in order.
func MigrationsDigest() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(migrations, "migrations")
	for _, e := range entries {
		b, _ := fs.ReadFile(migrations, "migrations/"+e.Name())
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Connect opens the pool without migrating.
func Connect(ctx context.Context, dsn string) (*DB, error) {
	connector, err := newCachingConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %v", Redact(dsn), err)
	}
	sdb := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	sdb.SetMaxOpenConns(64)
	sdb.SetMaxIdleConns(64)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("cannot reach the database at %s: %v", Redact(dsn), err)
	}
	return &DB{DB: sdb, dsn: dsn, connector: connector, sealWake: newWaker()}, nil
}

// DSN is the connection string the pool was opened with.
func (db *DB) DSN() string { return db.dsn }

// Migrate applies the embedded migrations.
func (db *DB) Migrate(ctx context.Context) error { return db.MigrateTo(ctx, 0) }

// MigrateTo applies the embedded migrations up to version (0: all), so a
// test can make a database as an older release left it.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 120))
	if err != nil {
		return err
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db.DB.DB, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true),
		// Capabilities are built side by side, each with its own range of
		// migration numbers, so a database may meet a lower number late.
		goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("loading migrations: %w", err)
	}
	defer db.forgetStatements()
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}

// forgetStatements makes the pool's connections prepare their statements
// afresh (a migration may have changed the tables they read).
func (db *DB) forgetStatements() {
	if db.connector != nil {
		db.connector.forget()
	}
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise, so nothing of a failed use case remains.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	st := &txState{}
	txNotes.Store(tx, st)
	defer txNotes.Delete(tx)
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback() // release the locks before the panic goes on
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err)
	}
	db.committed(st)
	return nil
}

// mapErr is the one place driver errors become domain errors: no rows is
// not found, a unique violation a conflict, a database that is down or too
// slow unavailable; matched by code and by error value, never by text.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFoundf("not found")
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505":
			return &domain.Error{Code: domain.CodeConflict, Message: "already exists"}
		case "23503":
			return domain.NotFoundf("a referenced record does not exist")
		case "22P02", "22001", "22021":
			return domain.Invalidf("invalid value")
		}
		switch pqErr.Code.Class() {
		// 08 connection exception, 53 insufficient resources (too many
		// connections, out of memory or disk), 57 operator intervention
		// (shutdown, crash, starting up, statement timeout 57014).
		case "08", "53", "57":
			return domain.Unavailable(ErrUnavailable, err)
		}
		return err
	}
	if lostConnection(err) {
		return domain.Unavailable(ErrUnavailable, err)
	}
	return err
}

// ErrUnavailable is what a caller is told when the database is down or did
// not answer in time.
const ErrUnavailable = "The database is unavailable; try again shortly."

// lostConnection reports a failure to reach or keep a connection to the
// server, or to get an answer in time, as opposed to a refusal by it.
func lostConnection(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, errPoolClosed),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &netErr):
		return true
	}
	return false
}

// errPoolClosed is database/sql's unexported "sql: database is closed",
// caught as the value a closed pool returns, so it is matched by identity.
var errPoolClosed = func() error {
	db := sql.OpenDB(neverConnector{})
	db.Close()
	return db.PingContext(context.Background())
}()

// neverConnector is a connector for a pool that is closed before use.
type neverConnector struct{}

func (neverConnector) Connect(context.Context) (driver.Conn, error) { return nil, driver.ErrBadConn }
func (neverConnector) Driver() driver.Driver                        { return nil }

// notFound maps no rows to a not-found error with msg, other errors as usual.
func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFoundf("%s", msg)
	}
	return mapErr(err)
}

// secretKeys are connection parameters whose values are never shown.
var secretKeys = map[string]bool{"password": true, "sslpassword": true, "sslkey": true}

// Redact removes passwords from a connection URL or key=value string so it
// can be shown and logged: the URL's user password, and any password-like
// parameter in its query or in the key=value form (quoted values included).
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		for k := range q {
			if secretKeys[strings.ToLower(k)] {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	return kvSecret.ReplaceAllString(dsn, "${1}xxxxx")
}

// kvSecret matches a secret key=value pair, the value bare or single-quoted
// with backslash escapes, as libpq writes them.
var kvSecret = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*|sslkey\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S*)`)
