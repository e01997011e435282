package console

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// TestDeliveryAttempts: each attempt of a delivery job is listed with its
// time, error and outcome: failed tries, then the one that delivered, or
// the last error of a job given up as a dead letter.
func TestDeliveryAttempts(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	at := func(s int) *time.Time { x := t0.Add(time.Duration(s) * time.Second); return &x }
	args := []byte(`{"rule":"r1","target":"hook","event_id":"e1"}`)
	fails := []rivertype.AttemptError{{At: *at(1), Attempt: 1, Error: "503 Service Unavailable"}, {At: *at(3), Attempt: 2, Error: "connection refused"}}
	for _, c := range []struct {
		name string
		job  rivertype.JobRow
		want []attemptView
	}{
		{"delivered on the third try", rivertype.JobRow{ID: 7, State: rivertype.JobStateCompleted, Attempt: 3, MaxAttempts: 5, EncodedArgs: args, Errors: fails, AttemptedAt: at(6), FinalizedAt: at(7)},
			[]attemptView{{1, *at(1), "503 Service Unavailable", "attempt.failed"}, {2, *at(3), "connection refused", "attempt.failed"}, {3, *at(7), "", "attempt.delivered"}}},
		{"will retry", rivertype.JobRow{ID: 8, State: rivertype.JobStateRetryable, Attempt: 2, MaxAttempts: 5, EncodedArgs: args, Errors: fails, AttemptedAt: at(2)},
			[]attemptView{{1, *at(1), "503 Service Unavailable", "attempt.failed"}, {2, *at(3), "connection refused", "attempt.failed"}}},
		{"dead letter", rivertype.JobRow{ID: 9, State: rivertype.JobStateCancelled, Attempt: 2, MaxAttempts: 2, EncodedArgs: args, Errors: fails, AttemptedAt: at(2), FinalizedAt: at(3)},
			[]attemptView{{1, *at(1), "503 Service Unavailable", "attempt.failed"}, {2, *at(3), "connection refused", "attempt.deadletter"}}},
		{"running the first try", rivertype.JobRow{ID: 10, State: rivertype.JobStateRunning, Attempt: 1, MaxAttempts: 5, EncodedArgs: args, AttemptedAt: at(0)},
			[]attemptView{{1, *at(0), "", "attempt.running"}}},
		{"not tried yet", rivertype.JobRow{ID: 11, State: rivertype.JobStateAvailable, MaxAttempts: 5, EncodedArgs: args}, nil},
	} {
		d := deliveryOf(&c.job)
		if d.Rule != "r1" || d.Target != "hook" || d.Job != c.job.ID || d.State != string(c.job.State) {
			t.Errorf("%s: %+v", c.name, d)
		}
		if len(d.Tries) != len(c.want) {
			t.Errorf("%s: tries %+v, want %+v", c.name, d.Tries, c.want)
			continue
		}
		for i := range c.want {
			if d.Tries[i] != c.want[i] {
				t.Errorf("%s: try %d = %+v, want %+v", c.name, i, d.Tries[i], c.want[i])
			}
		}
		for _, tr := range d.Tries {
			for _, l := range []string{"en", "ja"} {
				if _, ok := catalogs[l][tr.Outcome]; !ok {
					t.Errorf("%s: %s catalog lacks %s", c.name, l, tr.Outcome)
				}
			}
		}
		for _, l := range []string{"en", "ja"} {
			if _, ok := catalogs[l]["job."+d.State]; !ok {
				t.Errorf("%s catalog lacks job.%s", l, d.State)
			}
		}
	}
}
