package remediate

import (
	"encoding/json"
	"strings"

	"github.com/vigilhq/vigil/internal/config"
)

// Selection is a playbook chosen for a finding, with the mapping's
// parameters for it.
type Selection struct {
	Playbook string
	Params   json.RawMessage
}

// Mapping decides which playbooks a finding gets: the configured rules
// first, then the built-in ones; the first rule that matches wins.
type Mapping struct {
	rules []mappingRule
}

type mappingRule struct {
	controls, configRules, gdTypes, eventNames []string
	playbooks                                  []string
	params                                     map[string]json.RawMessage
}

// NewMapping builds the mapping from the configuration.
func NewMapping(cfg config.Remediation) *Mapping {
	m := &Mapping{}
	for _, r := range cfg.Mapping {
		mr := mappingRule{controls: r.Controls, configRules: r.ConfigRules, gdTypes: r.GuardDutyTypes, eventNames: r.EventNames, playbooks: r.Playbooks, params: map[string]json.RawMessage{}}
		for k, v := range r.Params {
			mr.params[k] = json.RawMessage(v)
		}
		m.rules = append(m.rules, mr)
	}
	if !cfg.NoDefaultMapping {
		m.rules = append(m.rules, defaultMapping()...)
	}
	return m
}

// Select returns the playbooks of the first rule that matches f, or none.
func (m *Mapping) Select(f *Finding) []Selection {
	for _, r := range m.rules {
		if !r.matches(f) {
			continue
		}
		var out []Selection
		for _, p := range r.playbooks {
			out = append(out, Selection{Playbook: p, Params: r.params[p]})
		}
		return out
	}
	return nil
}

// Playbooks lists every playbook the mapping can select, for checks.
func (m *Mapping) Playbooks() []string {
	var out []string
	for _, r := range m.rules {
		out = append(out, r.playbooks...)
	}
	return out
}

func (r *mappingRule) matches(f *Finding) bool {
	if f.Control != "" {
		for _, c := range r.controls {
			if strings.EqualFold(c, f.Control) {
				return true
			}
		}
	}
	for _, name := range f.ConfigRules {
		for _, c := range r.configRules {
			if configRuleMatches(c, name) {
				return true
			}
		}
	}
	if f.Type != "" {
		for _, g := range r.gdTypes {
			if glob(g, f.Type) {
				return true
			}
		}
	}
	if f.EventName != "" {
		for _, e := range r.eventNames {
			if e == f.EventName {
				return true
			}
		}
	}
	return false
}

// configRuleMatches matches a rule name as AWS Config writes it, and the
// copies Security Hub (securityhub-NAME-abc123) and conformance packs
// (NAME-conformance-pack-abc123) make of managed rules.
func configRuleMatches(want, name string) bool {
	return name == want || strings.HasPrefix(name, "securityhub-"+want+"-") || strings.HasPrefix(name, want+"-conformance-pack-")
}

// glob matches s against pattern, where * stands for any run of
// characters (slashes included).
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// highRiskPorts are the ports Security Hub EC2.19 checks.
const highRiskPorts = `[20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300]`

// removeDefaultRules is AWS's own SSM document for Security Hub EC2.2 and
// AWS Config's vpc-default-security-group-closed.
const removeDefaultRules = `{"document": "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "parameters": {"GroupId": ["{resource}"]}}`

// defaultMapping is vigil's built-in mapping (docs/remediate.md lists it).
func defaultMapping() []mappingRule {
	p := func(name, params string) map[string]json.RawMessage {
		return map[string]json.RawMessage{name: json.RawMessage(params)}
	}
	return []mappingRule{
		{controls: []string{"S3.1"}, configRules: []string{"s3-account-level-public-access-blocks", "s3-account-level-public-access-blocks-periodic"},
			playbooks: []string{"s3-block-public-access"}, params: p("s3-block-public-access", `{"level": "account"}`)},
		{controls: []string{"S3.2", "S3.3", "S3.8"}, configRules: []string{"s3-bucket-public-read-prohibited", "s3-bucket-public-write-prohibited", "s3-bucket-level-public-access-prohibited"},
			eventNames: []string{"DeleteBucketPublicAccessBlock"},
			playbooks:  []string{"s3-block-public-access"}, params: p("s3-block-public-access", `{"level": "bucket"}`)},
		{controls: []string{"EC2.2"}, configRules: []string{"vpc-default-security-group-closed"},
			playbooks: []string{"ssm-automation"}, params: p("ssm-automation", removeDefaultRules)},
		{controls: []string{"EC2.7"}, configRules: []string{"ec2-ebs-encryption-by-default"}, playbooks: []string{"ebs-enable-default-encryption"}},
		{controls: []string{"EC2.8"}, configRules: []string{"ec2-imdsv2-check"}, playbooks: []string{"ec2-enforce-imdsv2"}},
		{controls: []string{"EC2.13"}, configRules: []string{"restricted-ssh"}, playbooks: []string{"sg-revoke-open-ingress"}, params: p("sg-revoke-open-ingress", `{"ports": [22]}`)},
		{controls: []string{"EC2.14"}, playbooks: []string{"sg-revoke-open-ingress"}, params: p("sg-revoke-open-ingress", `{"ports": [3389]}`)},
		{controls: []string{"EC2.19"}, configRules: []string{"vpc-sg-restricted-common-ports"}, playbooks: []string{"sg-revoke-open-ingress"}, params: p("sg-revoke-open-ingress", `{"ports": `+highRiskPorts+`}`)},
		{configRules: []string{"restricted-common-ports"}, eventNames: []string{"AuthorizeSecurityGroupIngress"}, playbooks: []string{"sg-revoke-open-ingress"}},
		{controls: []string{"IAM.3"}, configRules: []string{"access-keys-rotated"}, playbooks: []string{"iam-deactivate-access-key"}, params: p("iam-deactivate-access-key", `{"max_age_days": 90}`)},
		{controls: []string{"IAM.4"}, configRules: []string{"iam-root-access-key-check"}, playbooks: []string{"iam-deactivate-access-key"}},
		{controls: []string{"IAM.7", "IAM.10", "IAM.11", "IAM.12", "IAM.13", "IAM.14", "IAM.15", "IAM.16", "IAM.17"}, configRules: []string{"iam-password-policy"}, playbooks: []string{"iam-password-policy"}},
		{controls: []string{"GuardDuty.1"}, configRules: []string{"guardduty-enabled-centralized"}, playbooks: []string{"guardduty-enable"}},
		{gdTypes: []string{"UnauthorizedAccess:EC2/*", "CryptoCurrency:EC2/*", "Backdoor:EC2/*", "Trojan:EC2/*"}, playbooks: []string{"ec2-isolate", "ec2-forensic-snapshot"}},
		{gdTypes: []string{"UnauthorizedAccess:IAMUser/*"}, playbooks: []string{"iam-deactivate-access-key"}},
	}
}
