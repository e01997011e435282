package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestSGRevokeOpenIngress: legacy-ftp allows 20-21 and 22 from anywhere;
// only 22 goes (default ports), and comes back on rollback.
func TestSGRevokeOpenIngress(t *testing.T) {
	h := newHarness(t, "sg-revoke-open-ingress", sandbox.Demo())
	raw := []byte(`{"version":"0","id":"c1","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"111122223333","region":"ap-northeast-1","time":"2025-04-22T09:20:00Z","resources":[],
	 "detail":{"findings":[{"Id":"arn:aws:securityhub:ap-northeast-1:111122223333:security-control/EC2.13/finding/1","GeneratorId":"security-control/EC2.13","AwsAccountId":"111122223333","Region":"ap-northeast-1",
	  "Severity":{"Label":"HIGH"},"Title":"Security groups should not allow ingress from 0.0.0.0/0 to port 22","Compliance":{"Status":"FAILED","SecurityControlId":"EC2.13"},
	  "Resources":[{"Type":"AwsEc2SecurityGroup","Id":"arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-0c2e4a6b8d1f3a572","Region":"ap-northeast-1"}]}]}}`)
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	f := findingOf(t, ev)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeSecurityGroup), "")
	if ids := plan.Steps[0].Params["SecurityGroupRuleIds"].([]string); len(ids) != 1 || len(plan.Rollback) != 1 {
		t.Errorf("plan = %+v", plan)
	}
}
