package remediate_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// TestConfigCheckNamesBadPlaybooks: unknown playbooks and bad parameters
// are configuration errors with their lines.
func TestConfigCheckNamesBadPlaybooks(t *testing.T) {
	err := pipeline.CheckBytes("vigil.yaml", []byte(`
remediation:
  playbooks:
    iam-password-policy: {minimum_password_length: 3}
  overrides:
    - {playbooks: [ec2-isolat], mode: auto}
rules:
  - name: r
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - {type: remediate, playbooks: [ec2-isolate, nope]}
`))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"vigil.yaml:4:", "minimum_password_length: want 6 to 128",
		"vigil.yaml:6:", `unknown playbook "ec2-isolat"`,
		"vigil.yaml:11:", `unknown playbook "nope"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// TestCrossAccountPlan: a finding in another account is planned there
// through the configured role with the external id, in the finding's
// region; a finding in the caller's own account assumes nothing. Planning
// makes no mutating call either way.
func TestCrossAccountPlan(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	cfg := pipelinetest.Config(t, `
remediation:
  role: vigil-remediation-{account}
  external_id: ext-1234
`)
	svc, err := pipeline.NewRemediation(cfg, nil, nil, awsx.NewProvider(awsx.ProviderOptions{}), nil, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := event.Parse([]byte(`{"version":"0","id":"x1","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"111111111111","region":"us-east-1","time":"2025-01-01T00:00:00Z","resources":[],
	 "detail":{"findings":[{"Id":"f-ec2-7","AwsAccountId":"111111111111","Region":"us-east-1","Severity":{"Label":"MEDIUM"},"Compliance":{"Status":"FAILED","SecurityControlId":"EC2.7"},
	 "Resources":[{"Type":"AwsAccount","Id":"AWS::::Account:111111111111","Region":"us-east-1"}]}]}}`))
	plans, err := svc.Preview(context.Background(), other, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || plans[0].Account != "111111111111" || plans[0].Region != "us-east-1" || plans[0].Playbook != "ebs-enable-default-encryption" {
		t.Fatalf("plans = %+v", plans)
	}
	var assumed []sandbox.Call
	for _, c := range sb.Calls() {
		if c.Operation == "AssumeRole" {
			assumed = append(assumed, c)
		}
	}
	if len(assumed) != 1 {
		t.Fatalf("AssumeRole calls = %d", len(assumed))
	}
	p := assumed[0].Params.(map[string]string)
	if p["RoleArn"] != "arn:aws:iam::111111111111:role/vigil-remediation-111111111111" || p["ExternalId"] != "ext-1234" {
		t.Errorf("AssumeRole = %v", p)
	}
	ebs := false
	for _, c := range sb.Calls() {
		if c.Operation == "GetEbsEncryptionByDefault" {
			ebs = c.Account == "111111111111" && c.Region == "us-east-1"
		}
	}
	if !ebs {
		t.Error("the plan did not read account 111111111111 in us-east-1")
	}

	seq := len(sb.Calls())
	own, _ := event.Parse(gdEvent("x2", "f-own", "i-0a1b2c3d4e5f60718", 8))
	if _, err := svc.Preview(context.Background(), own, []string{"ec2-isolate"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range sb.Calls()[seq:] {
		if c.Operation == "AssumeRole" || !strings.HasPrefix(c.Operation, "Describe") && !strings.HasPrefix(c.Operation, "Get") {
			t.Errorf("planning in the caller's own account called %s", c.Operation)
		}
	}
}

// TestApprovalExpires: nobody decides in time; the approval expires, is
// notified, and can no longer be approved.
func TestApprovalExpires(t *testing.T) {
	s := serve(t, `
  mode: approve
  approval_ttl: 300ms`, "{type: remediate, playbooks: [ec2-stop]}")
	s.post(gdEvent("e-exp", "f-exp", "i-0f1e2d3c4b5a69788", 8))
	var a remediate.ApprovalView
	waitFor(t, "the approval request", func() bool {
		all := s.approvals(true)
		if len(all) == 1 {
			a = all[0]
		}
		return len(all) == 1
	})
	s.waitStatus(a.RemediationID, remediate.StatusExpired)
	if code, body := s.do("POST", "/approvals/"+a.ID+"/approve", map[string]string{"by": "bob"}); code != 409 {
		t.Fatalf("approving an expired approval = %d %s", code, body)
	}
	waitFor(t, "the expiry notice", func() bool {
		for _, sub := range s.hook.subjects() {
			if strings.HasPrefix(sub, "Approval expired: ec2-stop") {
				return true
			}
		}
		return false
	})
	if ok, _ := count(s.sb.Calls(), "StopInstances"); ok != 0 {
		t.Fatal("stopped without approval")
	}
}

// TestRollbackOverHTTP: an applied remediation is rolled back through the
// API; the instance is back in its groups.
func TestRollbackOverHTTP(t *testing.T) {
	s := serve(t, `
  mode: auto`, "{type: remediate, playbooks: [ec2-isolate]}")
	s.post(gdEvent("e-rb", "f-rb", "i-0f1e2d3c4b5a69788", 8))
	r := s.onlyRemediation()
	s.waitStatus(r.ID, remediate.StatusVerified)
	if code, body := s.do("POST", "/remediations/"+r.ID+"/rollback", map[string]string{"by": "bob"}); code != 202 {
		t.Fatalf("rollback = %d %s", code, body)
	}
	s.waitStatus(r.ID, remediate.StatusRolledBack)
	for _, a := range s.sb.State().Accounts {
		for _, reg := range a.Regions {
			for _, in := range reg.Instances {
				if in.ID == "i-0f1e2d3c4b5a69788" && (len(in.SecurityGroups) != 1 || in.SecurityGroups[0] != "sg-07f5d3b1a9c8e6042" || in.Tags["vigil:isolated-from"] != "") {
					t.Errorf("after the rollback: groups %v, tags %v", in.SecurityGroups, in.Tags)
				}
			}
			for _, g := range reg.SecurityGroups {
				if g.Name == "vigil-isolation" {
					t.Errorf("the isolation group %s is left", g.ID)
				}
			}
		}
	}
	if code, _ := s.do("POST", "/remediations/"+r.ID+"/rollback", map[string]string{"by": "bob"}); code != 409 {
		t.Errorf("a second rollback = %d, want 409", code)
	}
}

// TestApplyNowBlastRadius: the one-shot apply counts against the limit too.
func TestApplyNowBlastRadius(t *testing.T) {
	sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	cfg := pipelinetest.Config(t, `
database: DB
remediation:
  limit: {changes: 1, window: 1h}
  propagation_wait: 10ms
`)
	st, err := pipeline.OpenStore(context.Background(), cfg.Database, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := pipeline.NewRemediation(cfg, st, nil, awsx.NewProvider(awsx.ProviderOptions{}), nil, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ev1, _ := event.Parse(gdEvent("a1", "f-a1", "i-0a1b2c3d4e5f60718", 8))
	ev2, _ := event.Parse(gdEvent("a2", "f-a2", "i-04f2e6a8c0b1d3957", 8))
	rs, err := svc.ApplyNow(ctx, ev1, "ec2-enforce-imdsv2", remediate.ApplyOptions{By: "alice"})
	if err != nil || rs[0].Status != remediate.StatusVerified {
		t.Fatalf("first = %+v, %v", rs, err)
	}
	_, err = svc.ApplyNow(ctx, ev2, "ec2-enforce-imdsv2", remediate.ApplyOptions{By: "alice"})
	if !errors.Is(err, remediate.ErrRefused) || !strings.Contains(err.Error(), "blast-radius limit") {
		t.Fatalf("second = %v, want the blast-radius refusal", err)
	}
}

// TestWorkflowOnPostgres runs an automatic isolation through vigil serve
// on PostgreSQL.
func TestWorkflowOnPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	s := serveDB(t, dsn, `
  mode: auto`, "{type: remediate, playbooks: [ec2-isolate]}")
	s.post(gdEvent("e-pg", "f-pg", "i-0d3e5f7a9b1c2e468", 8))
	r := s.onlyRemediation()
	s.waitStatus(r.ID, remediate.StatusVerified)
	if ok, _ := count(s.sb.Calls(), "ModifyInstanceAttribute"); ok != 1 {
		t.Errorf("ModifyInstanceAttribute calls = %d", ok)
	}
}

// TestReloadChangesMode: a reloaded configuration's mode applies to the
// next finding (an operator switching to dry-run in an emergency is obeyed
// at once); a reload naming an unknown playbook is refused.
func TestReloadChangesMode(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	const rules = `
rules:
  - name: gd
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - {type: remediate, playbooks: [ec2-enforce-imdsv2]}
`
	cfg := pipelinetest.Config(t, "database: DB\njobs: {poll_interval: 20ms}\nremediation: {mode: auto, propagation_wait: 10ms}\n"+rules)
	p := pipelinetest.Start(t, cfg, pipeline.Deps{})
	ctx := context.Background()
	status := func(finding string) string {
		list, _ := p.Remediation().List(ctx, remediate.Filter{})
		for _, r := range list {
			if r.FindingID == finding {
				return r.Status
			}
		}
		return ""
	}
	p.Accept(ctx, "test", [][]byte{gdEvent("r1", "f-r1", "i-0a1b2c3d4e5f60718", 8)})
	waitFor(t, "the automatic change", func() bool { return status("f-r1") == remediate.StatusVerified })

	next, err := config.Parse("vigil.yaml", []byte("database: "+cfg.Database+"\njobs: {poll_interval: 20ms}\nremediation: {mode: dry-run}\n"+rules))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Reload(ctx, next); err != nil {
		t.Fatal(err)
	}
	changes, _ := count(sb.Calls(), "ModifyInstanceMetadataOptions")
	p.Accept(ctx, "test", [][]byte{gdEvent("r2", "f-r2", "i-04f2e6a8c0b1d3957", 8)})
	waitFor(t, "the dry run", func() bool { return status("f-r2") == remediate.StatusDryRun })
	if n, _ := count(sb.Calls(), "ModifyInstanceMetadataOptions"); n != changes {
		t.Errorf("after switching to dry-run, %d more changes", n-changes)
	}

	bad, err := config.Parse("vigil.yaml", []byte("database: "+cfg.Database+"\nremediation: {playbooks: {nope: {}}}\n"+rules))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Reload(ctx, bad); err == nil || !strings.Contains(err.Error(), `unknown playbook "nope"`) {
		t.Fatalf("reload with an unknown playbook = %v", err)
	}
}
