package group

import "github.com/vigilhq/vigil/internal/store"

// Migrations create the groups' tables.
var Migrations = []store.Migration{{ID: "group/0001_groups", SQL: []string{
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
	`CREATE TABLE IF NOT EXISTS vigil_group_members (
		group_id  TEXT NOT NULL,
		event_key TEXT NOT NULL,
		event_id  TEXT NOT NULL,
		added_at  BIGINT NOT NULL,
		payload   {blob} NOT NULL,
		PRIMARY KEY (group_id, event_key)
	)`,
}}}
