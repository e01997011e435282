package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
)

// maxGroupBatch bounds the events one grouped delivery carries; a bigger
// group is delivered in several requests, group_interval apart.
const maxGroupBatch = 1000

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	q *Queue
}

func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(job.Args.Policy.Backoff(job.Attempt))
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	// A job runs again after its process died mid-run (a restart on
	// SQLite, a rescue by another replica on PostgreSQL). If that run had
	// delivered, its marker says so: do not send twice.
	if job.Attempt > 1 {
		done, err := store.Delivered(ctx, w.q.st.Q(), job.ID)
		if err != nil {
			return err
		}
		if done {
			w.q.log.Info("delivery already made before a restart; not sent again", "job_id", job.ID, "event_id", a.EventID, "rule", a.Rule, "target", a.Target)
			return nil
		}
	}
	d := route.Delivery{
		ID:       a.EventKey + "/" + a.Rule + "/" + a.Target,
		Rule:     a.Rule,
		Target:   a.Target,
		Payload:  a.Payload,
		EventIDs: []string{a.EventID},
		Attempt:  job.Attempt,
	}
	if err := w.q.send(ctx, job.JobRow, d, a.Policy, a.NotAfter, a.AcceptedAt); err != nil {
		return err
	}
	// Record the delivery at once (group-committed with other workers'):
	// River records completions asynchronously, in batches, so without the
	// marker a process killed now would send up to a batch of deliveries
	// again after a restart or rescue. With it, only deliveries between
	// the target's answer and this commit are sent twice (with the same
	// X-Vigil-Delivery).
	if err := w.q.markDelivered(ctx, job.ID); err != nil {
		w.q.log.Warn("recording a delivery failed", "job_id", job.ID, "error", err.Error())
	}
	return nil
}

// delivered is a job whose delivery waits for its marker to be committed.
type delivered struct {
	id   int64
	done chan error
}

// markDelivered commits job id's delivery marker together with those of
// other workers that finished meanwhile (one transaction: a group commit)
// and returns once it is committed.
func (q *Queue) markDelivered(ctx context.Context, id int64) error {
	c := &delivered{id: id, done: make(chan error, 1)}
	select {
	case q.marks <- c:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-c.done
}

// marker runs the group commits of markDelivered until stop is closed, and
// once a minute forgets markers of jobs that can no longer run again.
func (q *Queue) marker(stop <-chan struct{}) {
	sweep := time.NewTicker(time.Minute)
	defer sweep.Stop()
	for {
		var batch []*delivered
		select {
		case c := <-q.marks:
			batch = append(batch, c)
		case <-sweep.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := store.ForgetDelivered(ctx, q.st.Q(), time.Now().Add(-time.Minute)); err != nil {
				q.log.Warn("forgetting delivery markers failed", "error", err.Error())
			}
			cancel()
			continue
		case <-stop:
			return
		}
	more:
		for len(batch) < 512 {
			select {
			case c := <-q.marks:
				batch = append(batch, c)
			default:
				break more
			}
		}
		ids := make([]int64, len(batch))
		for i, c := range batch {
			ids[i] = c.id
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := store.MarkDelivered(ctx, q.st, ids, time.Now())
		cancel()
		for _, c := range batch {
			c.done <- err
		}
	}
}

type flushWorker struct {
	river.WorkerDefaults[FlushArgs]
	q *Queue
}

func (w *flushWorker) NextRetry(job *river.Job[FlushArgs]) time.Time {
	return time.Now().Add(job.Args.Policy.Backoff(job.Attempt))
}

// Work delivers the group's waiting events as one JSON array. Events that
// arrive while it is being delivered stay in the group for the next flush,
// group_interval later.
func (w *flushWorker) Work(ctx context.Context, job *river.Job[FlushArgs]) error {
	a := job.Args
	q := w.q
	members, err := store.GroupMembers(ctx, q.st.Q(), a.GroupID, maxGroupBatch)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		var body bytes.Buffer
		body.WriteByte('[')
		ids := make([]string, len(members))
		for i, m := range members {
			if i > 0 {
				body.WriteByte(',')
			}
			body.Write(m.Payload)
			ids[i] = m.EventID
		}
		body.WriteByte(']')
		d := route.Delivery{
			ID:       "group/" + a.GroupID + "/" + members[0].EventKey,
			Rule:     a.Rule,
			Target:   a.Target,
			Payload:  body.Bytes(),
			EventIDs: ids,
			Attempt:  job.Attempt,
		}
		notAfter := a.FirstAt.Add(a.Policy.MaxAge)
		if err := q.send(ctx, job.JobRow, d, a.Policy, notAfter, members[0].AddedAt); err != nil {
			var cancel *river.JobCancelError
			if !errors.As(err, &cancel) {
				return err
			}
			// Dead-lettered (with the payload, for a redrive): the
			// members leave the group so it is not stuck.
		}
	}
	return q.st.InTx(ctx, func(tx store.Tx) error {
		remaining, err := store.FinishFlush(ctx, tx, a.GroupID, members, time.Now())
		if err != nil {
			return err
		}
		if remaining > 0 {
			next := a
			next.FirstAt = time.Now().Add(a.Interval)
			if err := q.InsertTx(ctx, tx, []river.InsertManyParams{FlushJob(next, next.FirstAt)}); err != nil {
				return err
			}
		}
		// The members leave the group and the job completes together.
		return q.c.completeTx(ctx, tx, job)
	})
}

// send delivers d and decides what a failure means: retry later, or
// dead-letter now (the target said retrying cannot help, the policy's
// attempts are used up, or the event is older than its max_age).
func (q *Queue) send(ctx context.Context, job *rivertype.JobRow, d route.Delivery, p Policy, notAfter, acceptedAt time.Time) error {
	box := q.sender.Load()
	if box == nil {
		return errors.New("no sender configured")
	}
	retry, err := box.s.Send(ctx, d)
	if err == nil {
		q.metrics.delivered(d.Rule, d.Target, time.Since(acceptedAt))
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
		final = fmt.Sprintf("retry policy exhausted after %d attempts", job.Attempt)
	case !notAfter.IsZero() && now.Add(p.Backoff(job.Attempt)/2).After(notAfter):
		final = fmt.Sprintf("retry policy exhausted: older than max_age %s", p.MaxAge)
	}
	log := q.log.With("job_id", job.ID, "rule", d.Rule, "target", d.Target, "event_id", firstOr(d.EventIDs), "attempt", job.Attempt)
	if final == "" {
		q.metrics.failed(d.Rule, d.Target, "retry")
		log.Warn("delivery failed; will retry", "error", err.Error())
		return err
	}
	args := job.EncodedArgs
	kind := job.Kind
	if job.Kind == KindFlush {
		// A dead-lettered flush keeps the payload it tried to deliver, so
		// a redrive sends exactly that.
		kind = KindDeliver
		args, _ = json.Marshal(DeliverArgs{
			EventKey: "group/" + d.ID, EventID: firstOr(d.EventIDs), Rule: d.Rule, Target: d.Target,
			Payload: d.Payload, AcceptedAt: acceptedAt, Policy: p,
		})
	}
	dl := &store.DeadLetter{
		JobID: job.ID, Kind: kind, Rule: d.Rule, Target: d.Target, EventID: firstOr(d.EventIDs),
		Args: args, Attempts: job.Attempt, LastError: err.Error() + " (" + final + ")", FailedAt: now,
	}
	if derr := store.AddDeadLetter(context.WithoutCancel(ctx), q.st.Q(), dl); derr != nil {
		// Not recorded: let River retry the job rather than lose it.
		return fmt.Errorf("%w (and recording the dead letter failed: %v)", err, derr)
	}
	q.metrics.failed(d.Rule, d.Target, "dead_letter")
	log.Error("delivery dead-lettered", "error", err.Error(), "reason", final)
	return river.JobCancel(fmt.Errorf("%w (%s)", err, final))
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// ErrRedriven is returned by Redrive for a dead letter already redriven.
var ErrRedriven = errors.New("dead letter was already redriven")

// Redrive retries the dead letter of job id as a new job with a fresh
// retry budget (its max_age counts from now), and returns the new job's id.
func (q *Queue) Redrive(ctx context.Context, jobID int64) (int64, error) {
	var newID int64
	err := q.st.InTx(ctx, func(tx store.Tx) error {
		dl, err := store.GetDeadLetter(ctx, tx, jobID)
		if err != nil {
			return err
		}
		ok, err := store.ClaimRedrive(ctx, tx, jobID, time.Now())
		if err != nil {
			return err
		}
		if !ok {
			return ErrRedriven
		}
		if dl.Kind != KindDeliver {
			return fmt.Errorf("dead letter %d: cannot redrive a job of kind %q", jobID, dl.Kind)
		}
		var a DeliverArgs
		if err := json.Unmarshal(dl.Args, &a); err != nil {
			return fmt.Errorf("dead letter %d: %w", jobID, err)
		}
		a.NotAfter = time.Now().Add(a.Policy.MaxAge)
		p := DeliverJob(a)
		newID, err = q.c.insertOneTx(ctx, tx, p.Args, p.InsertOpts)
		if err != nil {
			return err
		}
		return store.SetRedriveJob(ctx, tx, jobID, newID)
	})
	return newID, err
}
