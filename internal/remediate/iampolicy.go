package remediate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// EnabledPlaybooks returns the playbooks a configuration can run: those its
// remediate targets name, and every playbook of the mapping when a
// remediate target names none.
func (s *Service) EnabledPlaybooks() []string {
	set := map[string]bool{}
	for _, r := range s.conf().file.Rules {
		for _, t := range r.Targets {
			if t.Type != "remediate" {
				continue
			}
			var c struct {
				Playbooks []string `yaml:"playbooks"`
			}
			// The target type reports a bad field; here it only counts.
			t.Spec.Decode(&c, "a remediate target")
			if len(c.Playbooks) == 0 {
				for _, p := range s.conf().mapping.Playbooks() {
					set[p] = true
				}
			}
			for _, p := range c.Playbooks {
				set[p] = true
			}
		}
	}
	var out []string
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Action    []string       `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// scoped are the deletions vigil makes only of what it created itself, so
// the policy allows them only on resources carrying vigil's tags.
var scoped = map[string]map[string]any{
	"ec2:DeleteSecurityGroup": {"StringEquals": map[string]string{"aws:ResourceTag/vigil:isolation": "true"}},
	"ec2:DeleteSnapshot":      {"Null": map[string]string{"aws:ResourceTag/vigil:remediation": "false"}},
}

// IAMPolicy returns the least-privilege IAM policy the playbooks named need
// (only their reads with readOnly, for a role that plans): one statement
// per service, and iam:PassRole only to Systems Manager.
func IAMPolicy(reg *Registry, names []string, readOnly bool) (*PolicyDocument, error) {
	byService := map[string]map[string]bool{}
	scopedUsed := map[string]bool{}
	passRole := false
	for _, n := range names {
		pb, err := reg.Lookup(n)
		if err != nil {
			return nil, err
		}
		perms := pb.Info().Permissions
		if readOnly {
			perms = pb.Info().ReadPermissions
		}
		for _, p := range perms {
			action, _, _ := strings.Cut(p, " ")
			if action == "iam:PassRole" {
				passRole = true
				continue
			}
			if _, ok := scoped[action]; ok {
				scopedUsed[action] = true
				continue
			}
			svc, _, ok := strings.Cut(action, ":")
			if !ok {
				return nil, fmt.Errorf("playbook %s: permission %q is not service:Action", n, p)
			}
			if byService[svc] == nil {
				byService[svc] = map[string]bool{}
			}
			byService[svc][action] = true
		}
	}
	doc := &PolicyDocument{Version: "2012-10-17"}
	var svcs []string
	for s := range byService {
		svcs = append(svcs, s)
	}
	sort.Strings(svcs)
	for _, svc := range svcs {
		var actions []string
		for a := range byService[svc] {
			actions = append(actions, a)
		}
		sort.Strings(actions)
		doc.Statement = append(doc.Statement, PolicyStatement{Sid: "VigilRemediation" + sid(svc), Effect: "Allow", Action: actions, Resource: "*"})
	}
	for _, action := range sortedKeys(scopedUsed) {
		doc.Statement = append(doc.Statement, PolicyStatement{Sid: "VigilRemediation" + sid(strings.SplitN(action, ":", 2)[1]) + "OfItsOwn",
			Effect: "Allow", Action: []string{action}, Resource: "*", Condition: scoped[action]})
	}
	if passRole {
		doc.Statement = append(doc.Statement, PolicyStatement{
			Sid: "VigilRemediationPassAutomationRole", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  "arn:aws:iam::*:role/<AUTOMATION_ASSUME_ROLE>",
			Condition: map[string]any{"StringEquals": map[string]string{"iam:PassedToService": "ssm.amazonaws.com"}},
		})
	}
	return doc, nil
}

func sid(svc string) string {
	var b strings.Builder
	up := true
	for _, r := range svc {
		if r == '-' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
		up = false
	}
	return b.String()
}

// MarshalPolicy is the document as AWS shows it, indented.
func MarshalPolicy(doc *PolicyDocument) ([]byte, error) {
	return json.MarshalIndent(doc, "", "  ")
}
