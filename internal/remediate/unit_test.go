package remediate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/config"
)

func parseCfg(t *testing.T, yaml string) *config.Config {
	t.Helper()
	c, err := config.Parse("vigil.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPolicyDecide(t *testing.T) {
	cfg := parseCfg(t, `
remediation:
  mode: approve
  limit: {changes: 5}
  overrides:
    - {playbooks: [ec2-isolate], severities: [HIGH, CRITICAL], mode: auto}
    - {tags: ["Environment=sandbox"], mode: auto}
    - {accounts: ["999999999999"], mode: dry-run}
`)
	p := NewPolicy(cfg.Remediation)
	plan := func(pb string, tags map[string]string) *Plan { return &Plan{Playbook: pb, Tags: tags} }
	cases := []struct {
		name                  string
		plan                  *Plan
		info                  Info
		severity, account     string
		recent                int
		status, mode, because string
	}{
		{"default mode", plan("ec2-stop", nil), Info{}, "MEDIUM", "111122223333", 0, StatusPendingApproval, "approve", "remediation.mode"},
		{"override by playbook and severity", plan("ec2-isolate", nil), Info{}, "HIGH", "111122223333", 0, StatusApproved, "auto", "overrides[0]"},
		{"severity not matched", plan("ec2-isolate", nil), Info{}, "MEDIUM", "111122223333", 0, StatusPendingApproval, "approve", "remediation.mode"},
		{"override by tag", plan("ec2-stop", map[string]string{"Environment": "sandbox"}), Info{}, "MEDIUM", "1", 0, StatusApproved, "auto", "overrides[1]"},
		{"override by account", plan("ec2-stop", nil), Info{}, "HIGH", "999999999999", 0, StatusDryRun, "dry-run", "overrides[2]"},
		{"exemption tag", plan("ec2-isolate", map[string]string{"vigil:exempt": ""}), Info{}, "HIGH", "1", 0, StatusSkipped, "", "exemption tag"},
		{"low severity", plan("ec2-isolate", nil), Info{}, "LOW", "1", 0, StatusDryRun, "dry-run", "LOW findings never change"},
		{"destructive never auto", plan("ec2-isolate", nil), Info{Destructive: true}, "HIGH", "1", 0, StatusPendingApproval, "approve", "destructive"},
		{"blast radius", plan("ec2-isolate", nil), Info{}, "HIGH", "1", 5, StatusPendingApproval, "approve", "blast-radius limit"},
		{"under the limit", plan("ec2-isolate", nil), Info{}, "HIGH", "1", 4, StatusApproved, "auto", "overrides[0]"},
		{"no change", &Plan{Playbook: "ec2-isolate", NoChange: true}, Info{}, "HIGH", "1", 0, StatusNoChange, "", "already"},
	}
	for _, c := range cases {
		d := p.Decide(c.plan, c.info, c.severity, c.account, c.recent)
		if d.Status != c.status || d.Mode != c.mode || !strings.Contains(d.Reason, c.because) {
			t.Errorf("%s: decision = %+v, want %s %s (%s)", c.name, d, c.status, c.mode, c.because)
		}
	}
}

func TestMapping(t *testing.T) {
	m := NewMapping(parseCfg(t, `
remediation:
  mapping:
    - {controls: [EC2.8], playbooks: [ec2-stop]}
    - {guardduty_types: ["Backdoor:EC2/*"], playbooks: []}
`).Remediation)
	names := func(s []Selection) string {
		var out []string
		for _, x := range s {
			out = append(out, x.Playbook)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		f    Finding
		want string
	}{
		{Finding{Control: "EC2.8"}, "ec2-stop"},                      // configured first
		{Finding{Control: "EC2.7"}, "ebs-enable-default-encryption"}, // built in
		{Finding{Type: "CryptoCurrency:EC2/BitcoinTool.B!DNS"}, "ec2-isolate,ec2-forensic-snapshot"},
		{Finding{Type: "Backdoor:EC2/C&CActivity.B!DNS"}, ""}, // turned off
		{Finding{Type: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"}, "iam-deactivate-access-key"},
		{Finding{ConfigRules: []string{"securityhub-restricted-ssh-4f3a2b"}}, "sg-revoke-open-ingress"},
		{Finding{ConfigRules: []string{"iam-password-policy-conformance-pack-x1"}}, "iam-password-policy"},
		{Finding{EventName: "AuthorizeSecurityGroupIngress"}, "sg-revoke-open-ingress"},
		{Finding{Type: "Recon:EC2/PortProbeUnprotectedPort"}, ""},
	}
	for _, c := range cases {
		if got := names(m.Select(&c.f)); got != c.want {
			t.Errorf("%+v: playbooks = %q, want %q", c.f, got, c.want)
		}
	}
	// EC2.13 carries its ports.
	sel := NewMapping(config.Remediation{}).Select(&Finding{Control: "EC2.13"})
	if len(sel) != 1 || string(sel[0].Params) != `{"ports": [22]}` {
		t.Errorf("EC2.13 = %+v", sel)
	}
}

func TestFindingsFromEvents(t *testing.T) {
	read := func(name string) *event.Event {
		b, err := examples.Events.ReadFile("events/" + name)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := event.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	fs, err := Findings(read("guardduty.cryptocurrency_ec2_bitcointool_b_dns.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	in, _ := f.Resource(TypeInstance)
	if f.ID != "e6a5b0af7e6fee9e482749af4225c175" || f.Severity != "HIGH" || in.ID != "i-04f2e6a8c0b1d3957" || in.Tags["Owner"] != "data-platform" || in.Details["vpc"] != "vpc-0c4e1a7b93d25f861" {
		t.Errorf("finding = %+v", f)
	}
	fs, _ = Findings(read("cloudtrail.authorize_ssh_world.json"))
	if sg, ok := fs[0].Resource(TypeSecurityGroup); !ok || !strings.HasPrefix(sg.ID, "sg-") || fs[0].EventName != "AuthorizeSecurityGroupIngress" {
		t.Errorf("cloudtrail finding = %+v", fs[0])
	}
	if got := guardDutyTypeFromASFF([]string{"TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"}); got != "CryptoCurrency:EC2/BitcoinTool.B!DNS" {
		t.Errorf("type from ASFF = %q", got)
	}
	ev, _ := event.Parse([]byte(`{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"1","region":"r","time":"2025-01-01T00:00:00Z","resources":[],"detail":{"instance-id":"i-1","state":"stopped"}}`))
	if _, err := Findings(ev); err == nil || !strings.Contains(err.Error(), "not a finding") {
		t.Errorf("state change: %v", err)
	}
}

func TestRender(t *testing.T) {
	for in, want := range map[string]string{
		"ModifyInstanceAttribute": "modify-instance-attribute", "SecurityGroupRuleIds": "security-group-rule-ids",
		"GetEbsEncryptionByDefault": "get-ebs-encryption-by-default", "VpcId": "vpc-id", "HttpPutResponseHopLimit": "http-put-response-hop-limit",
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%s) = %s, want %s", in, got, want)
		}
	}
	var v any
	json.Unmarshal([]byte(`{"a": [true, null, 1.5, "<X>", "x<Y>"]}`), &v)
	if got := python(normalise(v)); got != `{"a": [True, None, 1.5, X, "x<Y>"]}` {
		t.Errorf("python = %s", got)
	}
	p := &Plan{Playbook: "p", Region: "r", Steps: []Step{{API: "ec2:X", Params: map[string]any{"Id": "<A>"}}}}
	if ph := placeholders(p.Steps); len(ph) != 1 || ph[0] != "A" {
		t.Errorf("placeholders = %v", ph)
	}
}

func TestIAMPolicy(t *testing.T) {
	reg, err := NewRegistry(fakePlaybook{name: "a", perms: []string{"ec2:DescribeInstances", "ec2:DeleteSnapshot", "iam:PassRole (x)"}, read: []string{"ec2:DescribeInstances"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := IAMPolicy(reg, []string{"a"}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := MarshalPolicy(doc)
	for _, want := range []string{`"ec2:DescribeInstances"`, `"aws:ResourceTag/vigil:remediation": "false"`, `"iam:PassedToService": "ssm.amazonaws.com"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("policy lacks %s:\n%s", want, b)
		}
	}
	doc, _ = IAMPolicy(reg, []string{"a"}, true)
	if b, _ := MarshalPolicy(doc); strings.Contains(string(b), "DeleteSnapshot") || strings.Contains(string(b), "PassRole") {
		t.Errorf("read-only policy = %s", b)
	}
	if _, err := IAMPolicy(reg, []string{"nope"}, false); err == nil {
		t.Error("an unknown playbook is accepted")
	}
}

type fakePlaybook struct {
	Playbook
	name        string
	perms, read []string
}

func (f fakePlaybook) Name() string { return f.name }
func (f fakePlaybook) Info() Info   { return Info{Permissions: f.perms, ReadPermissions: f.read} }
