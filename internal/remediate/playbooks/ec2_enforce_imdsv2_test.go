package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestEC2EnforceIMDSv2(t *testing.T) {
	h := newHarness(t, "ec2-enforce-imdsv2", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.unauthorizedaccess_ec2_sshbruteforce.json"))
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeInstance), "")
	if plan.Steps[0].Params["HttpTokens"] != "required" {
		t.Errorf("steps = %+v", plan.Steps)
	}
}
