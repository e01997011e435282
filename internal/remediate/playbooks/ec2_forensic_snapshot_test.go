package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestEC2ForensicSnapshot: batch-worker-07 has two volumes; each gets a
// tagged snapshot, and the rollback deletes them.
func TestEC2ForensicSnapshot(t *testing.T) {
	h := newHarness(t, "ec2-forensic-snapshot", sandbox.Demo())
	f := findingOf(t, demoEvent(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeInstance), "")
	if len(plan.Steps) != 2 || len(plan.Rollback) != 2 {
		t.Fatalf("plan = %+v", plan)
	}
	tags := plan.Steps[0].Params["TagSpecifications"].([]map[string]any)[0]["Tags"].([]map[string]string)
	want := map[string]string{"vigil:source-instance": "i-04f2e6a8c0b1d3957", "vigil:source-volume": "vol-04f2e6a8c0b1d0002",
		"vigil:finding-id": "e6a5b0af7e6fee9e482749af4225c175", "vigil:severity": "HIGH"}
	got := map[string]string{}
	for _, tg := range tags {
		got[tg["Key"]] = tg["Value"]
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tag %s = %q, want %q", k, got[k], v)
		}
	}
	if got["vigil:snapshot-time"] == "" {
		t.Error("no snapshot time tag")
	}
}
