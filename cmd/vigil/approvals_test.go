package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// TestApprovalsThroughServe drives vigil approvals list, vigil reject and
// vigil approve against a running vigil serve, with the API key from
// VIGIL_API_KEY.
func TestApprovalsThroughServe(t *testing.T) {
	sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	cfg := pipelinetest.Config(t, `
database: DB
server:
  listen: "127.0.0.1:0"
  api_keys: ["env:VIGIL_TEST_KEY"]
jobs: {poll_interval: 20ms}
remediation:
  mode: approve
  propagation_wait: 50ms
rules:
  - name: guardduty-ec2
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - {type: remediate}
`)
	base := pipelinetest.ServeConfig(t, cfg, pipeline.Deps{})
	ev, _ := os.ReadFile(exampleFile(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	if code, body := pipelinetest.Do(t, "POST", base+"/events", ev); code != 200 {
		t.Fatalf("POST /events = %d %s", code, body)
	}

	// Without the key the server refuses.
	t.Setenv("VIGIL_API_KEY", "")
	if code, _, errOut := vigil(t, "", "approvals", "list", "--server", base); code != 1 || !strings.Contains(errOut, "VIGIL_API_KEY") {
		t.Fatalf("list without a key = %d %s", code, errOut)
	}
	t.Setenv("VIGIL_API_KEY", pipelinetest.APIKey)

	var list []struct {
		ID          string    `json:"id"`
		Playbook    string    `json:"playbook"`
		Resource    string    `json:"resource"`
		RequestedAt time.Time `json:"requested_at"`
		Status      string    `json:"status"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(list) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("approvals = %+v", list)
		}
		code, out, errOut := vigil(t, "", "approvals", "list", "--server", base, "--format", "json")
		if code != 0 {
			t.Fatalf("approvals list = %d %s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ids := map[string]string{}
	for _, a := range list {
		if a.ID == "" || a.Resource != "i-04f2e6a8c0b1d3957" || a.RequestedAt.IsZero() {
			t.Fatalf("approval = %+v", a)
		}
		ids[a.Playbook] = a.ID
	}
	if code, out, errOut := vigil(t, "", "reject", ids["ec2-forensic-snapshot"], "--by", "carol", "--reason", "not needed", "--server", base); code != 0 || !strings.Contains(out, "rejected by carol") {
		t.Fatalf("reject = %d %s %s", code, out, errOut)
	}
	if code, out, errOut := vigil(t, "", "approve", ids["ec2-isolate"], "--by", "carol", "--server", base); code != 0 || !strings.Contains(out, "approved by carol") {
		t.Fatalf("approve = %d %s %s", code, out, errOut)
	}
	if code, _, errOut := vigil(t, "", "approve", ids["ec2-isolate"], "--by", "dave", "--server", base); code != 1 || !strings.Contains(errOut, "not pending") {
		t.Fatalf("second approve = %d %s", code, errOut)
	}
	code, out, _ := vigil(t, "", "approvals", "list", "--server", base, "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("pending after deciding = %s", out)
	}
	code, out, _ = vigil(t, "", "approvals", "list", "--all", "--server", base)
	if code != 0 || !strings.Contains(out, "approved") || !strings.Contains(out, "rejected") {
		t.Fatalf("approvals list --all = %s", out)
	}
}
