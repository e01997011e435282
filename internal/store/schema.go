package store

import (
	"context"
	"fmt"
	"strings"
)

// schema is vigil's own tables. {blob} is BLOB on SQLite and BYTEA on
// PostgreSQL; everything else is the same. Statements are idempotent so
// Open can run them on every start, from several replicas at once.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS vigil_events (
		dedup_key   TEXT PRIMARY KEY,
		event_id    TEXT NOT NULL,
		source      TEXT NOT NULL,
		detail_type TEXT NOT NULL,
		input       TEXT NOT NULL,
		received_at BIGINT NOT NULL,
		raw         {blob} NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_events_received ON vigil_events (received_at)`,
	`CREATE INDEX IF NOT EXISTS vigil_events_id ON vigil_events (event_id)`,
	`CREATE TABLE IF NOT EXISTS vigil_silences (
		id         TEXT PRIMARY KEY,
		rule       TEXT NOT NULL,
		pattern    TEXT NOT NULL,
		starts_at  BIGINT NOT NULL,
		ends_at    BIGINT NOT NULL,
		created_by TEXT NOT NULL,
		comment    TEXT NOT NULL,
		created_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS vigil_dead_letters (
		job_id      BIGINT PRIMARY KEY,
		kind        TEXT NOT NULL,
		rule        TEXT NOT NULL,
		target      TEXT NOT NULL,
		event_id    TEXT NOT NULL,
		args        {blob} NOT NULL,
		attempts    BIGINT NOT NULL,
		last_error  TEXT NOT NULL,
		failed_at   BIGINT NOT NULL,
		redriven_at BIGINT NOT NULL DEFAULT 0,
		redrive_job BIGINT NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_dead_letters_open ON vigil_dead_letters (redriven_at, failed_at)`,
	`CREATE TABLE IF NOT EXISTS vigil_delivered (
		job_id       BIGINT PRIMARY KEY,
		delivered_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS vigil_groups (
		group_id      TEXT PRIMARY KEY,
		rule          TEXT NOT NULL,
		target        TEXT NOT NULL,
		group_key     TEXT NOT NULL,
		flush_pending BIGINT NOT NULL DEFAULT 0,
		opened_at     BIGINT NOT NULL,
		last_event_at BIGINT NOT NULL DEFAULT 0,
		last_flush_at BIGINT NOT NULL DEFAULT 0
	)`,
	`CREATE TABLE IF NOT EXISTS vigil_explanations (
		event_id   TEXT NOT NULL,
		rule       TEXT NOT NULL,
		target     TEXT NOT NULL,
		lang       TEXT NOT NULL,
		engine     TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		body       {blob} NOT NULL,
		PRIMARY KEY (event_id, rule, target)
	)`,
	`CREATE TABLE IF NOT EXISTS vigil_group_members (
		group_id  TEXT NOT NULL,
		event_key TEXT NOT NULL,
		event_id  TEXT NOT NULL,
		added_at  BIGINT NOT NULL,
		payload   {blob} NOT NULL,
		PRIMARY KEY (group_id, event_key)
	)`,
}

func (s *Store) migrate(ctx context.Context) error {
	blob := "BLOB"
	if s.kind == Postgres {
		blob = "BYTEA"
		// Replicas starting together would race on CREATE TABLE IF NOT
		// EXISTS (PostgreSQL can fail with a unique violation on its
		// catalog); an advisory lock makes them take turns.
		return s.InTx(ctx, func(tx Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7311101)`); err != nil {
				return err
			}
			for _, q := range schema {
				if _, err := tx.Exec(ctx, strings.ReplaceAll(q, "{blob}", blob)); err != nil {
					return fmt.Errorf("database: creating vigil tables: %w", err)
				}
			}
			return nil
		})
	}
	for _, q := range schema {
		if _, err := s.Q().Exec(ctx, strings.ReplaceAll(q, "{blob}", blob)); err != nil {
			return fmt.Errorf("database: creating vigil tables: %w", err)
		}
	}
	return nil
}
