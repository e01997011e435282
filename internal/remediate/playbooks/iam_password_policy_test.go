package playbooks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestIAMPasswordPolicy(t *testing.T) {
	h := newHarness(t, "iam-password-policy", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	// The organisation's own policy: 16 characters, no expiry.
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccount), `{"minimum_password_length": 16, "max_password_age": 0}`)
	p := plan.Steps[0].Params
	if p["MinimumPasswordLength"] != int32(16) || p["PasswordReusePrevention"] != int32(24) || p["MaxPasswordAge"] != nil {
		t.Errorf("update = %+v", p)
	}
	if !strings.Contains(plan.Terraform, "minimum_password_length        = 16") {
		t.Errorf("terraform = %s", plan.Terraform)
	}
}

func TestIAMPasswordPolicyRefusesBadParameters(t *testing.T) {
	h := newHarness(t, "iam-password-policy", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	for params, want := range map[string]string{
		`{"minimum_password_length": 4}`: "minimum_password_length",
		`{"minimum_length": 14}`:         "unknown field",
	} {
		_, err := h.pb.Plan(context.Background(), remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: resourceOf(t, f, remediate.TypeAccount), Params: []byte(params), Now: time.Now()})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one naming %s", params, err, want)
		}
	}
}
