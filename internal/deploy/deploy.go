// Package deploy writes the AWS side of a vigil configuration: the
// EventBridge rules that send vigil the events its rules match (same names,
// same patterns), the way those events reach vigil (an SQS queue vigil
// serve consumes, an API destination posting to vigil's /events, or a
// Lambda function running vigil lambda), the permissions vigil needs for
// what its configuration does (consume the queue, forward to SNS/SQS,
// publish to SNS notifiers, read Security Hub, read Secrets Manager
// secrets, invoke Bedrock), and optionally a custom event bus.
//
// Build turns a configuration into a Plan, one description of those
// resources; CloudFormation and Terraform write the same Plan in their
// languages, so both stay in step.
package deploy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/schedule"
)

// The ways events can reach vigil.
const (
	ViaSQS            = "sqs"             // a queue vigil serve consumes (sqs.queue_url)
	ViaAPIDestination = "api-destination" // an HTTPS POST to vigil serve's /events
	ViaLambda         = "lambda"          // a Lambda function running vigil lambda
)

// Vias lists the accepted Options.Via values.
var Vias = []string{ViaSQS, ViaAPIDestination, ViaLambda}

// Options choose what the plan creates.
type Options struct {
	// Via is how events reach vigil: sqs (the default), api-destination or
	// lambda.
	Via string
	// Bus is the event bus the rules are put on; "default" when empty.
	Bus string
	// CreateBus makes the template create Bus (a custom bus) instead of
	// using an existing one.
	CreateBus bool
	// NamePrefix starts every resource name (rules, queue, function), so
	// the exported rules do not collide with rules of the same name already
	// on the bus (for instance the ones vigil rules import read).
	NamePrefix string
	// Arch is the Lambda function's architecture: x86_64 (the default) or
	// arm64; it must match the binary in the zip.
	Arch string
}

// Plan is the AWS side of one configuration.
type Plan struct {
	Options
	// APIKeyHeader is the header the API destination sends the API key in
	// (server.api_key_header).
	APIKeyHeader string
	Rules        []Rule
	// Policy is what vigil itself needs (the queue, forward targets,
	// notifiers, reports, secrets, Bedrock), as an IAM policy.
	Policy []Statement
	// Notes say what the plan leaves out and why, for the user to read.
	Notes []string
}

// Rule is one EventBridge rule forwarding what a vigil rule matches.
type Rule struct {
	// Name is the EventBridge rule's name: NamePrefix and the vigil rule's
	// name.
	Name string
	// ID is a name usable as a CloudFormation logical id and a Terraform
	// resource name.
	ID          string
	Description string
	Pattern     json.RawMessage
	Enabled     bool
}

// Statement is one statement of an IAM policy. A resource may use
// ${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId}, and ${Queue} for
// the queue the plan creates.
type Statement struct {
	Sid       string
	Actions   []string
	Resources []string
}

// Build makes the plan of cfg. raw is the configuration file as written,
// read for the Secrets Manager references it holds.
func Build(cfg *config.Config, raw []byte, o Options) (*Plan, error) {
	if o.Via == "" {
		o.Via = ViaSQS
	}
	if !slices.Contains(Vias, o.Via) {
		return nil, fmt.Errorf("--via %q: want one of %s", o.Via, strings.Join(Vias, ", "))
	}
	if o.Bus == "" {
		o.Bus = "default"
	}
	if o.CreateBus && o.Bus == "default" {
		return nil, fmt.Errorf("--create-bus needs --bus NAME: the default bus always exists")
	}
	if !validName(o.Bus) || strings.HasPrefix(o.Bus, "aws.") {
		return nil, fmt.Errorf("--bus %q: an event bus name is 1 to 256 of A-Z a-z 0-9 . - _ and does not start with aws.", o.Bus)
	}
	if o.Arch == "" {
		o.Arch = "x86_64"
	}
	if o.Arch != "x86_64" && o.Arch != "arm64" {
		return nil, fmt.Errorf("--arch %q: want x86_64 or arm64", o.Arch)
	}
	p := &Plan{Options: o, APIKeyHeader: cfg.Server.APIKeyHeader}
	if p.APIKeyHeader == "" {
		p.APIKeyHeader = "x-api-key"
	}
	ids := map[string]bool{}
	for _, r := range cfg.Rules {
		if internalOnly(r.EventPattern) {
			p.Notes = append(p.Notes, fmt.Sprintf("rule %s matches vigil's own schedule events, which never come from EventBridge: not exported", r.Name))
			continue
		}
		name := o.NamePrefix + r.Name
		if len(name) > 64 {
			return nil, fmt.Errorf("rule %s: EventBridge rule name %q is longer than 64 characters; choose a shorter --name-prefix", r.Name, name)
		}
		desc := r.Description
		if desc == "" {
			desc = "vigil rule " + r.Name
		}
		if len(desc) > 512 {
			desc = desc[:509] + "..."
		}
		p.Rules = append(p.Rules, Rule{
			Name: name, ID: uniqueID(ids, "Rule"+logicalID(r.Name)), Description: desc,
			Pattern: json.RawMessage(r.EventPattern), Enabled: r.Enabled(),
		})
	}
	if len(p.Rules) == 0 {
		return nil, fmt.Errorf("%s: no rule to export: add a rule whose event_pattern matches events from EventBridge", cfg.File())
	}
	if len(p.Rules) > 1 {
		p.Notes = append(p.Notes, "an event several rules match is sent to vigil once per rule; vigil stores it once (by event id) and routes it through all its rules")
	}
	p.Policy = policy(cfg, raw, o.Via)
	if len(cfg.Remediation.Playbooks) > 0 || hasTarget(cfg, "remediate") {
		p.Notes = append(p.Notes, "remediation playbooks need permissions of their own, not included: see docs/remediate.md and vigil remediate plan")
	}
	return p, nil
}

// internalOnly reports whether a pattern can match only vigil's own
// schedule events.
func internalOnly(pat []byte) bool {
	var m struct {
		Source []any `json:"source"`
	}
	if json.Unmarshal(pat, &m) != nil || len(m.Source) == 0 {
		return false
	}
	for _, s := range m.Source {
		if s != schedule.Source {
			return false
		}
	}
	return true
}

func hasTarget(cfg *config.Config, typ string) bool {
	for _, r := range cfg.Rules {
		for _, t := range r.Targets {
			if t.Type == typ {
				return true
			}
		}
	}
	return false
}

// logicalID makes an alphanumeric CamelCase id of a rule name
// ("ssh-open.world" → "SshOpenWorld").
func logicalID(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func uniqueID(seen map[string]bool, id string) string {
	out := id
	for n := 2; seen[out]; n++ {
		out = fmt.Sprintf("%s%d", id, n)
	}
	seen[out] = true
	return out
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
