package explain

import (
	"slices"
	"strings"
)

// statement is one statement of an IAM, S3, KMS, Lambda or Secrets
// Manager policy, as vigil reads it to judge a change.
type statement struct {
	allow      bool
	principals []string // "*", or "AWS:<arn|account>", "Service:<name>", "Federated:<id>"
	actions    []string
	notAction  bool
	resources  []string
	condition  bool
}

// policy is a parsed policy document.
type policy []statement

// parsePolicy reads a policy from a decoded document (or a string holding
// one); nil when v is not a policy.
func parsePolicy(v any) policy {
	if s, ok := v.(string); ok {
		v = decodeDocument(s)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var list []any
	switch st := child(m, "Statement").(type) {
	case []any:
		list = st
	case map[string]any:
		list = []any{st}
	}
	var p policy
	for _, x := range list {
		sm, ok := x.(map[string]any)
		if !ok {
			continue
		}
		s := statement{allow: strings.EqualFold(scalar(child(sm, "Effect")), "Allow")}
		switch pr := child(sm, "Principal").(type) {
		case string:
			s.principals = append(s.principals, pr)
		case map[string]any:
			keys := make([]string, 0, len(pr))
			for k := range pr {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				for _, id := range scalars(pr[k]) {
					if id == "*" && k == "AWS" {
						s.principals = append(s.principals, "*")
						continue
					}
					s.principals = append(s.principals, k+":"+id)
				}
			}
		}
		if a := child(sm, "Action"); a != nil {
			s.actions = scalars(a)
		} else {
			s.actions, s.notAction = scalars(child(sm, "NotAction")), true
		}
		s.resources = scalars(child(sm, "Resource"))
		if c, ok := child(sm, "Condition").(map[string]any); ok && len(c) > 0 {
			s.condition = true
		}
		p = append(p, s)
	}
	return p
}

func scalars(v any) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, x := range v {
			if s := scalar(x); s != "" {
				out = append(out, s)
			}
		}
		return out
	default:
		if s := scalar(v); s != "" {
			return []string{s}
		}
	}
	return nil
}

// public reports an Allow statement for any principal ("*") without a
// condition that could narrow it.
func (p policy) public() bool {
	for _, s := range p {
		if s.allow && !s.condition && slices.Contains(s.principals, "*") {
			return true
		}
	}
	return false
}

// publicWithCondition reports an Allow for "*" that has a condition: it
// may or may not be public, depending on the condition.
func (p policy) publicWithCondition() bool {
	for _, s := range p {
		if s.allow && s.condition && slices.Contains(s.principals, "*") {
			return true
		}
	}
	return false
}

// accounts returns the AWS account ids named by the Allow statements'
// principals, other than own.
func (p policy) accounts(own string) []string {
	var out []string
	for _, s := range p {
		if !s.allow {
			continue
		}
		for _, pr := range s.principals {
			id, ok := strings.CutPrefix(pr, "AWS:")
			if !ok {
				continue
			}
			if acct := accountOf(id); acct != "" && acct != own && !slices.Contains(out, acct) {
				out = append(out, acct)
			}
		}
	}
	return out
}

// admin reports an Allow of every action ("*") on every resource, or of
// every IAM action: what an administrator has.
func (p policy) admin() bool {
	for _, s := range p {
		if !s.allow || s.notAction {
			continue
		}
		all := slices.Contains(s.resources, "*") || len(s.resources) == 0
		for _, a := range s.actions {
			if (a == "*" || a == "*:*") && all || strings.EqualFold(a, "iam:*") && all {
				return true
			}
		}
	}
	return false
}

// actionList is the Allow statements' actions, for display.
func (p policy) actionList() []string {
	var out []string
	for _, s := range p {
		if !s.allow {
			continue
		}
		for _, a := range s.actions {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// accountOf returns the account id in an ARN ("arn:aws:iam::123456789012:root")
// or a bare twelve-digit id; "" otherwise.
func accountOf(s string) string {
	if isAccountID(s) {
		return s
	}
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) >= 5 && isAccountID(parts[4]) {
			return parts[4]
		}
	}
	return ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
