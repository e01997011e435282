package scan

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// History keeps, per scan name, the findings the last run saw, so the next
// run can say what is new, what was resolved and what is still open. It
// lives in vigil's database (SQLite or PostgreSQL).
type History struct {
	st *store.Store
}

// Migrations create the scan history's tables.
var Migrations = []store.Migration{{ID: "scan/0001_history", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_scans (
		name        TEXT PRIMARY KEY,
		run         BIGINT NOT NULL,
		finished_at BIGINT NOT NULL,
		total       BIGINT NOT NULL,
		new_count   BIGINT NOT NULL,
		resolved    BIGINT NOT NULL,
		delivery    TEXT NOT NULL
	)`,
	// seen_run is the last run that saw the finding; prev_run the run
	// before that which saw it (so a run that failed half-way and is
	// retried with the same number still knows what was new).
	`CREATE TABLE IF NOT EXISTS vigil_scan_findings (
		name        TEXT NOT NULL,
		finding_id  TEXT NOT NULL,
		seen_run    BIGINT NOT NULL,
		prev_run    BIGINT NOT NULL,
		attempt     TEXT NOT NULL,
		resource    TEXT NOT NULL,
		control_id  TEXT NOT NULL,
		severity    TEXT NOT NULL,
		title       TEXT NOT NULL,
		account     TEXT NOT NULL,
		region      TEXT NOT NULL,
		PRIMARY KEY (name, finding_id)
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_scan_findings_run ON vigil_scan_findings (name, seen_run)`,
}}, archiveMigration}

// OpenHistory returns the history kept in st (migrated with Migrations).
func OpenHistory(ctx context.Context, st *store.Store) (*History, error) {
	if err := st.Migrate(ctx, Migrations); err != nil {
		return nil, fmt.Errorf("scan history: %w", err)
	}
	return &History{st: st}, nil
}

// LastRun returns the number and time of the last finished run of the
// scan name (0 when it never ran).
func (h *History) LastRun(ctx context.Context, name string) (run int64, at time.Time, err error) {
	var us int64
	err = h.st.Q().QueryRow(ctx, `SELECT run, finished_at FROM vigil_scans WHERE name = ?`, name).Scan(&run, &us)
	if err == store.ErrNotFound {
		return 0, time.Time{}, nil
	}
	return run, store.Time(us), err
}

// batchSize is how many findings one transaction records: memory stays
// bounded and SQLite commits stay few.
const batchSize = 500

// diffRun is one run of a scan being recorded.
type diffRun struct {
	h         *History
	name      string
	prev, cur int64
	pending   []*Finding
	emit      func(f *Finding, isNew bool) error
	news      int
	// attempt identifies this run's attempt, so a finding listed twice
	// (by two regions' aggregated views) is recognised and reported once.
	attempt  string
	delivery string
}

// begin starts run prev+1 of name; emit receives every finding once its
// status is known (in batches, in the order added). delivery identifies
// the job asking: a retry of a delivery whose run was already recorded
// runs that run again, so it reports the same changes instead of none.
func (h *History) begin(ctx context.Context, name, delivery string, emit func(*Finding, bool) error) (*diffRun, error) {
	var prev int64
	var last string
	err := h.st.Q().QueryRow(ctx, `SELECT run, delivery FROM vigil_scans WHERE name = ?`, name).Scan(&prev, &last)
	if err != nil && err != store.ErrNotFound {
		return nil, fmt.Errorf("scan history: %w", err)
	}
	if delivery != "" && last == delivery {
		prev--
	}
	var b [12]byte
	rand.Read(b[:])
	return &diffRun{h: h, name: name, delivery: delivery, prev: prev, cur: prev + 1, emit: emit, pending: make([]*Finding, 0, batchSize), attempt: hex.EncodeToString(b[:])}, nil
}

func (r *diffRun) first() bool { return r.prev == 0 }

func (r *diffRun) add(ctx context.Context, f *Finding) error {
	c := *f
	r.pending = append(r.pending, &c)
	if len(r.pending) >= batchSize {
		return r.flush(ctx)
	}
	return nil
}

func (r *diffRun) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	// The same finding may come twice in one run (from two regions'
	// aggregated views): record and report it once.
	batch := r.pending[:0:0]
	seen := make(map[string]bool, len(r.pending))
	for _, f := range r.pending {
		if !seen[f.ID] {
			seen[f.ID] = true
			batch = append(batch, f)
		}
	}
	isNew := make(map[string]bool, len(batch))
	dup := map[string]bool{}
	err := r.h.st.InTx(ctx, func(tx store.Tx) error {
		args := make([]any, 0, len(batch)+1)
		args = append(args, r.name)
		for _, f := range batch {
			args = append(args, f.ID)
			isNew[f.ID] = true
		}
		rows, err := tx.Query(ctx, `SELECT finding_id, seen_run, prev_run, attempt FROM vigil_scan_findings WHERE name = ? AND finding_id IN (?`+strings.Repeat(",?", len(batch)-1)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var seenRun, prevRun int64
			var attempt string
			if err := rows.Scan(&id, &seenRun, &prevRun, &attempt); err != nil {
				rows.Close()
				return err
			}
			last := seenRun
			if seenRun == r.cur {
				last = prevRun
			}
			isNew[id] = last != r.prev || r.prev == 0
			dup[id] = attempt == r.attempt
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range batch {
			if dup[f.ID] {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO vigil_scan_findings (name, finding_id, seen_run, prev_run, attempt, resource, control_id, severity, title, account, region)
				VALUES (?,?,?,0,?,?,?,?,?,?,?)
				ON CONFLICT (name, finding_id) DO UPDATE SET
					prev_run = CASE WHEN vigil_scan_findings.seen_run = excluded.seen_run THEN vigil_scan_findings.prev_run ELSE vigil_scan_findings.seen_run END,
					seen_run = excluded.seen_run, attempt = excluded.attempt, resource = excluded.resource, control_id = excluded.control_id,
					severity = excluded.severity, title = excluded.title, account = excluded.account, region = excluded.region`,
				r.name, f.ID, r.cur, r.attempt, f.Resource, f.ControlID, f.Severity, f.Title, f.Account, f.Region); err != nil {
				return err
			}
		}
		return r.archiveRows(ctx, tx, batch, isNew, dup)
	})
	if err != nil {
		return fmt.Errorf("scan history: %w", err)
	}
	for _, f := range batch {
		if dup[f.ID] {
			continue
		}
		if isNew[f.ID] {
			r.news++
		}
		if err := r.emit(f, isNew[f.ID]); err != nil {
			return err
		}
	}
	r.pending = r.pending[:0]
	return nil
}

// finish returns how many findings of the previous run were not seen
// again (resolved), with up to examples of them. The run does not become
// the baseline of the next one until commit: a run whose report was not
// delivered is compared against again.
func (r *diffRun) finish(ctx context.Context, examples int) (resolved int, ex []Finding, err error) {
	if err := r.flush(ctx); err != nil {
		return 0, nil, err
	}
	q := r.h.st.Q()
	// An earlier attempt at this run number that was never committed (its
	// report failed) marked findings this attempt did not see: give them
	// back their last committed run, so they count as resolved (or, when
	// they were new in that attempt, are forgotten).
	if _, err := q.Exec(ctx, `UPDATE vigil_scan_findings SET seen_run = prev_run WHERE name = ? AND seen_run = ? AND attempt <> ?`, r.name, r.cur, r.attempt); err != nil {
		return 0, nil, fmt.Errorf("scan history: %w", err)
	}
	if r.prev > 0 {
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM vigil_scan_findings WHERE name = ? AND seen_run = ?`, r.name, r.prev).Scan(&resolved); err != nil {
			return 0, nil, fmt.Errorf("scan history: %w", err)
		}
		rows, err := q.Query(ctx, `SELECT finding_id, resource, control_id, severity, title, account, region FROM vigil_scan_findings
			WHERE name = ? AND seen_run = ? ORDER BY control_id, resource LIMIT ?`, r.name, r.prev, examples)
		if err != nil {
			return 0, nil, fmt.Errorf("scan history: %w", err)
		}
		for rows.Next() {
			var f Finding
			if err := rows.Scan(&f.ID, &f.Resource, &f.ControlID, &f.Severity, &f.Title, &f.Account, &f.Region); err != nil {
				rows.Close()
				return 0, nil, err
			}
			ex = append(ex, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, nil, err
		}
	}
	return resolved, ex, nil
}

// commit makes the run the baseline the next run is compared with.
func (r *diffRun) commit(ctx context.Context, total, resolved int) error {
	err := r.h.st.InTx(ctx, func(tx store.Tx) error {
		// Findings resolved before the previous run are forgotten: if
		// they come back they are new either way.
		if _, err := tx.Exec(ctx, `DELETE FROM vigil_scan_findings WHERE name = ? AND seen_run < ?`, r.name, r.prev); err != nil {
			return err
		}
		now := time.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO vigil_scans (name, run, finished_at, total, new_count, resolved, delivery) VALUES (?,?,?,?,?,?,?)
			ON CONFLICT (name) DO UPDATE SET run = excluded.run, finished_at = excluded.finished_at, total = excluded.total,
				new_count = excluded.new_count, resolved = excluded.resolved, delivery = excluded.delivery`,
			r.name, r.cur, store.Micros(now), total, r.news, resolved, r.delivery); err != nil {
			return err
		}
		return r.archiveCommit(ctx, tx, now)
	})
	if err != nil {
		return fmt.Errorf("scan history: %w", err)
	}
	return nil
}
