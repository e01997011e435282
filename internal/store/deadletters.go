package store

import (
	"context"
	"time"
)

// DeadLetter is a job that exhausted its retry policy (or failed in a way a
// retry cannot fix), kept with its last error until it is redriven.
type DeadLetter struct {
	JobID      int64
	Kind       string
	Rule       string
	Target     string
	EventID    string
	Args       []byte // the job's arguments, JSON
	Attempts   int
	LastError  string
	FailedAt   time.Time
	RedrivenAt time.Time // zero while open
	RedriveJob int64     // the job that retried it
}

// AddDeadLetter records d; recording the same job twice (a crash between
// recording and finishing the job) keeps the first record.
func AddDeadLetter(ctx context.Context, q Querier, d *DeadLetter) error {
	_, err := q.Exec(ctx, `INSERT INTO vigil_dead_letters (job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (job_id) DO NOTHING`,
		d.JobID, d.Kind, d.Rule, d.Target, d.EventID, d.Args, d.Attempts, d.LastError, Micros(d.FailedAt))
	return err
}

// DeadLetterFilter selects dead letters.
type DeadLetterFilter struct {
	Rule, Target string
	// All includes redriven ones.
	All   bool
	Limit int
}

// ListDeadLetters returns dead letters, oldest first.
func ListDeadLetters(ctx context.Context, q Querier, f DeadLetterFilter) ([]*DeadLetter, error) {
	query := `SELECT job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at, redriven_at, redrive_job FROM vigil_dead_letters WHERE 1=1`
	var args []any
	if !f.All {
		query += ` AND redriven_at = 0`
	}
	if f.Rule != "" {
		query += ` AND rule = ?`
		args = append(args, f.Rule)
	}
	if f.Target != "" {
		query += ` AND target = ?`
		args = append(args, f.Target)
	}
	query += ` ORDER BY failed_at, job_id`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*DeadLetter
	for rows.Next() {
		d, err := scanDeadLetter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// GetDeadLetter returns the dead letter of job id, or ErrNotFound.
func GetDeadLetter(ctx context.Context, q Querier, jobID int64) (*DeadLetter, error) {
	return scanDeadLetter(q.QueryRow(ctx, `SELECT job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at, redriven_at, redrive_job FROM vigil_dead_letters WHERE job_id = ?`, jobID))
}

func scanDeadLetter(r Row) (*DeadLetter, error) {
	d := &DeadLetter{}
	var failed, redriven int64
	if err := r.Scan(&d.JobID, &d.Kind, &d.Rule, &d.Target, &d.EventID, &d.Args, &d.Attempts, &d.LastError, &failed, &redriven, &d.RedriveJob); err != nil {
		return nil, err
	}
	d.FailedAt, d.RedrivenAt = Time(failed), Time(redriven)
	return d, nil
}

// ClaimRedrive marks the dead letter of jobID as being redriven now, so that
// two concurrent redrives do not both retry it; it returns false when it was
// already redriven.
func ClaimRedrive(ctx context.Context, q Querier, jobID int64, t time.Time) (bool, error) {
	n, err := q.Exec(ctx, `UPDATE vigil_dead_letters SET redriven_at = ? WHERE job_id = ? AND redriven_at = 0`, Micros(t), jobID)
	return n == 1, err
}

// SetRedriveJob records which job retried the dead letter of jobID.
func SetRedriveJob(ctx context.Context, q Querier, jobID, newJob int64) error {
	_, err := q.Exec(ctx, `UPDATE vigil_dead_letters SET redrive_job = ? WHERE job_id = ?`, newJob, jobID)
	return err
}
