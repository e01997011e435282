package console

import (
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/vigilhq/vigil/internal/deliver"
)

// maxDeliveries bounds the deliveries an incident page lists.
const maxDeliveries = 100

// attemptView is one try at a delivery.
type attemptView struct {
	N   int
	At  time.Time
	Err string
	// Outcome is a message key: attempt.failed, attempt.delivered,
	// attempt.running, attempt.deadletter.
	Outcome string
}

// deliveryView is one delivery of the event to a rule's target, with its
// attempts.
type deliveryView struct {
	Job           int64
	Rule, Target  string
	State         string
	Attempts, Max int
	Created       time.Time
	Tries         []attemptView
}

// deliveriesOf returns the deliveries of the event id the job queue still
// keeps, oldest first. A finished job's last attempt has no error: it is
// the one that delivered (completed) or, when the job was cancelled, the
// error of its last attempt is why it was dead-lettered.
func (c *Console) deliveriesOf(ctx context.Context, id string) ([]deliveryView, error) {
	rows, err := c.opts.Jobs.JobsWithArg(ctx, deliver.KindDeliver, "event_id", id, maxDeliveries)
	if err != nil {
		return nil, err
	}
	out := make([]deliveryView, 0, len(rows))
	for _, j := range rows {
		out = append(out, deliveryOf(j))
	}
	return out, nil
}

func deliveryOf(j *rivertype.JobRow) deliveryView {
	var a struct{ Rule, Target string }
	json.Unmarshal(j.EncodedArgs, &a)
	d := deliveryView{Job: j.ID, Rule: a.Rule, Target: a.Target, State: string(j.State), Attempts: j.Attempt, Max: j.MaxAttempts, Created: j.CreatedAt}
	for i, e := range j.Errors {
		t := attemptView{N: e.Attempt, At: e.At, Err: e.Error, Outcome: "attempt.failed"}
		if i == len(j.Errors)-1 && (j.State == rivertype.JobStateCancelled || j.State == rivertype.JobStateDiscarded) {
			t.Outcome = "attempt.deadletter"
		}
		d.Tries = append(d.Tries, t)
	}
	last := 0
	if n := len(j.Errors); n > 0 {
		last = j.Errors[n-1].Attempt
	}
	if j.Attempt > last && j.AttemptedAt != nil {
		t := attemptView{N: j.Attempt, At: *j.AttemptedAt, Outcome: "attempt.running"}
		if j.State == rivertype.JobStateCompleted {
			t.Outcome = "attempt.delivered"
			if j.FinalizedAt != nil {
				t.At = *j.FinalizedAt
			}
		}
		d.Tries = append(d.Tries, t)
	}
	return d
}
