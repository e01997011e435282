package scan

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/store"
)

// The archive keeps each recorded run of a scan (with a database): when it
// finished, its counts, and the rows its CSV had plus the findings it
// reported resolved, so the console can show the latest report, its diff
// against the previous one, and give its CSV again. Only the last keepRuns
// runs of each scan are kept.
const keepRuns = 10

// Row states in the archive.
const (
	// ChangeNew marks a violation that was not open at the previous run.
	ChangeNew = "new"
	// ChangeOpen marks a violation that was already open.
	ChangeOpen = "open"
	// ChangeResolved marks a violation open at the previous run and not
	// listed by this one.
	ChangeResolved = "resolved"
)

var archiveMigration = store.Migration{ID: "scan/0002_archive", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_scan_reports (
		name        TEXT NOT NULL,
		run         BIGINT NOT NULL,
		attempt     TEXT NOT NULL,
		finished_at BIGINT NOT NULL,
		baseline_at BIGINT NOT NULL DEFAULT 0,
		total       BIGINT NOT NULL,
		new_count   BIGINT NOT NULL,
		resolved    BIGINT NOT NULL,
		first_scan  BIGINT NOT NULL,
		owners      BIGINT NOT NULL,
		env         TEXT NOT NULL,
		lang        TEXT NOT NULL,
		PRIMARY KEY (name, run)
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_scan_reports_finished ON vigil_scan_reports (finished_at)`,
	// state is new, open or resolved; a resolved row has only the fields
	// the history kept (no observation times, URL or owner).
	`CREATE TABLE IF NOT EXISTS vigil_scan_report_rows (
		name            TEXT NOT NULL,
		run             BIGINT NOT NULL,
		finding_id      TEXT NOT NULL,
		attempt         TEXT NOT NULL,
		state           TEXT NOT NULL,
		resource        TEXT NOT NULL,
		title           TEXT NOT NULL,
		control_id      TEXT NOT NULL,
		severity        TEXT NOT NULL,
		account         TEXT NOT NULL,
		region          TEXT NOT NULL,
		first_observed  TEXT NOT NULL,
		last_observed   TEXT NOT NULL,
		remediation_url TEXT NOT NULL,
		owner           TEXT NOT NULL,
		PRIMARY KEY (name, run, finding_id)
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_scan_report_rows_state ON vigil_scan_report_rows (name, run, state, control_id, resource)`,
}}

// archiveRows records a batch of the run's findings, in the batch's
// transaction.
func (r *diffRun) archiveRows(ctx context.Context, tx store.Tx, batch []*Finding, isNew, dup map[string]bool) error {
	for _, f := range batch {
		if dup[f.ID] {
			continue
		}
		state := ChangeOpen
		if isNew[f.ID] {
			state = ChangeNew
		}
		if _, err := tx.Exec(ctx, `INSERT INTO vigil_scan_report_rows (name, run, finding_id, attempt, state, resource, title, control_id, severity, account, region, first_observed, last_observed, remediation_url, owner)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (name, run, finding_id) DO UPDATE SET attempt = excluded.attempt, state = excluded.state, resource = excluded.resource,
				title = excluded.title, control_id = excluded.control_id, severity = excluded.severity, account = excluded.account, region = excluded.region,
				first_observed = excluded.first_observed, last_observed = excluded.last_observed, remediation_url = excluded.remediation_url, owner = excluded.owner`,
			r.name, r.cur, f.ID, r.attempt, state, f.Resource, f.Title, f.ControlID, f.Severity, f.Account, f.Region, f.FirstObserved, f.LastObserved, f.RemediationURL, f.owner); err != nil {
			return err
		}
	}
	return nil
}

// archive records the finished run: the findings it reported resolved
// and its counts. Rows an earlier, abandoned attempt at the same run
// number left are dropped.
func (r *diffRun) archive(ctx context.Context, res *Result, owners bool) error {
	err := r.h.st.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM vigil_scan_report_rows WHERE name = ? AND run = ? AND attempt <> ?`, r.name, r.cur, r.attempt); err != nil {
			return err
		}
		if r.prev > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO vigil_scan_report_rows (name, run, finding_id, attempt, state, resource, title, control_id, severity, account, region, first_observed, last_observed, remediation_url, owner)
				SELECT name, ?, finding_id, ?, ?, resource, title, control_id, severity, account, region, '', '', '', ''
				FROM vigil_scan_findings WHERE name = ? AND seen_run = ?
				ON CONFLICT (name, run, finding_id) DO NOTHING`, r.cur, r.attempt, ChangeResolved, r.name, r.prev); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO vigil_scan_reports (name, run, attempt, finished_at, baseline_at, total, new_count, resolved, first_scan, owners, env, lang)
			VALUES (?,?,?,?,0,?,?,?,?,?,?,?)
			ON CONFLICT (name, run) DO UPDATE SET attempt = excluded.attempt, finished_at = excluded.finished_at, baseline_at = 0,
				total = excluded.total, new_count = excluded.new_count, resolved = excluded.resolved, first_scan = excluded.first_scan,
				owners = excluded.owners, env = excluded.env, lang = excluded.lang`,
			r.name, r.cur, r.attempt, store.Micros(time.Now()), res.Total, res.New, res.Resolved, boolInt(res.FirstScan), boolInt(owners), res.Env, string(res.Lang))
		return err
	})
	if err != nil {
		return fmt.Errorf("scan archive: %w", err)
	}
	return nil
}

// archiveCommit marks the run as the baseline and forgets runs older than
// the last keepRuns, in commit's transaction.
func (r *diffRun) archiveCommit(ctx context.Context, tx store.Tx, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE vigil_scan_reports SET baseline_at = ? WHERE name = ? AND run = ?`, store.Micros(at), r.name, r.cur); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM vigil_scan_report_rows WHERE name = ? AND run <= ?`, r.name, r.cur-keepRuns); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM vigil_scan_reports WHERE name = ? AND run <= ?`, r.name, r.cur-keepRuns)
	return err
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Report is one recorded run of a scan, as the archive keeps it.
type Report struct {
	Name string
	Run  int64
	// FinishedAt is when the scan ended; BaselineAt when the run became
	// the one the next is compared with (its report was delivered), zero
	// while it is not.
	FinishedAt, BaselineAt time.Time
	Total, New, Resolved   int
	// FirstScan is true when there was no previous run to compare with.
	FirstScan bool
	// Owners is true when the run had an owner column.
	Owners bool
	Env    string
	Lang   lang.Lang
}

// Open is the number of violations already open at the previous run.
func (r *Report) Open() int { return r.Total - r.New }

const reportColumns = `name, run, finished_at, baseline_at, total, new_count, resolved, first_scan, owners, env, lang`

func scanReport(row store.Row) (*Report, error) {
	var r Report
	var fin, base, first, owners int64
	var l string
	if err := row.Scan(&r.Name, &r.Run, &fin, &base, &r.Total, &r.New, &r.Resolved, &first, &owners, &r.Env, &l); err != nil {
		return nil, err
	}
	r.FinishedAt, r.Lang, r.FirstScan, r.Owners = store.Time(fin), lang.Lang(l), first == 1, owners == 1
	if base != 0 {
		r.BaselineAt = store.Time(base)
	}
	return &r, nil
}

func queryReports(ctx context.Context, q store.Querier, query string, args ...any) ([]*Report, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("scan archive: %w", err)
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("scan archive: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LatestReports returns the latest recorded run of each scan, the most
// recent first.
func LatestReports(ctx context.Context, q store.Querier) ([]*Report, error) {
	return queryReports(ctx, q, `SELECT `+reportColumns+` FROM vigil_scan_reports r
		WHERE run = (SELECT MAX(run) FROM vigil_scan_reports x WHERE x.name = r.name) ORDER BY finished_at DESC, name`)
}

// ReportRuns returns the recorded runs of the scan name, the latest first.
func ReportRuns(ctx context.Context, q store.Querier, name string) ([]*Report, error) {
	return queryReports(ctx, q, `SELECT `+reportColumns+` FROM vigil_scan_reports WHERE name = ? ORDER BY run DESC`, name)
}

// GetReport returns run of the scan name; store.ErrNotFound when it is not
// kept.
func GetReport(ctx context.Context, q store.Querier, name string, run int64) (*Report, error) {
	r, err := scanReport(q.QueryRow(ctx, `SELECT `+reportColumns+` FROM vigil_scan_reports WHERE name = ? AND run = ?`, name, run))
	if err == store.ErrNotFound {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("scan archive: %w", err)
	}
	return r, nil
}

// Change is a violation the run reported new or resolved.
type Change struct {
	Finding
	Owner string
	// State is ChangeNew, ChangeOpen or ChangeResolved.
	State string
}

// ReportChanges returns up to limit of the run's violations in state
// (ChangeNew, ChangeResolved or ChangeOpen), by control and resource.
func ReportChanges(ctx context.Context, q store.Querier, r *Report, state string, limit int) ([]Change, error) {
	var out []Change
	err := eachRow(ctx, q, r, []string{state}, limit, func(c *Change) error {
		out = append(out, *c)
		return nil
	})
	return out, err
}

func eachRow(ctx context.Context, q store.Querier, r *Report, states []string, limit int, fn func(*Change) error) error {
	query := `SELECT state, finding_id, resource, title, control_id, severity, account, region, first_observed, last_observed, remediation_url, owner
		FROM vigil_scan_report_rows WHERE name = ? AND run = ? AND state IN (?` + strings.Repeat(",?", len(states)-1) + `) ORDER BY control_id, resource, finding_id`
	args := []any{r.Name, r.Run}
	for _, s := range states {
		args = append(args, s)
	}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("scan archive: %w", err)
	}
	defer rows.Close()
	var c Change
	for rows.Next() {
		if err := rows.Scan(&c.State, &c.ID, &c.Resource, &c.Title, &c.ControlID, &c.Severity, &c.Account, &c.Region, &c.FirstObserved, &c.LastObserved, &c.RemediationURL, &c.Owner); err != nil {
			return fmt.Errorf("scan archive: %w", err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// WriteReportCSV writes the run's CSV again (the violations it listed,
// new and still open, with the change column) with l's headers, as the
// report had them. The rows are streamed from the database.
func WriteReportCSV(ctx context.Context, q store.Querier, w io.Writer, r *Report, l lang.Lang, bom bool) error {
	cw, err := NewCSVWriter(w, CSVOptions{Lang: l, BOM: bom, Owner: r.Owners, Change: true})
	if err != nil {
		return err
	}
	err = eachRow(ctx, q, r, []string{ChangeNew, ChangeOpen}, 0, func(c *Change) error {
		return cw.Write(&c.Finding, c.Owner, c.State == ChangeNew)
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}
