package schedule

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// The envelope of the events schedules fire.
const (
	Source     = "vigil.schedule"
	DetailType = "Scheduled Event"
)

// Named is a configured schedule.
type Named struct {
	Name     string
	Schedule Schedule
}

// Submit accepts one event into the pipeline (ingest.Ingester.Accept for
// one event).
type Submit func(ctx context.Context, raw []byte) error

// ScheduledEvent returns the event a schedule fires at t: source
// vigil.schedule, detail-type "Scheduled Event", and an id made of the
// schedule's name and t, so that every replica firing the same schedule at
// the same time submits the same event, which vigil stores (and routes)
// once.
func ScheduledEvent(name string, t time.Time) []byte {
	at := t.UTC().Format(time.RFC3339)
	b, _ := json.Marshal(map[string]any{
		"version":     "0",
		"id":          "schedule/" + name + "/" + at,
		"source":      Source,
		"detail-type": DetailType,
		"time":        at,
		"resources":   []string{},
		"detail":      map[string]string{"schedule": name, "time": at},
	})
	return b
}

// Run fires the schedules until ctx ends: at each firing time it
// submits the schedule's event, retrying for a while if the submission
// fails (the database is briefly unavailable, say). Firing times missed
// while no vigil ran are not made up.
func Run(ctx context.Context, schedules []Named, submit Submit, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	type entry struct {
		s    Named
		next func(time.Time) time.Time
	}
	var entries []entry
	for _, s := range schedules {
		entries = append(entries, entry{s, s.Schedule.Next})
	}
	if len(entries) == 0 {
		return
	}
	nexts := make([]time.Time, len(entries))
	now := time.Now()
	for i, e := range entries {
		nexts[i] = e.next(now)
	}
	for {
		soonest := 0
		for i := range nexts {
			if !nexts[i].IsZero() && (nexts[soonest].IsZero() || nexts[i].Before(nexts[soonest])) {
				soonest = i
			}
		}
		timer := time.NewTimer(time.Until(nexts[soonest]))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		at := nexts[soonest]
		if at.IsZero() {
			return // no schedule fires again
		}
		e := entries[soonest]
		nexts[soonest] = e.next(at)
		go fire(ctx, e.s.Name, at, submit, log)
	}
}

func fire(ctx context.Context, name string, at time.Time, submit Submit, log *slog.Logger) {
	raw := ScheduledEvent(name, at)
	wait := time.Second
	for attempt := 1; attempt <= 6; attempt++ {
		err := submit(ctx, raw)
		if err == nil {
			log.Info("schedule fired", "schedule", name, "time", at.UTC().Format(time.RFC3339))
			return
		}
		log.Warn("schedule could not submit its event", "schedule", name, "attempt", attempt, "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}
