package deliver

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/group"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// maxGroupBatch bounds the events one grouped delivery carries; a bigger
// group is delivered in several requests, group_interval apart.
const maxGroupBatch = 1000

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	d *Deliverer
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
		done, err := delivered(ctx, w.d.st.Q(), job.ID)
		if err != nil {
			return err
		}
		if done {
			w.d.log.Info("delivery already made before a restart; not sent again", "job_id", job.ID, "event_id", a.EventID, "rule", a.Rule, "target", a.Target)
			return nil
		}
	}
	dl := target.Delivery{
		ID:       target.DeliveryID(a.Rule, a.Target, a.Group, a.EventKey),
		Rule:     a.Rule,
		Target:   a.Target,
		Attempt:  job.Attempt,
		EventIDs: []string{a.EventID},
		Group:    a.Group,
		Payload:  a.Payload,
	}
	// A redriven job gets a fresh max_age, counted from its creation.
	notAfter := a.NotAfter
	if fresh := job.CreatedAt.Add(a.Policy.MaxAge); fresh.After(notAfter) {
		notAfter = fresh
	}
	if err := w.d.send(ctx, job.JobRow, dl, a.Policy, notAfter, a.AcceptedAt, nil); err != nil {
		return err
	}
	// Record the delivery at once (group-committed with other workers'):
	// River records completions asynchronously, in batches, so without the
	// marker a process killed now would send up to a batch of deliveries
	// again after a restart or rescue. With it, only deliveries between
	// the target's answer and this commit are sent twice (with the same
	// X-Vigil-Delivery).
	if err := w.d.marks.mark(ctx, job.ID); err != nil {
		w.d.log.Warn("recording a delivery failed", "job_id", job.ID, "error", err.Error())
	}
	return nil
}

type flushWorker struct {
	river.WorkerDefaults[FlushArgs]
	d *Deliverer
}

func (w *flushWorker) NextRetry(job *river.Job[FlushArgs]) time.Time {
	return time.Now().Add(job.Args.Policy.Backoff(job.Attempt))
}

// Work delivers the group's waiting events as one JSON array. Events that
// arrive while it is being delivered stay in the group for the next flush,
// group_interval later.
func (w *flushWorker) Work(ctx context.Context, job *river.Job[FlushArgs]) error {
	a := job.Args
	d := w.d
	members, err := group.Members(ctx, d.st.Q(), a.GroupID, maxGroupBatch)
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
		dl := target.Delivery{
			ID:       target.DeliveryID(a.Rule, a.Target, a.GroupID, members[0].EventKey),
			Rule:     a.Rule,
			Target:   a.Target,
			Attempt:  job.Attempt,
			EventIDs: ids,
			Group:    a.GroupID,
			Payload:  body.Bytes(),
		}
		redrive := &DeliverArgs{
			EventKey: members[0].EventKey, EventID: ids[0], Rule: a.Rule, Target: a.Target,
			Payload: dl.Payload, AcceptedAt: members[0].AddedAt, Policy: a.Policy, Group: a.GroupID,
		}
		notAfter := a.FirstAt.Add(a.Policy.MaxAge)
		if err := d.send(ctx, job.JobRow, dl, a.Policy, notAfter, members[0].AddedAt, redrive); err != nil {
			var cancel *river.JobCancelError
			if !errors.As(err, &cancel) {
				return err
			}
			// Dead-lettered (with the payload, for a redrive): the
			// members leave the group so it is not stuck.
		}
	}
	return d.st.InTx(ctx, func(tx store.Tx) error {
		remaining, err := group.FinishFlush(ctx, tx, a.GroupID, members, time.Now())
		if err != nil {
			return err
		}
		if remaining > 0 {
			next := a
			next.FirstAt = time.Now().Add(a.Interval)
			if err := d.q.InsertTx(ctx, tx, []river.InsertManyParams{flushJob(next, next.FirstAt)}); err != nil {
				return err
			}
		}
		// The members leave the group and the job completes together.
		return jobs.CompleteTx(ctx, tx, job)
	})
}
