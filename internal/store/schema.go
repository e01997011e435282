package store

// Migrations are the store's own tables: events, silences and
// explanations. The first
// migration is written with IF NOT EXISTS so that databases made before
// versioned migrations existed take it as already applied.
var Migrations = []Migration{{ID: "store/0001_base", SQL: []string{
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
}}}
