package investigate

import (
	"context"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Migrations create investigation's tables.
//
// The shape serves the queries, not the record: a call is one narrow row
// of integers (entities are 64-bit hashes of their names, see Entity.id),
// indexed once per way a timeline is asked for (by principal, by baseline
// principal, by access key, by source address, by resource). Baselines are
// read from daily and hourly aggregates kept as records are stored, so a
// label never scans a principal's history. The full record stays where it
// came from (the log file, or the stored event for live records).
var Migrations = []store.Migration{{ID: "investigate/0001_base", SQL: []string{
	// ekey is a 64-bit hash of eventID: a record is stored once.
	`CREATE TABLE IF NOT EXISTS inv_events (
		ekey      BIGINT PRIMARY KEY,
		event_id  TEXT NOT NULL,
		t         BIGINT NOT NULL,
		principal BIGINT NOT NULL,
		base      BIGINT NOT NULL,
		akey      BIGINT NOT NULL,
		ip        BIGINT NOT NULL,
		ua        BIGINT NOT NULL,
		region    TEXT NOT NULL,
		source    TEXT NOT NULL,
		name      TEXT NOT NULL,
		error     TEXT NOT NULL,
		flags     INTEGER NOT NULL,
		resources TEXT NOT NULL,
		src       BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS inv_events_principal ON inv_events (principal, t)`,
	`CREATE INDEX IF NOT EXISTS inv_events_base ON inv_events (base, t)`,
	`CREATE INDEX IF NOT EXISTS inv_events_akey ON inv_events (akey, t)`,
	`CREATE INDEX IF NOT EXISTS inv_events_ip ON inv_events (ip, t)`,
	// Denied calls, for failed-burst: few, so a partial index.
	`CREATE INDEX IF NOT EXISTS inv_events_denied ON inv_events (base, t) WHERE (flags & 1) = 1`,
	`CREATE TABLE IF NOT EXISTS inv_event_resources (
		res  BIGINT NOT NULL,
		t    BIGINT NOT NULL,
		ekey BIGINT NOT NULL,
		PRIMARY KEY (res, t, ekey)
	)`,
	`CREATE TABLE IF NOT EXISTS inv_entities (
		id       BIGINT PRIMARY KEY,
		kind     TEXT NOT NULL,
		name     TEXT NOT NULL,
		first_us BIGINT NOT NULL,
		last_us  BIGINT NOT NULL,
		n        BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS inv_relations (
		a        BIGINT NOT NULL,
		rel      TEXT NOT NULL,
		b        BIGINT NOT NULL,
		first_us BIGINT NOT NULL,
		last_us  BIGINT NOT NULL,
		n        BIGINT NOT NULL,
		PRIMARY KEY (a, rel, b)
	)`,
	`CREATE INDEX IF NOT EXISTS inv_relations_b ON inv_relations (b)`,
	// What each baseline principal used, per UTC day: dim is 1 ip, 2 user
	// agent, 3 region, 4 api; first_us is its first use that day.
	`CREATE TABLE IF NOT EXISTS inv_seen (
		base     BIGINT NOT NULL,
		day      BIGINT NOT NULL,
		dim      INTEGER NOT NULL,
		val      BIGINT NOT NULL,
		n        BIGINT NOT NULL,
		first_us BIGINT NOT NULL,
		PRIMARY KEY (base, day, dim, val)
	)`,
	// Calls per baseline principal per UTC hour, for volume-spike.
	`CREATE TABLE IF NOT EXISTS inv_hours (
		base BIGINT NOT NULL,
		hour BIGINT NOT NULL,
		n    BIGINT NOT NULL,
		PRIMARY KEY (base, hour)
	)`,
	// Log files loaded (completely), so a re-run skips them.
	`CREATE TABLE IF NOT EXISTS inv_files (
		name      TEXT PRIMARY KEY,
		size      BIGINT NOT NULL,
		etag      TEXT NOT NULL,
		records   BIGINT NOT NULL,
		loaded_at BIGINT NOT NULL
	)`,
}}, {ID: migrationClustered, Run: clusterEvents}}

const migrationClustered = "investigate/0002_events_by_time"

// clusterEvents keys inv_events by (t, ekey) instead of ekey.
//
// With ekey (a hash) as the key, every stored record went to a random
// place in the key's b-tree (and on SQLite, where only INTEGER PRIMARY
// KEY is the row itself, into a separate index beside the rows): a
// transaction of 10,000 records touched most of that index's pages, and
// the more records a database held, the more each commit wrote. Records
// arrive roughly in time order, so with (t, ekey) they are appended; on
// SQLite the table is WITHOUT ROWID, the rows stored in the key's b-tree
// itself, one b-tree less per record. A record is still stored once: the
// same eventID always comes with the same eventTime.
//
// The statements differ between the databases (WITHOUT ROWID), so the
// migration runs them itself, in one transaction with its record.
func clusterEvents(ctx context.Context, st *store.Store) error {
	table := `CREATE TABLE inv_events_new (
		t         BIGINT NOT NULL,
		ekey      BIGINT NOT NULL,
		base      BIGINT NOT NULL,
		principal BIGINT NOT NULL,
		akey      BIGINT NOT NULL,
		ip        BIGINT NOT NULL,
		ua        BIGINT NOT NULL,
		flags     INTEGER NOT NULL,
		region    TEXT NOT NULL,
		source    TEXT NOT NULL,
		name      TEXT NOT NULL,
		error     TEXT NOT NULL,
		resources TEXT NOT NULL,
		event_id  TEXT NOT NULL,
		src       BIGINT NOT NULL,
		PRIMARY KEY (t, ekey)
	)`
	if st.Kind() == store.SQLite {
		table += ` WITHOUT ROWID`
	}
	const cols = `t, ekey, base, principal, akey, ip, ua, flags, region, source, name, error, resources, event_id, src`
	stmts := []string{
		table,
		`INSERT INTO inv_events_new (` + cols + `) SELECT ` + cols + ` FROM inv_events`,
		`DROP TABLE inv_events`,
		`ALTER TABLE inv_events_new RENAME TO inv_events`,
		// Calls whose principal is its own baseline principal (IAM users,
		// root, services) are found through inv_events_base.
		`CREATE INDEX inv_events_principal ON inv_events (principal, t) WHERE principal <> base`,
		`CREATE INDEX inv_events_base ON inv_events (base, t)`,
		`CREATE INDEX inv_events_akey ON inv_events (akey, t)`,
		`CREATE INDEX inv_events_ip ON inv_events (ip, t)`,
		`CREATE INDEX inv_events_denied ON inv_events (base, t) WHERE (flags & 1) = 1`,
	}
	return st.InTx(ctx, func(tx store.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `SELECT id FROM vigil_schema_migrations WHERE id = ?`, migrationClustered).Scan(&id)
		if err == nil {
			return nil // applied by another replica meanwhile
		}
		if err != store.ErrNotFound {
			return err
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO vigil_schema_migrations (id, applied_at) VALUES (?, ?)`, migrationClustered, store.Micros(time.Now()))
		return err
	})
}
