// Package jobs runs deliveries as River jobs in vigil's database (SQLite or
// PostgreSQL): one job per (event, rule, target), or per notification group
// flush; exponential backoff with full jitter between attempts; a job that
// exhausts its target's retry policy, or fails in a way retrying cannot fix,
// goes to the dead-letter list with its last error, from which it can be
// redriven.
//
// Because jobs live in the same database as events, an event and its jobs
// are inserted in one transaction (InsertTx): an event is never stored
// without its deliveries, nor a delivery without its event.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
)

// Sender delivers to a rule's target; *route.Table is one.
type Sender interface {
	Send(ctx context.Context, d route.Delivery) (retry bool, err error)
}

// Policy is a target's retry policy as carried by each job, so a retry
// follows the policy in force when the event was accepted.
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

// DeliverArgs is the job that sends one event's payload to one target.
type DeliverArgs struct {
	EventKey string `json:"event_key"`
	EventID  string `json:"event_id"`
	Rule     string `json:"rule"`
	Target   string `json:"target"`
	// Payload is exactly what the target receives. It is []byte (base64
	// in the job's JSON), not json.RawMessage: the databases store job
	// arguments as jsonb, which would reformat it.
	Payload []byte `json:"payload"`
	// AcceptedAt is when the event was committed (for latency).
	AcceptedAt time.Time `json:"accepted_at"`
	// NotAfter ends retrying: AcceptedAt + max_age (or redrive time +
	// max_age after a redrive).
	NotAfter time.Time `json:"not_after"`
	Policy   Policy    `json:"policy"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return KindDeliver }

// FlushArgs is the job that delivers a notification group's waiting events
// in one request.
type FlushArgs struct {
	GroupID  string `json:"group_id"`
	GroupKey string `json:"group_key"`
	Rule     string `json:"rule"`
	Target   string `json:"target"`
	// Interval is the target's group_interval: the next flush of this
	// group, if events arrived meanwhile, waits this long.
	Interval time.Duration `json:"interval"`
	Policy   Policy        `json:"policy"`
	// FirstAt is when the flush was first scheduled (for max_age).
	FirstAt time.Time `json:"first_at"`
}

// Kind implements river.JobArgs.
func (FlushArgs) Kind() string { return KindFlush }

// Job kinds.
const (
	KindDeliver = "vigil_deliver"
	KindFlush   = "vigil_group_flush"
)

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
	Metrics      *Metrics
}

// Queue is the job queue of one vigil process.
type Queue struct {
	st      *store.Store
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	sender  atomic.Pointer[senderBox]
	c       client

	marks      chan *delivered
	stopMarker chan struct{}
	markerDone chan struct{}
}

type senderBox struct{ s Sender }

// client hides River's generic transaction type (*sql.Tx for SQLite, pgx.Tx
// for PostgreSQL) from the rest of the package.
type client interface {
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopAndCancel(ctx context.Context) error
	insertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) error
	insertOneTx(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error)
	// completeTx marks a running job (*river.Job[DeliverArgs] or
	// *river.Job[FlushArgs]) completed in tx; ctx must be the work context.
	completeTx(ctx context.Context, tx store.Tx, job any) error
}

type riverClient[TTx any] struct{ c *river.Client[TTx] }

func (r riverClient[TTx]) start(ctx context.Context) error         { return r.c.Start(ctx) }
func (r riverClient[TTx]) stop(ctx context.Context) error          { return r.c.Stop(ctx) }
func (r riverClient[TTx]) stopAndCancel(ctx context.Context) error { return r.c.StopAndCancel(ctx) }

func (r riverClient[TTx]) insertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) error {
	_, err := r.c.InsertManyFastTx(ctx, tx.Raw().(TTx), params)
	return err
}

func (r riverClient[TTx]) completeTx(ctx context.Context, tx store.Tx, job any) error {
	var err error
	switch j := job.(type) {
	case *river.Job[DeliverArgs]:
		_, err = river.JobCompleteTx[riverdriver.Driver[TTx]](ctx, tx.Raw().(TTx), j)
	case *river.Job[FlushArgs]:
		_, err = river.JobCompleteTx[riverdriver.Driver[TTx]](ctx, tx.Raw().(TTx), j)
	default:
		err = fmt.Errorf("completeTx: unexpected job type %T", job)
	}
	return err
}

func (r riverClient[TTx]) insertOneTx(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := r.c.InsertTx(ctx, tx.Raw().(TTx), args, opts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// New migrates River's tables in st's database and builds a queue. Call
// SetSender before Start.
func New(ctx context.Context, st *store.Store, opts Options) (*Queue, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics()
	}
	q := &Queue{st: st, opts: opts, log: opts.Logger, metrics: opts.Metrics, marks: make(chan *delivered, 1024)}
	cfg := &river.Config{
		ID:                          opts.ID,
		JobTimeout:                  opts.JobTimeout,
		RescueStuckJobsAfter:        opts.RescueAfter,
		FetchPollInterval:           opts.PollInterval,
		FetchCooldown:               min(opts.PollInterval, 5*time.Millisecond),
		CompletedJobRetentionPeriod: opts.Retention,
		CancelledJobRetentionPeriod: opts.Retention,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		// River's own logs are for River's problems; job failures are
		// logged by the workers with the event id.
		Logger: slog.New(levelFilter{opts.Logger.Handler(), slog.LevelWarn}),
	}
	if cfg.FetchCooldown < river.FetchCooldownMin {
		cfg.FetchCooldown = river.FetchCooldownMin
	}
	if opts.Workers > 0 {
		w := river.NewWorkers()
		river.AddWorker(w, &deliverWorker{q: q})
		river.AddWorker(w, &flushWorker{q: q})
		cfg.Workers = w
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
	}
	switch st.Kind() {
	case store.SQLite:
		// Each fetch is a write transaction with a fixed cost on SQLite;
		// fetching at most every 15ms makes batches bigger (measured:
		// ~40% more events/s) for ~10ms more delivery latency.
		cfg.FetchCooldown = min(max(opts.PollInterval, river.FetchCooldownMin), 15*time.Millisecond)
		drv := riversqlite.New(st.SQLDB())
		if err := migrate(ctx, drv); err != nil {
			return nil, err
		}
		c, err := river.NewClient[*sql.Tx](drv, cfg)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		q.c = riverClient[*sql.Tx]{c}
	case store.Postgres:
		drv := riverpgxv5.New(st.PGPool())
		if err := migrate(ctx, drv); err != nil {
			return nil, err
		}
		c, err := river.NewClient[pgx.Tx](drv, cfg)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		q.c = riverClient[pgx.Tx]{c}
	default:
		return nil, fmt.Errorf("job queue: unsupported database %q", st.Kind())
	}
	return q, nil
}

func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(drv, nil)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue: migrating River's tables: %w", err)
	}
	return nil
}

// SetSender sets (or replaces, on a configuration reload) what delivers
// jobs.
func (q *Queue) SetSender(s Sender) { q.sender.Store(&senderBox{s}) }

// Metrics returns the queue's metrics.
func (q *Queue) Metrics() *Metrics { return q.metrics }

// Start recovers jobs a crashed process left running (SQLite only: a SQLite
// file has one process, so any running job is orphaned; on PostgreSQL,
// River rescues jobs running longer than RescueAfter) and starts working.
func (q *Queue) Start(ctx context.Context) error {
	if q.st.Kind() == store.SQLite && q.opts.Workers > 0 {
		n, err := q.st.Q().Exec(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
		if err != nil {
			return fmt.Errorf("job queue: recovering jobs: %w", err)
		}
		if n > 0 {
			q.log.Info("resuming jobs left running by the previous process", "jobs", n)
		}
	}
	if q.opts.Workers > 0 && q.stopMarker == nil {
		q.stopMarker, q.markerDone = make(chan struct{}), make(chan struct{})
		go func() {
			defer close(q.markerDone)
			q.marker(q.stopMarker)
		}()
	}
	return q.c.start(ctx)
}

// Stop stops fetching jobs and waits for running ones to finish until ctx
// ends; then it cancels them (they are retried on the next start).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.c.stop(ctx)
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = q.c.stopAndCancel(cctx)
	}
	// Workers have returned, so no marker is waiting.
	if q.stopMarker != nil {
		close(q.stopMarker)
		<-q.markerDone
		q.stopMarker = nil
	}
	return err
}

// InsertTx adds jobs in the caller's transaction.
func (q *Queue) InsertTx(ctx context.Context, tx store.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	return q.c.insertTx(ctx, tx, params)
}

// DeliverJob returns the insert parameters of a delivery job.
func DeliverJob(a DeliverArgs) river.InsertManyParams {
	// One more attempt than the policy allows: the worker dead-letters the
	// job itself at the policy's last attempt (with its error), and River
	// never discards it silently.
	return river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{MaxAttempts: a.Policy.MaxAttempts + 1}}
}

// FlushJob returns the insert parameters of a group flush job due at at.
func FlushJob(a FlushArgs, at time.Time) river.InsertManyParams {
	return river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{MaxAttempts: a.Policy.MaxAttempts + 1, ScheduledAt: at}}
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
