package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Remediation modes: what a remediation does once planned.
const (
	// ModeDryRun plans and reports; nothing is changed. The default.
	ModeDryRun = "dry-run"
	// ModeApprove waits for a person's approval before applying.
	ModeApprove = "approve"
	// ModeAuto applies at once (never for destructive playbooks).
	ModeAuto = "auto"
)

// Remediation is the remediation: section: when playbooks may change an
// account, who approves, how fast, and with which parameters. The playbooks
// a finding gets come from a rule's remediate target (its playbooks, or the
// mapping when it lists none).
type Remediation struct {
	// Mode is dry-run (the default), approve or auto.
	Mode string `yaml:"mode"`
	// Overrides change the mode for some remediations; the first whose
	// every set field matches wins.
	Overrides []RemediationOverride `yaml:"overrides"`
	// AllowLowSeverity lets LOW and INFORMATIONAL findings change
	// anything; without it they are only planned (dry-run).
	AllowLowSeverity bool `yaml:"allow_low_severity"`
	// ExemptTag is the resource tag that exempts a resource from every
	// change (any value); vigil:exempt by default.
	ExemptTag string `yaml:"exempt_tag"`
	// Limit is the blast-radius limit: beyond Changes changes within
	// Window, a remediation in auto mode waits for approval instead.
	Limit RemediationLimit `yaml:"limit"`
	// Approvers may approve and reject; with none, anyone holding an API
	// key may (recorded under the name they give), and Slack buttons are
	// refused.
	Approvers []Approver `yaml:"approvers"`
	// ApprovalTTL is how long an approval request stays open; 24h by
	// default.
	ApprovalTTL Duration `yaml:"approval_ttl"`
	// Role is assumed in accounts other than vigil's own: a role name,
	// a template with {account} ("vigil-remediation-{account}"), or an
	// ARN. Empty acts everywhere with vigil's own credentials.
	Role string `yaml:"role"`
	// ExternalID is passed to sts:AssumeRole with Role.
	ExternalID string `yaml:"external_id"`
	// Notify names the notifiers that receive approval requests and
	// results.
	Notify []string `yaml:"notify"`
	// Escalation names the notifiers of the on-call channel, told when a
	// remediation fails and is escalated.
	Escalation []string `yaml:"escalation"`
	// SlackSigningSecret refers to the Slack app's signing secret, which
	// POST /slack/interactions checks every approval click against.
	SlackSigningSecret secrets.Ref `yaml:"slack_signing_secret"`
	// Retry is how often and how patiently an apply is retried.
	Retry RemediationRetry `yaml:"retry"`
	// PropagationWait is the pause between apply and verify; 10s by
	// default.
	PropagationWait Duration `yaml:"propagation_wait"`
	// VerifyTimeout bounds how long verification keeps re-reading before
	// the remediation fails; 5m by default.
	VerifyTimeout Duration `yaml:"verify_timeout"`
	// Playbooks holds each playbook's parameters by playbook name (for
	// example the organisation's password policy under
	// iam-password-policy).
	Playbooks map[string]JSON `yaml:"playbooks"`
	// Mapping adds to, and takes precedence over, the built-in mapping
	// from findings to playbooks.
	Mapping []RemediationMapping `yaml:"mapping"`
	// NoDefaultMapping turns the built-in mapping off: only Mapping
	// applies.
	NoDefaultMapping bool `yaml:"no_default_mapping"`
}

// RemediationOverride sets Mode for the remediations it matches: all of
// its non-empty fields must match.
type RemediationOverride struct {
	Playbooks []string `yaml:"playbooks"`
	// Severities are finding severities: INFORMATIONAL, LOW, MEDIUM, HIGH,
	// CRITICAL.
	Severities []string `yaml:"severities"`
	Accounts   []string `yaml:"accounts"`
	// Tags are resource tags, KEY=VALUE or KEY (any value).
	Tags []string `yaml:"tags"`
	Mode string   `yaml:"mode"`
}

// RemediationLimit is the blast-radius limit.
type RemediationLimit struct {
	// Changes per Window; 10 by default. A negative number means no limit.
	Changes int `yaml:"changes"`
	// Window is 1h by default.
	Window Duration `yaml:"window"`
}

// Approver is a person who may approve remediations.
type Approver struct {
	// Name is how the person is recorded (--by NAME, "by" in the API).
	Name string `yaml:"name"`
	// Slack is the person's Slack user id (U0123ABCD), for buttons.
	Slack string `yaml:"slack"`
}

// RemediationRetry is the apply retry policy: MaxAttempts attempts,
// waiting MinBackoff, then twice as long each time, up to MaxBackoff.
type RemediationRetry struct {
	MaxAttempts int      `yaml:"max_attempts"`
	MinBackoff  Duration `yaml:"min_backoff"`
	MaxBackoff  Duration `yaml:"max_backoff"`
}

// RemediationMapping sends the findings it matches to Playbooks (with
// Params by playbook name). A finding matches when any of its fields
// matches; an empty Playbooks list maps the finding to nothing.
type RemediationMapping struct {
	// Controls are Security Hub control ids (EC2.8), matched against
	// Compliance.SecurityControlId or the GeneratorId's last part.
	Controls []string `yaml:"controls"`
	// ConfigRules are AWS Config rule names; a Security Hub or conformance
	// pack copy (securityhub-NAME-abc123) matches too.
	ConfigRules []string `yaml:"config_rules"`
	// GuardDutyTypes are finding types; * matches any run of characters
	// (UnauthorizedAccess:EC2/*).
	GuardDutyTypes []string `yaml:"guardduty_types"`
	// EventNames are CloudTrail API names (AuthorizeSecurityGroupIngress).
	EventNames []string        `yaml:"event_names"`
	Playbooks  []string        `yaml:"playbooks"`
	Params     map[string]JSON `yaml:"params"`
}

// RemediationSeverities are the severities findings carry.
var RemediationSeverities = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func checkMode(m string) error {
	switch m {
	case ModeDryRun, ModeApprove, ModeAuto:
		return nil
	}
	return fmt.Errorf("want dry-run, approve or auto, got %q", m)
}

func (c *Config) remediationDefaults() {
	r := &c.Remediation
	if r.Mode == "" {
		r.Mode = ModeDryRun
	}
	if r.ExemptTag == "" {
		r.ExemptTag = "vigil:exempt"
	}
	if r.Limit.Changes == 0 {
		r.Limit.Changes = 10
	}
	if r.Limit.Window == 0 {
		r.Limit.Window = Duration(time.Hour)
	}
	if r.ApprovalTTL == 0 {
		r.ApprovalTTL = Duration(24 * time.Hour)
	}
	// The Step Functions workflow vigil replaces: 3 attempts, 30 s,
	// backoff ×2.
	if r.Retry.MaxAttempts == 0 {
		r.Retry.MaxAttempts = 3
	}
	if r.Retry.MinBackoff == 0 {
		r.Retry.MinBackoff = Duration(30 * time.Second)
	}
	if r.Retry.MaxBackoff == 0 {
		r.Retry.MaxBackoff = Duration(2 * time.Minute)
	}
	if r.PropagationWait == 0 {
		r.PropagationWait = Duration(10 * time.Second)
	}
	if r.VerifyTimeout == 0 {
		r.VerifyTimeout = Duration(5 * time.Minute)
	}
}

func (c *Config) validateRemediation(bad func(path, format string, args ...any)) {
	r := &c.Remediation
	if err := checkMode(r.Mode); err != nil {
		bad("remediation.mode", "%v", err)
	}
	for i, o := range r.Overrides {
		p := fmt.Sprintf("remediation.overrides[%d]", i)
		if o.Mode == "" {
			bad(p+".mode", "required: dry-run, approve or auto")
		} else if err := checkMode(o.Mode); err != nil {
			bad(p+".mode", "%v", err)
		}
		if len(o.Playbooks)+len(o.Severities)+len(o.Accounts)+len(o.Tags) == 0 {
			bad(p, "set at least one of playbooks, severities, accounts and tags (or change remediation.mode instead)")
		}
		for k, s := range o.Severities {
			if !contains(RemediationSeverities, strings.ToUpper(s)) {
				bad(fmt.Sprintf("%s.severities[%d]", p, k), "want one of %s, got %q", strings.Join(RemediationSeverities, ", "), s)
			}
		}
		for k, a := range o.Accounts {
			if !accountID(a) {
				bad(fmt.Sprintf("%s.accounts[%d]", p, k), "want a 12-digit account id, got %q", a)
			}
		}
		for k, t := range o.Tags {
			if key, _, _ := strings.Cut(t, "="); strings.TrimSpace(key) == "" {
				bad(fmt.Sprintf("%s.tags[%d]", p, k), "want KEY=VALUE or KEY, got %q", t)
			}
		}
	}
	if r.Limit.Window < 0 {
		bad("remediation.limit.window", "must not be negative")
	}
	names := map[string]int{}
	for i, a := range r.Approvers {
		p := fmt.Sprintf("remediation.approvers[%d]", i)
		if strings.TrimSpace(a.Name) == "" {
			bad(p+".name", "required")
		} else if j, dup := names[a.Name]; dup {
			bad(p+".name", "%q is already the name of approvers[%d]", a.Name, j)
		} else {
			names[a.Name] = i
		}
		if a.Slack != "" && !slackUserID(a.Slack) {
			bad(p+".slack", "want a Slack user id such as U0123ABCD (profile → Copy member ID), got %q", a.Slack)
		}
	}
	if r.ApprovalTTL < 0 {
		bad("remediation.approval_ttl", "must not be negative")
	}
	for _, l := range []struct {
		name  string
		names []string
	}{{"notify", r.Notify}, {"escalation", r.Escalation}} {
		for i, n := range l.names {
			if c.Notifier(n) == nil {
				bad(fmt.Sprintf("remediation.%s[%d]", l.name, i), "no notifier is named %q", n)
			}
		}
	}
	if r.SlackSigningSecret != "" {
		if err := r.SlackSigningSecret.Check(); err != nil {
			bad("remediation.slack_signing_secret", "%v", err)
		}
	}
	if r.Retry.MaxAttempts < 1 {
		bad("remediation.retry.max_attempts", "must be at least 1, got %d", r.Retry.MaxAttempts)
	}
	if r.Retry.MaxBackoff < r.Retry.MinBackoff {
		bad("remediation.retry.max_backoff", "must not be shorter than retry.min_backoff")
	}
	for i, m := range r.Mapping {
		p := fmt.Sprintf("remediation.mapping[%d]", i)
		if len(m.Controls)+len(m.ConfigRules)+len(m.GuardDutyTypes)+len(m.EventNames) == 0 {
			bad(p, "set at least one of controls, config_rules, guardduty_types and event_names")
		}
		for name := range m.Params {
			if !contains(m.Playbooks, name) {
				bad(p+".params."+name, "%q is not among this mapping's playbooks", name)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func slackUserID(s string) bool {
	if len(s) < 3 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
