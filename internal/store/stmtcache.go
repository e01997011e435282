package store

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// SQLite spends most of a small statement's time parsing it, and neither
// database/sql nor the pure-Go driver keeps parsed statements: River's job
// completion statement alone cost ~0.25 ms a call. cachingConnector wraps the
// driver so that each connection keeps its prepared statements by SQL text
// and only binds and steps them again.

// stmtCacheSize bounds the statements kept per connection; vigil and River
// use a few dozen distinct ones.
const stmtCacheSize = 256

type cachingConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{base: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

type cachedStmt struct {
	s    driver.Stmt
	busy bool // its rows are still open
}

type cachingConn struct {
	base  driver.Conn
	stmts map[string]*cachedStmt
	order []string // insertion order, for eviction
}

var (
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.base.Prepare(query) }

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.base.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.base.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.base.(driver.Pinger).Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.base.(driver.SessionResetter).ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return c.base.(driver.Validator).IsValid() }

func (c *cachingConn) Close() error {
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.s.Close())
	}
	c.stmts = nil
	errs = append(errs, c.base.Close())
	return errors.Join(errs...)
}

// stmt returns a prepared statement for query and a function to call when
// done with it. A statement whose rows are still open is not shared: the
// caller then gets a one-off statement, closed when released.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, func(), error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		cs.busy = true
		return cs, func() { cs.busy = false }, nil
	}
	s, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	cs := &cachedStmt{s: s, busy: true}
	if _, exists := c.stmts[query]; exists || len(query) > 8192 {
		return cs, func() { s.Close() }, nil
	}
	if len(c.order) >= stmtCacheSize {
		for i, q := range c.order {
			if old := c.stmts[q]; !old.busy {
				old.s.Close()
				delete(c.stmts, q)
				c.order = append(c.order[:i], c.order[i+1:]...)
				break
			}
		}
	}
	c.stmts[query] = cs
	c.order = append(c.order, query)
	return cs, func() { cs.busy = false }, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	return cs.s.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := cs.s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: release}, nil
}

// releasingRows gives its statement back when closed.
type releasingRows struct {
	driver.Rows
	release func()
	closed  bool
}

func (r *releasingRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.release()
	return err
}
