// Package deliver sends what routing decided: it owns the two job kinds of
// the pipeline, one delivery of one event's payload to one target
// (vigil_deliver) and the flush of a notification group (vigil_group_flush),
// builds them when an event is accepted, and decides after each attempt
// whether to retry or dead-letter.
package deliver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/group"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// Job kinds.
const (
	KindDeliver = "vigil_deliver"
	KindFlush   = "vigil_group_flush"
)

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
	// NotAfter ends retrying (AcceptedAt + max_age). A redriven job has a
	// fresh budget: its own creation time + max_age.
	NotAfter time.Time   `json:"not_after"`
	Policy   jobs.Policy `json:"policy"`
	// Group is set when the job delivers a group's flush that was
	// dead-lettered and redriven.
	Group string `json:"group,omitempty"`
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
	Policy   jobs.Policy   `json:"policy"`
	// FirstAt is when the flush was first scheduled (for max_age).
	FirstAt time.Time `json:"first_at"`
}

// Kind implements river.JobArgs.
func (FlushArgs) Kind() string { return KindFlush }

// Options configure a Deliverer.
type Options struct {
	Logger *slog.Logger
	// Secrets redacts every resolved secret value from what a target's
	// error says (a peer may echo a request's credentials back) before it
	// is logged, kept as the job's error or written as a dead letter.
	Secrets *secrets.Resolver
}

// Deliverer runs the pipeline's deliveries on a job queue.
type Deliverer struct {
	q       *jobs.Queue
	secrets *secrets.Resolver
	st      *store.Store
	log     *slog.Logger
	metrics *Metrics
	sender  atomic.Pointer[senderBox]
	marks   *marker
}

type senderBox struct{ s target.Sender }

// New registers the delivery job kinds on q. Call SetSender before the
// queue starts, and Start/Stop with it.
func New(q *jobs.Queue, opts Options) *Deliverer {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Deliverer{q: q, st: q.Store(), log: opts.Logger, metrics: NewMetrics(), secrets: opts.Secrets}
	d.marks = newMarker(d.st, d.log)
	jobs.AddWorker(q, &deliverWorker{d: d})
	jobs.AddWorker(q, &flushWorker{d: d})
	return d
}

// SetSender sets (or replaces, on a configuration reload) what delivers:
// the route table, which finds each delivery's target.
func (d *Deliverer) SetSender(s target.Sender) { d.sender.Store(&senderBox{s}) }

// Start starts recording delivery markers; Stop ends it after the queue
// has stopped.
func (d *Deliverer) Start() { d.marks.start() }

// Stop stops recording delivery markers. Call it after the queue stopped.
func (d *Deliverer) Stop() { d.marks.stop() }

// Enqueue returns the job that delivers output o of rule for event ev, or
// joins ev to o's notification group in tx (returning the group's flush job
// when one must be scheduled, nil otherwise).
func (d *Deliverer) Enqueue(ctx context.Context, tx store.Tx, ev *store.Event, rule string, o *route.Output) (*river.InsertManyParams, error) {
	t := o.TargetConfig()
	p := jobs.Policy{MaxAttempts: t.Retry.MaxAttempts, MaxAge: t.Retry.MaxAge.D(), MinBackoff: t.Retry.MinBackoff.D(), MaxBackoff: t.Retry.MaxBackoff.D()}
	if o.Group == "" {
		j := deliverJob(DeliverArgs{
			EventKey: ev.Key, EventID: ev.ID, Rule: rule, Target: o.Target, Payload: o.Payload,
			AcceptedAt: ev.ReceivedAt, NotAfter: ev.ReceivedAt.Add(p.MaxAge), Policy: p,
		})
		return &j, nil
	}
	timing := group.Timing{Wait: t.GroupWait.D(), Interval: t.GroupInterval.D(), Repeat: t.RepeatInterval.D()}
	schedule, g, err := group.Join(ctx, tx,
		&group.Group{ID: o.Group, Rule: rule, Target: o.Target, Key: o.GroupKey},
		&group.Member{EventKey: ev.Key, EventID: ev.ID, AddedAt: ev.ReceivedAt, Payload: o.Payload},
		timing.Repeat)
	if err != nil {
		return nil, fmt.Errorf("joining notification group: %w", err)
	}
	if !schedule {
		return nil, nil
	}
	at := timing.NextFlush(g, ev.ReceivedAt)
	j := flushJob(FlushArgs{
		GroupID: o.Group, GroupKey: o.GroupKey, Rule: rule, Target: o.Target,
		Interval: timing.Interval, Policy: p, FirstAt: at,
	}, at)
	return &j, nil
}

// deliverJob returns the insert parameters of a delivery job.
func deliverJob(a DeliverArgs) river.InsertManyParams {
	// One more attempt than the policy allows: the worker dead-letters the
	// job itself at the policy's last attempt (with its error), and River
	// never discards it silently.
	return river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{MaxAttempts: a.Policy.MaxAttempts + 1}}
}

// flushJob returns the insert parameters of a group flush job due at at.
func flushJob(a FlushArgs, at time.Time) river.InsertManyParams {
	return river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{MaxAttempts: a.Policy.MaxAttempts + 1, ScheduledAt: at}}
}

// send delivers dl and decides what a failure means: retry later, or
// dead-letter now (the target said retrying cannot help, the policy's
// attempts are used up, or the event is older than its max_age).
//
// redrive, for a group's flush, is the delivery job a dead letter would be
// redriven as (the exact payload it tried to send).
func (d *Deliverer) send(ctx context.Context, job *rivertype.JobRow, dl target.Delivery, p jobs.Policy, notAfter, acceptedAt time.Time, redrive *DeliverArgs) error {
	box := d.sender.Load()
	if box == nil {
		return errors.New("no sender configured")
	}
	retry, err := box.s.Send(ctx, dl)
	// The target's error goes to the log, the job's row and maybe the
	// dead letters: never with a credential a peer echoed in it.
	err = d.secrets.RedactError(err)
	if err == nil {
		d.metrics.delivered(dl.Rule, dl.Target, time.Since(acceptedAt))
		d.log.Info("delivered", "job_id", job.ID, "delivery", dl.ID, "rule", dl.Rule, "target", dl.Target, "event_id", firstOr(dl.EventIDs), "events", len(dl.EventIDs), "attempt", dl.Attempt)
		return nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		// Shutting down or timed out: not the target's fault alone; retry.
		retry = true
	}
	now := time.Now()
	final := ""
	switch {
	case !retry:
		final = "not retryable"
	case job.Attempt >= p.MaxAttempts:
		final = fmt.Sprintf("retry policy exhausted after %s", plural(job.Attempt, "attempt"))
	case !notAfter.IsZero() && now.Add(p.Backoff(job.Attempt)/2).After(notAfter):
		final = fmt.Sprintf("retry policy exhausted: older than max_age %s", p.MaxAge)
	}
	log := d.log.With("job_id", job.ID, "rule", dl.Rule, "target", dl.Target, "event_id", firstOr(dl.EventIDs), "attempt", job.Attempt)
	if final == "" {
		d.metrics.failed(dl.Rule, dl.Target, "retry")
		log.Warn("delivery failed; will retry", "error", err.Error())
		return err
	}
	about := jobs.DeadLetter{Rule: dl.Rule, Target: dl.Target, EventID: firstOr(dl.EventIDs)}
	if redrive != nil {
		j := deliverJob(*redrive)
		about.Kind, about.MaxAttempts = KindDeliver, j.InsertOpts.MaxAttempts
		if about.Args, err = json.Marshal(redrive); err != nil {
			return err
		}
	}
	cerr := d.q.DeadLetter(ctx, job, about, err, final)
	var cancel *river.JobCancelError
	if errors.As(cerr, &cancel) {
		d.metrics.failed(dl.Rule, dl.Target, "dead_letter")
		log.Error("delivery dead-lettered", "error", err.Error(), "reason", final)
	}
	return cerr
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
