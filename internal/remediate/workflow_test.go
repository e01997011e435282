package remediate_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// gdEvent is a GuardDuty EC2 finding about instance (a sample's shape).
func gdEvent(id, findingID, instance string, severity float64) []byte {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": id, "detail-type": "GuardDuty Finding", "source": "aws.guardduty", "account": "111122223333",
		"region": "ap-northeast-1", "time": "2025-04-15T11:02:58Z", "resources": []string{},
		"detail": map[string]any{
			"id": findingID, "type": "UnauthorizedAccess:EC2/SSHBruteForce", "severity": severity, "accountId": "111122223333", "region": "ap-northeast-1",
			"title":    "SSH brute force against " + instance,
			"resource": map[string]any{"resourceType": "Instance", "instanceDetails": map[string]any{"instanceId": instance}},
		},
	})
	return b
}

func count(calls []sandbox.Call, op string) (ok, failed int) {
	for _, c := range calls {
		if c.Operation == op {
			if c.Error == "" {
				ok++
			} else {
				failed++
			}
		}
	}
	return ok, failed
}

// onlyRemediation waits for the one remediation the event made.
func (s *server) onlyRemediation() remediate.Remediation {
	s.t.Helper()
	var list []remediate.Remediation
	waitFor(s.t, "a remediation", func() bool { list = s.remediations(); return len(list) == 1 })
	return list[0]
}

// TestThrottlingIsRetried: EC2 throttles the change four times in a row;
// the SDK's retries give up after three, the job retries after its backoff
// and the change is made once.
func TestThrottlingIsRetried(t *testing.T) {
	s := serve(t, `
  mode: auto`, "{type: remediate, playbooks: [ec2-isolate]}")
	if _, err := s.sb.AddFault(sandbox.Fault{Service: "ec2", Operation: "ModifyInstanceAttribute", Error: "throttle", Count: 4}); err != nil {
		t.Fatal(err)
	}
	s.post(gdEvent("e-throttle", "f-throttle", "i-0f1e2d3c4b5a69788", 8))
	r := s.onlyRemediation()
	s.waitStatus(r.ID, remediate.StatusVerified)
	ok, throttled := count(s.sb.Calls(), "ModifyInstanceAttribute")
	if ok != 1 || throttled != 4 {
		t.Errorf("ModifyInstanceAttribute: %d made, %d throttled; want 1 and 4", ok, throttled)
	}
	d := s.show(r.ID)
	throttledRecorded := false
	for _, e := range d.Audit {
		if e.Action == "aws.call" && strings.Contains(string(e.Detail), "RequestLimitExceeded") {
			throttledRecorded = true
		}
	}
	if !throttledRecorded {
		t.Error("the throttled call is not in the audit log")
	}
}

func (s *server) show(id string) remediate.Detail {
	s.t.Helper()
	code, body := s.do("GET", "/remediations/"+id, nil)
	if code != 200 {
		s.t.Fatalf("GET /remediations/%s = %d %s", id, code, body)
	}
	var d remediate.Detail
	if err := json.Unmarshal(body, &d); err != nil {
		s.t.Fatal(err)
	}
	return d
}

// TestBlastRadiusLimit: with a limit of five changes an hour, five
// findings are remediated at once and the sixth waits for approval.
func TestBlastRadiusLimit(t *testing.T) {
	s := serve(t, `
  mode: auto
  limit: {changes: 5, window: 1h}`, "{type: remediate, playbooks: [ec2-isolate]}")
	instances := []string{"i-0a1b2c3d4e5f60718", "i-04f2e6a8c0b1d3957", "i-0f1e2d3c4b5a69788", "i-02468ace13579bdf0", "i-0d3e5f7a9b1c2e468", "i-09c8b7a6d5e4f3021"}
	var ids []string
	for i, in := range instances {
		s.post(gdEvent(fmt.Sprintf("e-%d", i), fmt.Sprintf("f-%d", i), in, 5))
		// One at a time, so that which one is sixth is certain.
		var r remediate.Remediation
		waitFor(t, "finding "+in+" to be gated", func() bool {
			for _, x := range s.remediations() {
				if x.Resource == in && x.Playbook == "ec2-isolate" && x.Status != remediate.StatusPlanning {
					r = x
					return true
				}
			}
			return false
		})
		ids = append(ids, r.ID)
	}
	for i, id := range ids[:5] {
		r := s.remediation(id)
		if r.Status == remediate.StatusPendingApproval {
			t.Fatalf("change %d waits for approval: %s", i+1, r.Reason)
		}
	}
	sixth := s.remediation(ids[5])
	if sixth.Status != remediate.StatusPendingApproval || !strings.Contains(sixth.Reason, "blast-radius limit") {
		t.Fatalf("sixth = %s (%s), want pending_approval for the blast-radius limit", sixth.Status, sixth.Reason)
	}
}

// TestDestructiveNeedsAnotherApprover: ec2-terminate is never applied in
// auto mode, and the person who asked may not approve it.
func TestDestructiveNeedsAnotherApprover(t *testing.T) {
	s := serve(t, `
  mode: auto`)
	ev := gdEvent("e-term", "f-term", "i-0d3e5f7a9b1c2e468", 8)
	code, body := s.do("POST", "/remediations", map[string]any{"event": json.RawMessage(ev), "playbooks": []string{"ec2-terminate"}, "by": "alice"})
	if code != 202 {
		t.Fatalf("POST /remediations = %d %s", code, body)
	}
	var pending []remediate.ApprovalView
	waitFor(t, "the approval request", func() bool { pending = s.approvals(false); return len(pending) == 1 })
	a := pending[0]
	if !a.Destructive || a.RequestedBy != "alice" || !strings.Contains(a.Why, "destructive") {
		t.Fatalf("approval = %+v", a)
	}
	if code, body := s.do("POST", "/approvals/"+a.ID+"/approve", map[string]string{"by": "alice"}); code != 403 || !strings.Contains(string(body), "may not also approve") {
		t.Fatalf("alice approving her own request = %d %s", code, body)
	}
	if ok, _ := count(s.sb.Calls(), "TerminateInstances"); ok != 0 {
		t.Fatal("terminated without approval")
	}
	if code, body := s.do("POST", "/approvals/"+a.ID+"/approve", map[string]string{"by": "bob"}); code != 200 {
		t.Fatalf("bob approving = %d %s", code, body)
	}
	s.waitStatus(a.RemediationID, remediate.StatusVerified)
	d := s.show(a.RemediationID)
	refused := false
	for _, e := range d.Audit {
		refused = refused || e.Action == "approval.refused" && e.Actor == "alice"
	}
	if !refused {
		t.Error("alice's refused approval is not in the audit log")
	}
}

// TestFailureRollsBackAndEscalates: the change fails in a way retrying
// cannot fix; the remediation is rolled back, escalated and on-call told.
func TestFailureRollsBackAndEscalates(t *testing.T) {
	s := serve(t, `
  mode: auto
  escalation: [secops]`)
	if _, err := s.sb.AddFault(sandbox.Fault{Service: "ec2", Operation: "ModifyInstanceAttribute", Error: "UnauthorizedOperation", Status: 403, Count: 1}); err != nil {
		t.Fatal(err)
	}
	s.post(gdEvent("e-fail", "f-fail", "i-02468ace13579bdf0", 8))
	var iso remediate.Remediation
	waitFor(t, "the isolation", func() bool {
		for _, x := range s.remediations() {
			if x.Playbook == "ec2-isolate" {
				iso = x
				return true
			}
		}
		return false
	})
	r := s.waitStatus(iso.ID, remediate.StatusEscalated)
	if !strings.Contains(r.Error, "UnauthorizedOperation") {
		t.Errorf("error = %s", r.Error)
	}
	waitFor(t, "the escalation notice", func() bool {
		for _, sub := range s.hook.subjects() {
			if strings.HasPrefix(sub, "Remediation failed and escalated: ec2-isolate") {
				return true
			}
		}
		return false
	})
	if ok, failed := count(s.sb.Calls(), "ModifyInstanceAttribute"); failed != 1 || ok != 0 {
		t.Errorf("ModifyInstanceAttribute: %d made, %d failed; a permanent error must not be retried", ok, failed)
	}
}
