package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestEBSDefaultEncryption(t *testing.T) {
	h := newHarness(t, "ebs-enable-default-encryption", sandbox.Demo())
	// As the demo scenario's EC2.7 finding: off in 111111111111 us-east-1.
	f := shFinding(t, "EC2.7", "111111111111", "us-east-1", `{"Type":"AwsAccount","Id":"AWS::::Account:111111111111","Region":"us-east-1"}`)
	if f.Control != "EC2.7" {
		t.Fatalf("control = %q", f.Control)
	}
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccount), "")
	if plan.Terraform == "" || plan.Account != "" && plan.Account != f.Account {
		t.Errorf("plan = %+v", plan)
	}
}
