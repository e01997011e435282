// Package store is vigil's database: SQLite (the default, one file, pure Go)
// or PostgreSQL (for several vigil serve replicas). It holds accepted
// events, silences, dead letters and notification groups; the River job
// queue (package jobs) lives in the same database so an event and the jobs
// it causes are committed in one transaction.
//
// Both databases run the same SQL, written with ? placeholders; times are
// stored as Unix microseconds so no type differs between them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"modernc.org/sqlite"
)

// Kind says which database a Store uses.
type Kind string

// The databases vigil supports.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Store is an open vigil database.
type Store struct {
	kind Kind
	db   *sql.DB       // SQLite
	pg   *pgxpool.Pool // PostgreSQL
	lock *os.File      // SQLite: held while open so only one process uses the file
	path string
}

// Open connects to the database named by dsn (sqlite://PATH or
// postgres://...) and applies the store's migrations, then each of sets
// (other packages' migrations, see Migration) in order.
//
// A SQLite file is used by one process at a time: Open fails if another
// vigil holds it, because job recovery after a crash assumes no other
// process is working its jobs.
func Open(ctx context.Context, dsn string, sets ...[]Migration) (*Store, error) {
	s, err := open(ctx, dsn, true)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, sets); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenShared is Open for short-lived commands (vigil silence, vigil
// deadletters) that may run beside a vigil serve on the same SQLite file:
// it does not take the single-process lock.
func OpenShared(ctx context.Context, dsn string, sets ...[]Migration) (*Store, error) {
	s, err := open(ctx, dsn, false)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, sets); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func open(ctx context.Context, dsn string, exclusive bool) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(dsn, exclusive)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		if cfg.MaxConns < 8 {
			cfg.MaxConns = 8
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := pool.Ping(pctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("database: connecting to PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
		}
		return &Store{kind: Postgres, pg: pool}, nil
	}
	return nil, fmt.Errorf("database: want sqlite://PATH or postgres://..., got %q", dsn)
}

// SQLiteFile returns the file a sqlite:// dsn names: "" for PostgreSQL and
// for sqlite://:memory:. Open creates that file when it does not exist; a
// command that only reads checks it first, so that a mistyped path is an
// error instead of a new, empty database.
func SQLiteFile(dsn string) string {
	if !strings.HasPrefix(dsn, "sqlite:") {
		return ""
	}
	if path, _ := sqlitePath(dsn); path != ":memory:" {
		return path
	}
	return ""
}

// sqlitePath splits sqlite://PATH?QUERY.
func sqlitePath(dsn string) (path, query string) {
	rest := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
	path, query, _ = strings.Cut(rest, "?")
	return path, query
}

// openSQLite opens sqlite://PATH[?synchronous=FULL]. WAL with
// synchronous=NORMAL keeps every commit through a process crash (SIGKILL);
// synchronous=FULL also through a power loss, at some cost in speed.
func openSQLite(dsn string, exclusive bool) (*Store, error) {
	path, query := sqlitePath(dsn)
	if path == "" {
		return nil, errors.New("database: sqlite:// needs a file path, e.g. sqlite://./vigil.db")
	}
	sync := "NORMAL"
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		for k, v := range q {
			switch k {
			case "synchronous":
				sync = strings.ToUpper(v[0])
				if sync != "NORMAL" && sync != "FULL" && sync != "EXTRA" {
					return nil, fmt.Errorf("database: synchronous: want NORMAL, FULL or EXTRA, got %q", v[0])
				}
			default:
				return nil, fmt.Errorf("database: unknown SQLite option %q (known: synchronous)", k)
			}
		}
	}
	s := &Store{kind: SQLite, path: path}
	if path != ":memory:" {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("database: %w", err)
			}
		}
		if exclusive {
			f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
			if err != nil {
				return nil, fmt.Errorf("database: %w", err)
			}
			if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
				f.Close()
				return nil, fmt.Errorf("database: %s is in use by another vigil process (one process per SQLite file; use PostgreSQL for replicas)", path)
			}
			s.lock = f
		}
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "synchronous("+sync+")")
	// Statement journals (kept by every multi-row or upserting statement
	// inside a transaction) in memory, not in a temporary file: in a file
	// they were most of a bulk write's system calls.
	v.Add("_pragma", "temp_store(MEMORY)")
	v.Add("_txlock", "immediate")
	db := sql.OpenDB(cachingConnector{dsn: "file:" + path + "?" + v.Encode(), drv: &sqlite.Driver{}, gate: &gate{}})
	// SQLite has one writer. The gate (see stmtcache.go) lets one
	// connection at a time in, event commits first; a second connection
	// lets a waiting event commit queue at the gate instead of behind
	// whoever holds the only connection.
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		s.Close()
		return nil, fmt.Errorf("database: opening %s: %w", path, err)
	}
	s.db = db
	return s, nil
}

// Kind returns which database s uses.
func (s *Store) Kind() Kind { return s.kind }

// SQLDB returns the SQLite handle (nil for PostgreSQL), for the River driver.
func (s *Store) SQLDB() *sql.DB { return s.db }

// PGPool returns the PostgreSQL pool (nil for SQLite), for the River driver.
func (s *Store) PGPool() *pgxpool.Pool { return s.pg }

// Close closes the database and releases the SQLite file lock.
func (s *Store) Close() error {
	var err error
	if s.db != nil {
		err = s.db.Close()
	}
	if s.pg != nil {
		s.pg.Close()
	}
	if s.lock != nil {
		s.lock.Close()
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.pg != nil {
		return s.pg.Ping(ctx)
	}
	return s.db.PingContext(ctx)
}

// Querier runs SQL written with ? placeholders, in or out of a transaction.
type Querier interface {
	// Exec runs a statement and returns the number of rows it changed.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, q string, args ...any) (Rows, error)
	// QueryRow runs a query expected to return at most one row.
	QueryRow(ctx context.Context, q string, args ...any) Row
}

// Tx is a transaction. Raw returns the driver's own transaction (*sql.Tx or
// pgx.Tx) so River can insert jobs in it.
type Tx interface {
	Querier
	Raw() any
}

// Rows is the result of Query.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the result of QueryRow; Scan returns ErrNotFound for no row.
type Row interface {
	Scan(dest ...any) error
}

// ErrNotFound is returned by Row.Scan when the query found nothing.
var ErrNotFound = errors.New("not found")

// Q returns a Querier outside any transaction.
func (s *Store) Q() Querier {
	if s.pg != nil {
		return pgQ{s.pg}
	}
	return sqlQ{s.db}
}

// InTx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(Tx) error) error {
	if s.pg != nil {
		tx, err := s.pg.Begin(ctx)
		if err != nil {
			return err
		}
		if err := fn(pgTx{pgQ{tx}, tx}); err != nil {
			tx.Rollback(context.WithoutCancel(ctx))
			return err
		}
		return tx.Commit(ctx)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(sqlTx{sqlQ{tx}, tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// sqlQ adapts database/sql (SQLite).
type sqlQ struct {
	db interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
}

func (q sqlQ) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (q sqlQ) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	r, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (q sqlQ) QueryRow(ctx context.Context, query string, args ...any) Row {
	return sqlRow{q.db.QueryRowContext(ctx, query, args...)}
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

type sqlRow struct{ r *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

type sqlTx struct {
	sqlQ
	tx *sql.Tx
}

func (t sqlTx) Raw() any { return t.tx }

// pgQ adapts pgx (PostgreSQL), rewriting ? placeholders to $n.
type pgQ struct {
	db interface {
		Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
		Query(context.Context, string, ...any) (pgx.Rows, error)
		QueryRow(context.Context, string, ...any) pgx.Row
	}
}

func (q pgQ) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	t, err := q.db.Exec(ctx, rebind(query), args...)
	if err != nil {
		return 0, err
	}
	return t.RowsAffected(), nil
}

func (q pgQ) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	r, err := q.db.Query(ctx, rebind(query), args...)
	if err != nil {
		return nil, err
	}
	return pgRows{r}, nil
}

func (q pgQ) QueryRow(ctx context.Context, query string, args ...any) Row {
	return pgRow{q.db.QueryRow(ctx, rebind(query), args...)}
}

type pgRows struct{ pgx.Rows }

type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

type pgTx struct {
	pgQ
	tx pgx.Tx
}

func (t pgTx) Raw() any { return t.tx }

// rebind rewrites ? placeholders as $1, $2, ... for PostgreSQL. vigil's SQL
// never has a ? inside a string literal.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Micros converts t to the stored form (Unix microseconds; 0 for zero time).
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// Time converts a stored Unix-microseconds value back (zero time for 0).
func Time(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us)
}
