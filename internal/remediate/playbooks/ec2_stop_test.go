package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestEC2Stop(t *testing.T) {
	h := newHarness(t, "ec2-stop", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.backdoor_ec2_ccactivity_b_dns.json"))
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeInstance), "")
	if plan.Steps[0].API != "ec2:StopInstances" || plan.Rollback[0].API != "ec2:StartInstances" {
		t.Errorf("plan = %+v", plan)
	}
}
