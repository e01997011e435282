// Package jobs runs vigil's background work as River jobs in vigil's own
// database (SQLite or PostgreSQL), so that work is committed in the same
// transaction as what caused it: an event is never stored without its
// deliveries, nor a remediation step recorded without its next job.
//
// The packages that own work register its kinds (AddWorker) before the
// queue starts; jobs itself knows none of them. It keeps the dead-letter
// list for every kind (a job that exhausted its retries, or failed in a way
// retrying cannot fix, with its last error and arguments) and redrives a
// dead letter as a new job of the same kind.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/store"
)

// Policy is a retry policy as carried by each job, so a retry follows the
// policy in force when the work was enqueued.
type Policy struct {
	MaxAttempts int           `json:"max_attempts"`
	MaxAge      time.Duration `json:"max_age"`
	MinBackoff  time.Duration `json:"min_backoff"`
	MaxBackoff  time.Duration `json:"max_backoff"`
}

// Backoff returns the wait before attempt+1 after attempt failed:
// exponential from MinBackoff, capped at MaxBackoff, with full jitter
// (uniform in [d/2, d]) so that a target coming back is not hit by every
// waiting job at once.
func (p Policy) Backoff(attempt int) time.Duration {
	d := p.MinBackoff
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// Options configures a Queue.
type Options struct {
	// ID names this process among replicas (River's client id); empty means
	// River's default (host name and time).
	ID string
	// Workers is how many jobs run at once; 0 means an insert-only queue
	// (for CLI commands such as vigil deadletters redrive).
	Workers      int
	JobTimeout   time.Duration
	RescueAfter  time.Duration
	PollInterval time.Duration
	Retention    time.Duration
	Logger       *slog.Logger
}

// Queue is the job queue of one vigil process.
type Queue struct {
	st      *store.Store
	opts    Options
	log     *slog.Logger
	workers *river.Workers
	kinds   []string
	// periodic are the jobs River enqueues on a schedule (AddPeriodic).
	periodic []*river.PeriodicJob

	mu     sync.Mutex
	c      client // built at first use, with the workers added by then
	cErr   error
	cBuilt bool
}

// client hides River's generic transaction type (*sql.Tx for SQLite, pgx.Tx
// for PostgreSQL) from the rest of the package.
type client interface {
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopAndCancel(ctx context.Context) error
	insertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) ([]int64, error)
	list(ctx context.Context, params *river.JobListParams) ([]*rivertype.JobRow, error)
}

type riverClient[TTx any] struct{ c *river.Client[TTx] }

func (r riverClient[TTx]) start(ctx context.Context) error         { return r.c.Start(ctx) }
func (r riverClient[TTx]) stop(ctx context.Context) error          { return r.c.Stop(ctx) }
func (r riverClient[TTx]) stopAndCancel(ctx context.Context) error { return r.c.StopAndCancel(ctx) }

func (r riverClient[TTx]) list(ctx context.Context, params *river.JobListParams) ([]*rivertype.JobRow, error) {
	res, err := r.c.JobList(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return res.Jobs, nil
}

func (r riverClient[TTx]) insertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) ([]int64, error) {
	if len(params) == 1 {
		res, err := r.c.InsertTx(ctx, tx.Raw().(TTx), params[0].Args, params[0].InsertOpts)
		if err != nil {
			return nil, err
		}
		return []int64{res.Job.ID}, nil
	}
	_, err := r.c.InsertManyFastTx(ctx, tx.Raw().(TTx), params)
	return nil, err
}

// New returns a queue on st's database (whose River tables Migrations
// creates). Register the job kinds it works with AddWorker before Start.
func New(st *store.Store, opts Options) *Queue {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Queue{st: st, opts: opts, log: opts.Logger, workers: river.NewWorkers()}
}

// AddWorker registers the worker of job kind T. It must be called before
// the queue is first used (Start or an insert); adding a kind twice, or
// after that, is a programming error and panics.
func AddWorker[T river.JobArgs](q *Queue, w river.Worker[T]) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cBuilt {
		panic("jobs: AddWorker after the queue was first used")
	}
	river.AddWorker(q.workers, w)
	var zero T
	q.kinds = append(q.kinds, zero.Kind())
}

// AddPeriodic registers a job that River enqueues on a schedule, on one
// replica only (River's elected leader), for upkeep that must run once
// per cluster. Like AddWorker, it must be called before the queue is
// first used, with the worker of the job's kind registered.
func AddPeriodic(q *Queue, p *river.PeriodicJob) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cBuilt {
		panic("jobs: AddPeriodic after the queue was first used")
	}
	q.periodic = append(q.periodic, p)
}

// Kinds returns the registered job kinds.
func (q *Queue) Kinds() []string { return append([]string(nil), q.kinds...) }

// Store returns the queue's database.
func (q *Queue) Store() *store.Store { return q.st }

func (q *Queue) client() (client, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cBuilt {
		return q.c, q.cErr
	}
	q.cBuilt = true
	q.c, q.cErr = q.build()
	return q.c, q.cErr
}

func (q *Queue) build() (client, error) {
	opts := q.opts
	cfg := &river.Config{
		ID:                          opts.ID,
		JobTimeout:                  opts.JobTimeout,
		RescueStuckJobsAfter:        opts.RescueAfter,
		FetchPollInterval:           opts.PollInterval,
		FetchCooldown:               max(min(opts.PollInterval, 5*time.Millisecond), river.FetchCooldownMin),
		CompletedJobRetentionPeriod: opts.Retention,
		CancelledJobRetentionPeriod: opts.Retention,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		// River's own logs are for River's problems; job failures are
		// logged by the workers with what they were about.
		Logger: slog.New(levelFilter{q.log.Handler(), slog.LevelWarn}),
	}
	if opts.Workers > 0 && len(q.kinds) > 0 {
		cfg.Workers = q.workers
		cfg.PeriodicJobs = q.periodic
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
	}
	switch q.st.Kind() {
	case store.SQLite:
		// Each fetch is a write transaction with a fixed cost on SQLite;
		// fetching at most every 15ms makes batches bigger (measured:
		// ~40% more events/s) for ~10ms more delivery latency.
		cfg.FetchCooldown = min(max(opts.PollInterval, river.FetchCooldownMin), 15*time.Millisecond)
		c, err := river.NewClient[*sql.Tx](riversqlite.New(q.st.SQLDB()), cfg)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		return riverClient[*sql.Tx]{c}, nil
	case store.Postgres:
		c, err := river.NewClient[pgx.Tx](riverpgxv5.New(q.st.PGPool()), cfg)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		return riverClient[pgx.Tx]{c}, nil
	}
	return nil, fmt.Errorf("job queue: unsupported database %q", q.st.Kind())
}

// Migrations create and upgrade River's tables (River keeps its own
// version table, so this runs at every start, under the migration lock).
var Migrations = []store.Migration{
	{ID: "jobs/0001_river", Repeat: true, Run: migrateRiver},
	{ID: "jobs/0002_dead_letters", SQL: []string{
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
	}},
	{ID: "jobs/0003_dead_letter_max_attempts", SQL: []string{
		`ALTER TABLE vigil_dead_letters ADD COLUMN max_attempts BIGINT NOT NULL DEFAULT 0`,
	}},
}

func migrateRiver(ctx context.Context, st *store.Store) error {
	var err error
	cfg := &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}
	switch st.Kind() {
	case store.SQLite:
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riversqlite.New(st.SQLDB()), cfg); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	case store.Postgres:
		var m *rivermigrate.Migrator[pgx.Tx]
		if m, err = rivermigrate.New(riverpgxv5.New(st.PGPool()), cfg); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	default:
		err = fmt.Errorf("unsupported database %q", st.Kind())
	}
	if err != nil {
		return fmt.Errorf("migrating River's tables: %w", err)
	}
	return nil
}

// CompleteTx marks a running job completed in tx, so that the job's effect
// and its completion commit together. ctx must be the work context.
func CompleteTx[T river.JobArgs](ctx context.Context, tx store.Tx, job *river.Job[T]) error {
	var err error
	switch raw := tx.Raw().(type) {
	case *sql.Tx:
		_, err = river.JobCompleteTx[*riversqlite.Driver](ctx, raw, job)
	case pgx.Tx:
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, raw, job)
	default:
		err = fmt.Errorf("jobs: unsupported transaction %T", raw)
	}
	return err
}

// Start recovers jobs a crashed process left running (SQLite only: a SQLite
// file has one process, so any running job is orphaned; on PostgreSQL,
// River rescues jobs running longer than RescueAfter) and starts working.
func (q *Queue) Start(ctx context.Context) error {
	c, err := q.client()
	if err != nil {
		return err
	}
	if q.st.Kind() == store.SQLite && q.opts.Workers > 0 {
		n, err := q.st.Q().Exec(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
		if err != nil {
			return fmt.Errorf("job queue: recovering jobs: %w", err)
		}
		if n > 0 {
			q.log.Info("resuming jobs left running by the previous process", "jobs", n)
		}
	}
	return c.start(ctx)
}

// Stop stops fetching jobs and waits for running ones to finish until ctx
// ends; then it cancels them (they are retried on the next start).
func (q *Queue) Stop(ctx context.Context) error {
	c, err := q.client()
	if err != nil {
		return err
	}
	err = c.stop(ctx)
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = c.stopAndCancel(cctx)
	}
	return err
}

// InsertTx adds jobs in the caller's transaction.
func (q *Queue) InsertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	c, err := q.client()
	if err != nil {
		return err
	}
	if q.st.Kind() == store.SQLite {
		var kinds []string
		if q.opts.Workers > 0 {
			kinds = q.kinds
		}
		if done, err := insertSQLite(ctx, tx, kinds, params); done || err != nil {
			return err
		}
	}
	_, err = c.insertTx(ctx, tx, params)
	return err
}

// InsertOneTx adds one job in the caller's transaction and returns its id.
func (q *Queue) InsertOneTx(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	c, err := q.client()
	if err != nil {
		return 0, err
	}
	ids, err := c.insertTx(ctx, tx, []river.InsertManyParams{{Args: args, InsertOpts: opts}})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (l levelFilter) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

func (l levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{l.Handler.WithAttrs(a), l.min}
}

func (l levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{l.Handler.WithGroup(n), l.min}
}
