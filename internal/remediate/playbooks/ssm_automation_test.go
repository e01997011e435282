package playbooks

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestSSMAutomation runs AWS's own document for Security Hub EC2.2 on the
// default security group; the rollback runs the configured rollback
// document (here one that puts no rule back, so the state is compared only
// for the forward change).
func TestSSMAutomation(t *testing.T) {
	h := newHarness(t, "ssm-automation", sandbox.Demo())
	ctx := context.Background()
	f := shFinding(t, "EC2.2", "111122223333", "ap-northeast-1", `{"Type":"AwsEc2SecurityGroup","Id":"arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-0f9e8d7c6b5a43210"}`)
	res := resourceOf(t, f, remediate.TypeSecurityGroup)
	params := `{"document": "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "parameters": {"GroupId": ["{resource}"]}}`
	before := stateJSON(t, h.sb)
	seq := h.lastSeq()
	plan, err := h.pb.Plan(ctx, remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: res, Params: []byte(params), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, mut := h.since(seq); len(mut) > 0 || stateJSON(t, h.sb) != before {
		t.Fatalf("plan changed something: %+v", mut)
	}
	if got := plan.Steps[0].Params["Parameters"].(map[string][]string)["GroupId"]; len(got) != 1 || got[0] != "sg-0f9e8d7c6b5a43210" {
		t.Fatalf("parameters = %v", plan.Steps[0].Params)
	}
	r, err := h.pb.Apply(ctx, h.clients(f, false), plan, "rem-ssm/apply")
	if err != nil || !r.Changed {
		t.Fatalf("apply = %+v, %v", r, err)
	}
	if ok, d, err := h.pb.Verify(ctx, h.clients(f, true), plan, r); !ok || err != nil {
		t.Fatalf("verify = %v %+v %v", ok, d, err)
	} else {
		checkNote(t, d, plan.Resource)
	}
	// The document did its work: the default group has no rules left.
	for _, a := range h.sb.State().Accounts {
		for _, reg := range a.Regions {
			for _, g := range reg.SecurityGroups {
				if g.ID == "sg-0f9e8d7c6b5a43210" && (len(g.Ingress) > 0 || len(g.Egress) > 0) {
					t.Errorf("the default group still has rules: %+v %+v", g.Ingress, g.Egress)
				}
			}
		}
	}
	// The same key starts no second execution.
	r2, err := h.pb.Apply(ctx, h.clients(f, false), plan, "rem-ssm/apply")
	if err != nil || string(r2.Data) != string(r.Data) {
		t.Fatalf("second apply = %s, want the same execution as %s (%v)", r2.Data, r.Data, err)
	}
	if err := h.pb.Rollback(ctx, h.clients(f, false), plan, r); !errors.Is(err, remediate.ErrNoRollback) {
		t.Fatalf("rollback without rollback_document = %v, want ErrNoRollback", err)
	}
}

// TestSSMAutomationUnknownDocument: a document that does not exist fails
// the apply with an error retrying cannot fix.
func TestSSMAutomationUnknownDocument(t *testing.T) {
	h := newHarness(t, "ssm-automation", sandbox.Demo())
	ctx := context.Background()
	f := shFinding(t, "EC2.2", "111122223333", "ap-northeast-1", `{"Type":"AwsEc2SecurityGroup","Id":"arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-0f9e8d7c6b5a43210"}`)
	plan, err := h.pb.Plan(ctx, remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: resourceOf(t, f, remediate.TypeSecurityGroup), Params: []byte(`{"document": "Team-NoSuchDocument"}`), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.pb.Apply(ctx, h.clients(f, false), plan, "k")
	if err == nil || awsx.Retryable(err) {
		t.Fatalf("apply = %v, want a permanent error", err)
	}
}
