package playbooks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestIAMDeactivateAccessKey(t *testing.T) {
	h := newHarness(t, "iam-deactivate-access-key", sandbox.Demo())
	// A GuardDuty IAMUser finding about etl-batch's long-term key.
	raw := []byte(`{"version":"0","id":"b1","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333","region":"ap-northeast-1","time":"2025-04-22T09:20:00Z","resources":[],
	 "detail":{"id":"f-iam-1","type":"UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom","severity":5,"accountId":"111122223333","region":"ap-northeast-1",
	  "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIAH24JZLHVCY3F7F6L","principalId":"AIDAKNYFG5C7OVLXDUXY4","userName":"etl-batch","userType":"IAMUser"}}}}`)
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	f := findingOf(t, ev)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccessKey), "")
	if plan.Steps[0].Params["UserName"] != "etl-batch" || plan.Steps[0].Params["Status"] != "Inactive" {
		t.Errorf("steps = %+v", plan.Steps)
	}
}

func TestIAMDeactivateAccessKeyRefusesTemporaryCredentials(t *testing.T) {
	h := newHarness(t, "iam-deactivate-access-key", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.unauthorizedaccess_iamuser_instancecredentialexfiltration_outsideaws.json"))
	_, err := h.pb.Plan(context.Background(), remediate.PlanInput{Clients: h.clients(f, true), Finding: f, Resource: resourceOf(t, f, remediate.TypeAccessKey), Now: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "temporary credential") {
		t.Fatalf("err = %v", err)
	}
}
