package investigate

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
)

// KindRecord is the job that records one accepted event.
const KindRecord = "vigil_investigate_record"

// RecordArgs is the job that records an accepted event: a CloudTrail
// call, or a finding to link to the entities it names. It carries only
// the event's id: the event is read back from the events table, so the
// accept path writes a few bytes more, not the record again.
type RecordArgs struct {
	EventID string `json:"event_id"`
}

// Kind implements river.JobArgs.
func (RecordArgs) Kind() string { return KindRecord }

// cloudTrailDetailTypes are the EventBridge detail types whose detail is
// a CloudTrail record.
var cloudTrailDetailTypes = map[string]bool{
	"AWS API Call via CloudTrail":        true,
	"AWS Console Sign In via CloudTrail": true,
	"AWS Service Event via CloudTrail":   true,
	"AWS Console Action via CloudTrail":  true,
}

// wanted reports whether investigation records ev.
func wanted(ev *event.Event) bool {
	if cloudTrailDetailTypes[ev.DetailType] {
		return true
	}
	k := ev.Kind()
	return k == event.KindGuardDuty || k == event.KindSecurityHub
}

// Hook is the ingest hook (ingest.Options.Hooks) that makes the pipeline
// record what investigation wants: for each CloudTrail event and finding
// it enqueues one job, committed with the event, so nothing accepted is
// missed and accepting costs one small insert.
func (s *Service) Hook() func(ctx context.Context, tx store.Tx, ev *event.Event, stored *store.Event) ([]river.InsertManyParams, error) {
	return func(ctx context.Context, tx store.Tx, ev *event.Event, stored *store.Event) ([]river.InsertManyParams, error) {
		if !wanted(ev) {
			return nil, nil
		}
		return []river.InsertManyParams{{Args: RecordArgs{EventID: stored.ID}, InsertOpts: &river.InsertOpts{MaxAttempts: 10}}}, nil
	}
}

// Register adds investigation's job kinds to q: recording accepted
// events, and, when a retention is set, pruning every PruneEvery.
func (s *Service) Register(q *jobs.Queue) {
	jobs.AddWorker(q, &recordWorker{s: s})
	jobs.AddWorker(q, &pruneWorker{s: s})
	if s.opts.Retention > 0 {
		jobs.AddPeriodic(q, river.NewPeriodicJob(river.PeriodicInterval(s.opts.PruneEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil }, nil))
	}
}

type recordWorker struct {
	river.WorkerDefaults[RecordArgs]
	s *Service
}

// Work records the event and completes the job in one transaction, so a
// crash records it once, and a retry never twice.
func (w *recordWorker) Work(ctx context.Context, job *river.Job[RecordArgs]) error {
	s := w.s
	stored, err := store.GetEvent(ctx, s.st.Q(), job.Args.EventID)
	if err == store.ErrNotFound {
		s.log.Warn("investigate: event to record is gone", "event_id", job.Args.EventID)
		return nil
	}
	if err != nil {
		return err
	}
	ev, err := event.Parse(stored.Raw)
	if err != nil {
		s.log.Warn("investigate: stored event unreadable", "event_id", job.Args.EventID, "error", err.Error())
		return nil
	}
	return s.st.InTx(ctx, func(tx store.Tx) error {
		if err := s.record(ctx, tx, ev); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// Record stores what investigation wants of ev (a CloudTrail call, or a
// finding's links) in tx.
func (s *Service) record(ctx context.Context, tx store.Tx, ev *event.Event) error {
	if cloudTrailDetailTypes[ev.DetailType] {
		rec, err := ParseRecord(ev.Detail)
		if err != nil {
			s.log.Warn("investigate: CloudTrail event without a usable record", "event_id", ev.ID, "error", err.Error())
			return nil
		}
		if _, err := writeRecords(ctx, s.st.Kind(), tx, []*Record{rec}, nil); err != nil {
			return fmt.Errorf("recording event %s: %w", ev.ID, err)
		}
		return nil
	}
	fs := Findings(ev)
	if len(fs) == 0 {
		return nil
	}
	a := newAggregates()
	for _, f := range fs {
		t := f.Time.UnixMicro()
		a.named = a.named[:0]
		fid := a.entity(f.Entity, t)
		for _, e := range f.Names {
			a.relate(fid, RelNames, a.entity(e, t), t)
		}
	}
	if err := a.write(ctx, tx); err != nil {
		return fmt.Errorf("linking findings of event %s: %w", ev.ID, err)
	}
	return nil
}
