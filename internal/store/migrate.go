package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Migration is one versioned change to vigil's schema. Each package that
// owns tables keeps its migrations in a list of its own, in order, and the
// composition root hands every list to Open. Open applies the ones a
// database has not had yet, in order, each in its own transaction together
// with its record in vigil_schema_migrations, all under one lock: on
// PostgreSQL a session advisory lock, so that replicas starting at the same
// moment take turns; on SQLite the database's write lock, which each
// migration's transaction takes before it checks whether the migration is
// still to be applied. A migration is never edited once released: a change
// to a table is a new migration.
type Migration struct {
	// ID is unique across vigil and names the owner first:
	// "store/0001_events", "scan/0001_history".
	ID string
	// SQL is the statements to run, in order. "{blob}" is BLOB on SQLite
	// and BYTEA on PostgreSQL; everything else must be the same on both.
	SQL []string
	// Run, when set, runs instead of SQL and outside a transaction: for
	// schema a library manages with transactions of its own (River's).
	Run func(ctx context.Context, s *Store) error
	// Repeat runs the migration at every Open (still under the lock), for
	// a library that keeps its own version table and upgrades itself.
	Repeat bool
}

// migrationsTable records which migrations a database has had.
const migrationsTable = `CREATE TABLE IF NOT EXISTS vigil_schema_migrations (
	id         TEXT PRIMARY KEY,
	applied_at BIGINT NOT NULL
)`

// advisoryLock is the PostgreSQL session lock replicas take turns on.
const advisoryLock = 7311101

// Migrate applies the store's migrations and then sets, in order, those the
// database has not had (Open does it already for the sets it is given).
func (s *Store) Migrate(ctx context.Context, sets ...[]Migration) error {
	return s.migrate(ctx, sets)
}

// migrate applies sets in order: store's own first.
func (s *Store) migrate(ctx context.Context, sets [][]Migration) error {
	all := append([]Migration(nil), Migrations...)
	for _, set := range sets {
		all = append(all, set...)
	}
	seen := map[string]bool{}
	for _, m := range all {
		if m.ID == "" || seen[m.ID] {
			return fmt.Errorf("database: migration id %q is empty or repeated", m.ID)
		}
		seen[m.ID] = true
	}
	if s.kind == Postgres {
		conn, err := s.pg.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("database: %w", err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, advisoryLock); err != nil {
			return fmt.Errorf("database: waiting for the migration lock: %w", err)
		}
		defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, advisoryLock)
	}
	if _, err := s.Q().Exec(ctx, migrationsTable); err != nil {
		return fmt.Errorf("database: creating vigil_schema_migrations: %w", err)
	}
	for _, m := range all {
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("database: migration %s: %w", m.ID, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m Migration) error {
	blob := "BLOB"
	if s.kind == Postgres {
		blob = "BYTEA"
	}
	applied := func(q Querier) (bool, error) {
		var id string
		err := q.QueryRow(ctx, `SELECT id FROM vigil_schema_migrations WHERE id = ?`, m.ID).Scan(&id)
		if err == ErrNotFound {
			return false, nil
		}
		return err == nil, err
	}
	record := func(q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO vigil_schema_migrations (id, applied_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, m.ID, Micros(time.Now()))
		return err
	}
	if m.Run != nil {
		done, err := applied(s.Q())
		if err != nil || (done && !m.Repeat) {
			return err
		}
		if err := m.Run(ctx, s); err != nil {
			return err
		}
		return record(s.Q())
	}
	return s.InTx(ctx, func(tx Tx) error {
		done, err := applied(tx)
		if err != nil || done {
			return err
		}
		for _, q := range m.SQL {
			if _, err := tx.Exec(ctx, strings.ReplaceAll(q, "{blob}", blob)); err != nil {
				return err
			}
		}
		return record(tx)
	})
}

// Applied returns the ids of the migrations the database has had, in the
// order they were applied.
func (s *Store) Applied(ctx context.Context) ([]string, error) {
	rows, err := s.Q().Query(ctx, `SELECT id FROM vigil_schema_migrations ORDER BY applied_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
