package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/store"
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
	// MaxAttempts is River's attempt limit for the job, given again to
	// the job that redrives it (0 for dead letters recorded before it was
	// kept: River's default then).
	MaxAttempts int
}

// addDeadLetter records d; recording the same job twice (a crash between
// recording and finishing the job) keeps the first record.
func addDeadLetter(ctx context.Context, q store.Querier, d *DeadLetter) error {
	_, err := q.Exec(ctx, `INSERT INTO vigil_dead_letters (job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at, max_attempts) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (job_id) DO NOTHING`,
		d.JobID, d.Kind, d.Rule, d.Target, d.EventID, d.Args, d.Attempts, d.LastError, store.Micros(d.FailedAt), d.MaxAttempts)
	return err
}

// DeadLetter records job as a dead letter with its last error and the
// reason it will not be retried, and returns the error the worker returns
// so River does not run it again. about says what the job was about (rule,
// target, event id) for listings; args replaces the job's own arguments
// when it is redriven as something else (a failed group flush is redriven
// as a delivery of the payload it tried to send). If the dead letter cannot
// be recorded, the job's error is returned as is, so River retries the job
// rather than lose it.
func (q *Queue) DeadLetter(ctx context.Context, job *rivertype.JobRow, about DeadLetter, err error, reason string) error {
	d := about
	d.JobID, d.Attempts, d.FailedAt = job.ID, job.Attempt, time.Now()
	d.LastError = err.Error() + " (" + reason + ")"
	if d.Kind == "" {
		d.Kind, d.Args, d.MaxAttempts = job.Kind, job.EncodedArgs, job.MaxAttempts
	}
	if derr := addDeadLetter(context.WithoutCancel(ctx), q.st.Q(), &d); derr != nil {
		return fmt.Errorf("%w (and recording the dead letter failed: %v)", err, derr)
	}
	return river.JobCancel(fmt.Errorf("%w (%s)", err, reason))
}

// DeadLetterFilter selects dead letters.
type DeadLetterFilter struct {
	Rule, Target string
	// All includes redriven ones.
	All   bool
	Limit int
}

// ListDeadLetters returns dead letters, oldest first.
func ListDeadLetters(ctx context.Context, q store.Querier, f DeadLetterFilter) ([]*DeadLetter, error) {
	query := `SELECT job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at, redriven_at, redrive_job, max_attempts FROM vigil_dead_letters WHERE 1=1`
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
func GetDeadLetter(ctx context.Context, q store.Querier, jobID int64) (*DeadLetter, error) {
	return scanDeadLetter(q.QueryRow(ctx, `SELECT job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at, redriven_at, redrive_job, max_attempts FROM vigil_dead_letters WHERE job_id = ?`, jobID))
}

func scanDeadLetter(r store.Row) (*DeadLetter, error) {
	d := &DeadLetter{}
	var failed, redriven int64
	if err := r.Scan(&d.JobID, &d.Kind, &d.Rule, &d.Target, &d.EventID, &d.Args, &d.Attempts, &d.LastError, &failed, &redriven, &d.RedriveJob, &d.MaxAttempts); err != nil {
		return nil, err
	}
	d.FailedAt, d.RedrivenAt = store.Time(failed), store.Time(redriven)
	return d, nil
}

// claimRedrive marks the dead letter of jobID as being redriven now, so that
// two concurrent redrives do not both retry it; it returns false when it was
// already redriven.
func claimRedrive(ctx context.Context, q store.Querier, jobID int64, t time.Time) (bool, error) {
	n, err := q.Exec(ctx, `UPDATE vigil_dead_letters SET redriven_at = ? WHERE job_id = ? AND redriven_at = 0`, store.Micros(t), jobID)
	return n == 1, err
}

// setRedriveJob records which job retried the dead letter of jobID.
func setRedriveJob(ctx context.Context, q store.Querier, jobID, newJob int64) error {
	_, err := q.Exec(ctx, `UPDATE vigil_dead_letters SET redrive_job = ? WHERE job_id = ?`, newJob, jobID)
	return err
}

// ErrRedriven is returned by Redrive for a dead letter already redriven.
var ErrRedriven = errors.New("dead letter was already redriven")

// rawArgs re-inserts a dead letter's arguments unchanged, as its kind.
type rawArgs struct {
	kind string
	args []byte
}

func (r rawArgs) Kind() string                 { return r.kind }
func (r rawArgs) MarshalJSON() ([]byte, error) { return r.args, nil }

// Redrive retries the dead letter of job id as a new job of the same kind
// and arguments with a fresh retry budget (a kind that limits retries by
// age counts it from the new job's creation), and returns the new job's id.
func (q *Queue) Redrive(ctx context.Context, jobID int64) (int64, error) {
	var newID int64
	err := q.st.InTx(ctx, func(tx store.Tx) error {
		dl, err := GetDeadLetter(ctx, tx, jobID)
		if err != nil {
			return err
		}
		ok, err := claimRedrive(ctx, tx, jobID, time.Now())
		if err != nil {
			return err
		}
		if !ok {
			return ErrRedriven
		}
		if !json.Valid(dl.Args) {
			return fmt.Errorf("dead letter %d: its arguments are not JSON", jobID)
		}
		var opts *river.InsertOpts
		if dl.MaxAttempts > 0 {
			opts = &river.InsertOpts{MaxAttempts: dl.MaxAttempts}
		}
		newID, err = q.InsertOneTx(ctx, tx, rawArgs{dl.Kind, dl.Args}, opts)
		if err != nil {
			return err
		}
		return setRedriveJob(ctx, tx, jobID, newID)
	})
	return newID, err
}
