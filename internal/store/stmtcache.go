package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"slices"
	"sync"

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
	dsn  string
	drv  *sqlite.Driver
	gate *gate
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{base: conn, stmts: map[string]*cachedStmt{}, gate: c.gate}, nil
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
	gate  *gate
	inTx  bool // the gate is held by this connection's transaction
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
	if err := c.gate.acquire(ctx); err != nil {
		return nil, err
	}
	tx, err := c.base.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		c.gate.release()
		return nil, err
	}
	c.inTx = true
	return &gatedTx{tx: tx, c: c}, nil
}

// gatedTx releases the gate when the transaction ends.
type gatedTx struct {
	tx driver.Tx
	c  *cachingConn
}

func (t *gatedTx) Commit() error {
	defer t.end()
	return t.tx.Commit()
}

func (t *gatedTx) Rollback() error {
	defer t.end()
	return t.tx.Rollback()
}

func (t *gatedTx) end() {
	if t.c.inTx {
		t.c.inTx = false
		t.c.gate.release()
	}
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
	if !c.inTx {
		if err := c.gate.acquire(ctx); err != nil {
			return nil, err
		}
		defer c.gate.release()
	}
	cs, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	return cs.s.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	gated := !c.inTx
	if gated {
		if err := c.gate.acquire(ctx); err != nil {
			return nil, err
		}
	}
	ungate := func() {
		if gated {
			c.gate.release()
		}
	}
	cs, release, err := c.stmt(ctx, query)
	if err != nil {
		ungate()
		return nil, err
	}
	rows, err := cs.s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		release()
		ungate()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: func() { release(); ungate() }}, nil
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

// gate lets one connection at a time use the database file, and hands it
// to waiting event commits (contexts marked with Priority) before anything
// else. SQLite has one writer; without the gate, the delivery side (River
// fetching and completing jobs) would take turns with ingest, and a burst
// of events would be acknowledged only as fast as earlier ones are
// delivered. Accepting (durably) comes first; delivery catches up.
type gate struct {
	mu   sync.Mutex
	busy bool
	hi   []chan struct{}
	lo   []chan struct{}
}

type priorityKey struct{}

// Priority marks ctx so that its transactions get the SQLite file before
// other waiting work. Ingest uses it for event commits.
func Priority(ctx context.Context) context.Context {
	return context.WithValue(ctx, priorityKey{}, true)
}

func (g *gate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if !g.busy {
		g.busy = true
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	hi := ctx.Value(priorityKey{}) != nil
	if hi {
		g.hi = append(g.hi, ch)
	} else {
		g.lo = append(g.lo, ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-ch: // handed over just now: pass it on
			g.releaseLocked()
		default:
			g.hi = slices.DeleteFunc(g.hi, func(c chan struct{}) bool { return c == ch })
			g.lo = slices.DeleteFunc(g.lo, func(c chan struct{}) bool { return c == ch })
		}
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releaseLocked()
}

func (g *gate) releaseLocked() {
	var next chan struct{}
	switch {
	case len(g.hi) > 0:
		next, g.hi = g.hi[0], g.hi[1:]
	case len(g.lo) > 0:
		next, g.lo = g.lo[0], g.lo[1:]
	default:
		g.busy = false
		return
	}
	close(next) // busy stays true: ownership passes to the waiter
}
