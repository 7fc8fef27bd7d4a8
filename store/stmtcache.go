package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/lib/pq"
)

// lib/pq sends a statement with parameters as two round trips (parse and
// describe, then bind and execute). The pool's connections instead keep
// each statement they have run prepared, by its text, so running it again
// is one round trip; an import's sixteen statements cost sixteen waits for
// the server instead of thirty-two. Statements without parameters go as
// simple queries, as before.

// stmtCacheSize bounds the statements one connection keeps prepared; the
// least recently used is closed past it (handoff issues fewer than this
// distinct statements, but some are built with a variable number of rows).
const stmtCacheSize = 300

// cachingConnector opens lib/pq connections that keep their statements
// prepared. forget makes every connection drop them before its next
// statement (after migrations, which may change what a cached statement
// returns).
type cachingConnector struct {
	*pq.Connector
	epoch atomic.Int64
}

func newCachingConnector(dsn string) (*cachingConnector, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConnector{Connector: c}, nil
}

func (c *cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc := dc.(pqConn)
	if _, err := pc.ExecContext(ctx, planSQL[customPlans], nil); err != nil {
		pc.Close()
		return nil, err
	}
	return &cachingConn{conn: pc, owner: c, epoch: c.epoch.Load(), plans: customPlans,
		stmts: map[string]*list.Element{}, order: list.New()}, nil
}

// How PostgreSQL plans a connection's prepared statements. Left to
// itself it plans each of the first five runs for its values, then
// switches to one generic plan if that looks no dearer.
//
// A write transaction's statements are keyed: each names the rows it
// reads, writes or (through a foreign key) checks by their key within one
// application. Their generic plan is the right one for every application,
// and made once per connection. Planned for their values instead, they
// are only as good as the last ANALYZE's picture of that application: an
// application created since, or grown fast, looks empty, every way to its
// rows looks as cheap, and the planner may pick an index that leads with
// the application alone — then each foreign-key check and duplicate probe
// of an import reads all of the application's sessions (measured: 77
// buffers a check instead of 4, an import's lookups 1,700 buffers instead
// of 120, until autovacuum's next ANALYZE).
//
// Reads outside a write transaction are planned for their values: a page
// of a list or a bounded count scans one application's range, and a
// generic plan made for the average application can suit a small one
// badly (measured: the first page of a 50-session application beside a
// 1,000,000-session one, 1.2 ms planned for its values, 170 ms generic).
//
// A statement outside a transaction that is keyed all the same (the
// sequencer's, the notifier's, a mint's) begins with Keyed and is planned
// generically too. Planned for its values it is planned again at every
// call (measured: a mint's two statements so, 1,606–1,693 mints/s;
// generic, 2,309–2,395/s), and between write transactions it costs no SET.
type planMode int8

// Keyed begins a statement outside a transaction that is planned
// generically (see planMode).
const Keyed = "/* keyed */ "

const (
	unknownPlans planMode = iota
	customPlans
	genericPlans
)

var planSQL = map[planMode]string{
	customPlans:  "SET plan_cache_mode = force_custom_plan",
	genericPlans: "SET plan_cache_mode = force_generic_plan",
}

// plan sets the connection's plan mode to want, outside any transaction
// (so that no rollback undoes it), when it is not set so already.
func (c *cachingConn) plan(ctx context.Context, want planMode) error {
	if c.plans == want {
		return nil
	}
	c.plans = unknownPlans
	if _, err := c.conn.ExecContext(ctx, planSQL[want], nil); err != nil {
		return err
	}
	c.plans = want
	return nil
}

func (c *cachingConnector) forget() { c.epoch.Add(1) }

// pqConn is what database/sql uses of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

type cachingConn struct {
	conn  pqConn
	owner *cachingConnector
	epoch int64
	stmts map[string]*list.Element // query → element of order holding a *cachedStmt
	order *list.List               // most recently used first
	inTx  bool                     // a transaction is open: a failed statement has aborted it
	plans planMode                 // the connection's plan_cache_mode, as plan last set it
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

// prepared returns the connection's prepared statement for query,
// preparing it on first use.
func (c *cachingConn) prepared(ctx context.Context, query string) (driver.Stmt, error) {
	if e := c.owner.epoch.Load(); e != c.epoch {
		// Statements prepared before a migration may describe tables
		// that have changed since: they are left unused (their names are
		// never reused) rather than closed one round trip each.
		c.epoch = e
		c.stmts = map[string]*list.Element{}
		c.order.Init()
	}
	if el, ok := c.stmts[query]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cachedStmt).stmt, nil
	}
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = c.order.PushFront(&cachedStmt{query: query, stmt: st})
	if c.order.Len() > stmtCacheSize {
		old := c.order.Back()
		c.drop(old)
		if err := old.Value.(*cachedStmt).stmt.Close(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (c *cachingConn) drop(el *list.Element) {
	c.order.Remove(el)
	delete(c.stmts, el.Value.(*cachedStmt).query)
}

// stale forgets query's statement when the server says it is stale (a
// table it reads was changed by another connection, such as another
// process's migration), so that the next use prepares it afresh, and
// reports whether it was: outside a transaction that next use is at once
// (retried); inside one the statement has aborted the transaction, and
// the error goes to the caller, whose use case may run again.
func (c *cachingConn) stale(query string, err error) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) || (pe.Code != "0A000" && pe.Code != "26000") { // cached plan changed; no such statement
		return false
	}
	if el, ok := c.stmts[query]; ok {
		c.drop(el)
	}
	return true
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.conn.QueryContext(ctx, query, args)
	}
	if err := c.planOutsideTx(ctx, query); err != nil {
		return nil, err
	}
	for retried := false; ; retried = true {
		st, err := c.prepared(ctx, query)
		if err != nil {
			return nil, err
		}
		rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
		if err == nil || !c.stale(query, err) || c.inTx || retried {
			return rows, err
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.conn.ExecContext(ctx, query, args)
	}
	if err := c.planOutsideTx(ctx, query); err != nil {
		return nil, err
	}
	for retried := false; ; retried = true {
		st, err := c.prepared(ctx, query)
		if err != nil {
			return nil, err
		}
		res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
		if err == nil || !c.stale(query, err) || c.inTx || retried {
			return res, err
		}
	}
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.conn.PrepareContext(ctx, query)
}
func (c *cachingConn) Begin() (driver.Tx, error) { //nolint:staticcheck // driver.Conn requires it
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// planOutsideTx plans a statement outside a transaction for its values,
// or generically when it is Keyed; inside one, the transaction's mode
// holds (see BeginTx).
func (c *cachingConn) planOutsideTx(ctx context.Context, query string) error {
	if c.inTx {
		return nil
	}
	if strings.HasPrefix(query, Keyed) {
		return c.plan(ctx, genericPlans)
	}
	return c.plan(ctx, customPlans)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	want := genericPlans
	if opts.ReadOnly {
		want = customPlans
	}
	if err := c.plan(ctx, want); err != nil {
		return nil, err
	}
	tx, err := c.conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return cachingTx{Tx: tx, c: c}, nil
}

// cachingTx marks its connection out of the transaction when it ends.
type cachingTx struct {
	driver.Tx
	c *cachingConn
}

func (t cachingTx) Commit() error                                  { t.c.inTx = false; return t.Tx.Commit() }
func (t cachingTx) Rollback() error                                { t.c.inTx = false; return t.Tx.Rollback() }
func (c *cachingConn) Close() error                                { return c.conn.Close() }
func (c *cachingConn) Ping(ctx context.Context) error              { return c.conn.Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error      { return c.conn.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                               { return c.conn.IsValid() }
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error { return c.conn.CheckNamedValue(nv) }
