package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

func gdFinding(t *testing.T) *remediate.Finding {
	return shFinding(t, "GuardDuty.1", "111122223333", "ap-northeast-1", `{"Type":"AwsAccount","Id":"AWS::::Account:111122223333"}`)
}

// TestGuardDutyEnableCreates: no detector; one is created, and the
// rollback deletes it.
func TestGuardDutyEnableCreates(t *testing.T) {
	h := newHarness(t, "guardduty-enable", sandbox.Demo())
	f := gdFinding(t)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccount), "")
	if plan.Steps[0].API != "guardduty:CreateDetector" || plan.Rollback[0].API != "guardduty:DeleteDetector" {
		t.Errorf("plan = %+v", plan)
	}
}

// TestGuardDutyEnableEnables: a disabled detector is enabled, and the
// rollback disables it again.
func TestGuardDutyEnableEnables(t *testing.T) {
	sc := sandbox.Demo()
	for _, a := range sc.Accounts {
		if a.ID == "111122223333" {
			for _, r := range a.Regions {
				if r.Name == "ap-northeast-1" {
					r.Detectors = []*sandbox.Detector{{ID: "5c9aa6b5b8c0b3c7c858b9d0773f2db4", Status: "DISABLED"}}
				}
			}
		}
	}
	h := newHarness(t, "guardduty-enable", sc)
	f := gdFinding(t)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccount), "")
	if plan.Steps[0].API != "guardduty:UpdateDetector" || plan.Rollback[0].Params["Enable"] != false {
		t.Errorf("plan = %+v", plan)
	}
}
