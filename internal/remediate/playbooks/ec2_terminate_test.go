package playbooks

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestEC2Terminate: terminate has no rollback, so the cycle is plan (no
// mutating call), apply, verify, a second apply that changes nothing, and a
// rollback that says it cannot.
func TestEC2Terminate(t *testing.T) {
	h := newHarness(t, "ec2-terminate", sandbox.Demo())
	ctx := context.Background()
	f := findingOf(t, demoEvent(t, "guardduty.impact_ec2_portsweep.json"))
	res := resourceOf(t, f, remediate.TypeInstance)
	before := stateJSON(t, h.sb)
	seq := h.lastSeq()
	plan, err := h.pb.Plan(ctx, remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: res, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, mut := h.since(seq); len(mut) > 0 || stateJSON(t, h.sb) != before {
		t.Fatalf("plan changed something: %+v", mut)
	}
	if !plan.Destructive || !h.pb.Info().Destructive || len(plan.Rollback) != 0 {
		t.Fatalf("terminate must be destructive without rollback: %+v", plan)
	}
	r, err := h.pb.Apply(ctx, h.clients(f, false), plan, "k")
	if err != nil || !r.Changed {
		t.Fatalf("apply = %+v, %v", r, err)
	}
	if ok, d, err := h.pb.Verify(ctx, h.clients(f, true), plan, r); !ok || err != nil {
		t.Fatalf("verify = %v %+v %v", ok, d, err)
	} else {
		checkNote(t, d, plan.Resource)
	}
	seq = h.lastSeq()
	if r2, err := h.pb.Apply(ctx, h.clients(f, false), plan, "k"); err != nil || r2.Changed {
		t.Fatalf("second apply = %+v, %v", r2, err)
	}
	if _, mut := h.since(seq); len(mut) > 0 {
		t.Fatalf("second apply called %+v", mut)
	}
	if err := h.pb.Rollback(ctx, h.clients(f, false), plan, r); !errors.Is(err, remediate.ErrNoRollback) {
		t.Fatalf("rollback = %v, want ErrNoRollback", err)
	}
}
