package playbooks

import (
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestEC2Isolate(t *testing.T) {
	h := newHarness(t, "ec2-isolate", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeInstance), "")
	if plan.Resource != "i-04f2e6a8c0b1d3957" || !strings.Contains(plan.Explanation, "sg-03a9f1c7e5b2d4680") {
		t.Errorf("plan = %s: %s", plan.Resource, plan.Explanation)
	}
	var apis []string
	for _, s := range plan.Steps {
		apis = append(apis, s.API)
	}
	if got := strings.Join(apis, " "); got != "ec2:CreateSecurityGroup ec2:RevokeSecurityGroupEgress ec2:CreateTags ec2:ModifyInstanceAttribute" {
		t.Errorf("steps = %s", got)
	}
}
