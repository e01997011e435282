package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Import turns EventBridge rules as AWS gives them into vigil rules:
//
//   - aws events describe-rule output ({"Name", "EventPattern", ...}),
//     optionally followed by the list-targets-by-rule output
//     ({"Targets": [...]}) for that rule in the next document;
//   - aws events list-rules output ({"Rules": [...]}, no targets);
//   - a CloudFormation template (JSON or YAML) with AWS::Events::Rule
//     resources.
//
// docs are the inputs in order (one per file). Targets vigil cannot
// reach the way AWS does (Lambda functions, Step Functions, other buses)
// are skipped with a warning; API destinations become webhook targets whose
// URL must be filled in (a warning says so).
func Import(docs []ImportDoc) (rules []Rule, warnings []string, err error) {
	var last *Rule // the rule a following list-targets-by-rule applies to
	for _, d := range docs {
		v, err := decodeAny(d.Data)
		if err != nil {
			return nil, warnings, fmt.Errorf("%s: %w", d.Name, err)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, warnings, fmt.Errorf("%s: want a JSON or YAML object (describe-rule, list-targets-by-rule, list-rules output or a CloudFormation template)", d.Name)
		}
		switch {
		case m["Resources"] != nil:
			rs, ws, err := importCFN(d.Name, m)
			if err != nil {
				return nil, warnings, err
			}
			warnings = append(warnings, ws...)
			rules = append(rules, rs...)
			last = nil
		case m["Rules"] != nil:
			list, _ := m["Rules"].([]any)
			for i, x := range list {
				rm, _ := x.(map[string]any)
				r, err := importRule(fmt.Sprintf("%s: Rules[%d]", d.Name, i), rm, str(rm["Name"]))
				if err != nil {
					return nil, warnings, err
				}
				rules = append(rules, r)
			}
			last = nil
		case m["EventPattern"] != nil || m["Name"] != nil && m["Arn"] != nil:
			r, err := importRule(d.Name, m, str(m["Name"]))
			if err != nil {
				return nil, warnings, err
			}
			rules = append(rules, r)
			last = &rules[len(rules)-1]
		case m["Targets"] != nil:
			if last == nil {
				return nil, warnings, fmt.Errorf("%s: list-targets-by-rule output must follow the describe-rule output of its rule", d.Name)
			}
			list, _ := m["Targets"].([]any)
			for i, x := range list {
				tm, _ := x.(map[string]any)
				t, w, err := importTarget(fmt.Sprintf("%s: Targets[%d]", d.Name, i), tm)
				if err != nil {
					return nil, warnings, err
				}
				if w != "" {
					warnings = append(warnings, fmt.Sprintf("rule %s: %s", last.Name, w))
				}
				if t != nil {
					last.Targets = append(last.Targets, *t)
				}
			}
			last = nil
		default:
			return nil, warnings, fmt.Errorf("%s: not describe-rule, list-targets-by-rule or list-rules output, nor a CloudFormation template", d.Name)
		}
	}
	for _, r := range rules {
		if len(r.Targets) == 0 {
			warnings = append(warnings, fmt.Sprintf("rule %s has no target vigil can deliver to; add one before using it", r.Name))
		}
	}
	return rules, warnings, nil
}

// ImportDoc is one input of Import.
type ImportDoc struct {
	Name string
	Data []byte
}

func decodeAny(data []byte) (any, error) {
	var v any
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &v); err == nil {
			return v, nil
		}
	}
	// CloudFormation YAML uses short-form intrinsic functions (!Ref,
	// !Sub, !GetAtt); read them as plain values.
	if err := yaml.Unmarshal(stripTags(data), &v); err != nil {
		return nil, err
	}
	return normalizeYAML(v), nil
}

// stripTags removes CloudFormation's !Tag prefixes so the YAML parser sees
// plain values.
func stripTags(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		for _, tag := range []string{"!Ref ", "!Sub ", "!GetAtt ", "!Join ", "!If ", "!Select ", "!Split ", "!ImportValue ", "!FindInMap ", "!Base64 ", "!Equals ", "!Not ", "!And ", "!Or "} {
			l = strings.ReplaceAll(l, tag, "")
		}
		lines[i] = l
	}
	return []byte(strings.Join(lines, "\n"))
}

func importCFN(name string, m map[string]any) ([]Rule, []string, error) {
	res, _ := m["Resources"].(map[string]any)
	ids := make([]string, 0, len(res))
	for id := range res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var rules []Rule
	var warnings []string
	for _, id := range ids {
		rm, _ := res[id].(map[string]any)
		if str(rm["Type"]) != "AWS::Events::Rule" {
			continue
		}
		props, _ := rm["Properties"].(map[string]any)
		if props == nil {
			return nil, warnings, fmt.Errorf("%s: Resources.%s: no Properties", name, id)
		}
		rname := str(props["Name"])
		if rname == "" {
			rname = id
		}
		r, err := importRule(fmt.Sprintf("%s: Resources.%s", name, id), props, rname)
		if err != nil {
			return nil, warnings, err
		}
		list, _ := props["Targets"].([]any)
		for i, x := range list {
			tm, _ := x.(map[string]any)
			t, w, err := importTarget(fmt.Sprintf("%s: Resources.%s.Properties.Targets[%d]", name, id, i), tm)
			if err != nil {
				return nil, warnings, err
			}
			if w != "" {
				warnings = append(warnings, fmt.Sprintf("rule %s: %s", rname, w))
			}
			if t != nil {
				r.Targets = append(r.Targets, *t)
			}
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, warnings, fmt.Errorf("%s: no AWS::Events::Rule resource in the template", name)
	}
	return rules, warnings, nil
}

func importRule(where string, m map[string]any, name string) (Rule, error) {
	if m == nil {
		return Rule{}, fmt.Errorf("%s: not an object", where)
	}
	r := Rule{Name: name, Description: str(m["Description"]), State: str(m["State"])}
	if r.Name == "" {
		return r, fmt.Errorf("%s: Name: missing", where)
	}
	if r.State == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" {
		r.State = "ENABLED"
	}
	if r.State == "ENABLED" {
		r.State = ""
	}
	switch p := m["EventPattern"].(type) {
	case nil:
		if m["ScheduleExpression"] != nil {
			return r, fmt.Errorf("%s: rule %s is a scheduled rule (ScheduleExpression); vigil routes events, not schedules", where, name)
		}
		return r, fmt.Errorf("%s: EventPattern: missing", where)
	case string:
		if !json.Valid([]byte(p)) {
			return r, fmt.Errorf("%s: EventPattern: not JSON", where)
		}
		var buf bytes.Buffer
		json.Compact(&buf, []byte(p))
		r.EventPattern = buf.Bytes()
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return r, fmt.Errorf("%s: EventPattern: %w", where, err)
		}
		r.EventPattern = b
	}
	return r, nil
}

// importTarget converts one EventBridge target; a nil target with a warning
// means vigil cannot deliver to it.
func importTarget(where string, m map[string]any) (*Target, string, error) {
	if m == nil {
		return nil, "", fmt.Errorf("%s: not an object", where)
	}
	t := &Target{ID: str(m["Id"])}
	arn := str(m["Arn"])
	if t.ID == "" {
		return nil, "", fmt.Errorf("%s: Id: missing", where)
	}
	warning := ""
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return nil, fmt.Sprintf("target %s: Arn %q is not an ARN vigil can read (a CloudFormation reference?); skipped", t.ID, arn), nil
	}
	service, region, account, resource := parts[2], parts[3], parts[4], parts[5]
	switch {
	case service == "sqs":
		t.Type = "forward"
		t.QueueURL = fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, resource)
	case service == "sns":
		t.Type = "forward"
		t.TopicARN = arn
	case service == "events" && strings.HasPrefix(resource, "api-destination/"):
		t.Type = "webhook"
		name := strings.Split(strings.TrimPrefix(resource, "api-destination/"), "/")[0]
		t.URL = "https://change-me.invalid/" + name
		warning = fmt.Sprintf("target %s: API destination %s: set url to its endpoint (the ARN does not carry it)", t.ID, name)
	default:
		return nil, fmt.Sprintf("target %s: %s targets (%s) are not supported by vigil; skipped", t.ID, service, arn), nil
	}
	t.Input = str(m["Input"])
	t.InputPath = str(m["InputPath"])
	if it, ok := m["InputTransformer"].(map[string]any); ok {
		t.InputTransformer = &InputTransformer{InputTemplate: str(it["InputTemplate"])}
		if pm, ok := it["InputPathsMap"].(map[string]any); ok {
			t.InputTransformer.InputPathsMap = map[string]string{}
			for k, v := range pm {
				t.InputTransformer.InputPathsMap[k] = str(v)
			}
		}
	}
	if rp, ok := m["RetryPolicy"].(map[string]any); ok {
		// AWS counts retries; vigil counts attempts.
		if n, ok := num(rp["MaximumRetryAttempts"]); ok {
			t.Retry.MaxAttempts = int(n) + 1
		}
		if n, ok := num(rp["MaximumEventAgeInSeconds"]); ok {
			t.Retry.MaxAge = Duration(time.Duration(n) * time.Second)
		}
	}
	return t, warning, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

// FormatRules writes rules as the rules: section of a vigil configuration
// file. Strings are JSON-quoted (valid YAML); patterns and path maps are
// inline JSON, as in the documentation's examples.
func FormatRules(rules []Rule) []byte {
	var b bytes.Buffer
	q := func(s string) string { return string(jsonNoEscape(s)) }
	b.WriteString("rules:\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "  - name: %s\n", q(r.Name))
		if r.Description != "" {
			fmt.Fprintf(&b, "    description: %s\n", q(r.Description))
		}
		if r.State != "" && r.State != "ENABLED" {
			fmt.Fprintf(&b, "    state: %s\n", r.State)
		}
		fmt.Fprintf(&b, "    event_pattern: %s\n", r.EventPattern)
		if len(r.Targets) == 0 {
			b.WriteString("    targets: []\n")
			continue
		}
		b.WriteString("    targets:\n")
		for _, t := range r.Targets {
			fmt.Fprintf(&b, "      - id: %s\n", q(t.ID))
			fmt.Fprintf(&b, "        type: %s\n", t.Type)
			for _, kv := range [][2]string{{"url", t.URL}, {"queue_url", t.QueueURL}, {"topic_arn", t.TopicARN}, {"input", t.Input}, {"input_path", t.InputPath}} {
				if kv[1] != "" {
					fmt.Fprintf(&b, "        %s: %s\n", kv[0], q(kv[1]))
				}
			}
			if it := t.InputTransformer; it != nil {
				b.WriteString("        input_transformer:\n")
				if len(it.InputPathsMap) > 0 {
					fmt.Fprintf(&b, "          input_paths_map: %s\n", jsonNoEscape(it.InputPathsMap))
				}
				fmt.Fprintf(&b, "          input_template: %s\n", q(it.InputTemplate))
			}
			var retry []string
			if t.Retry.MaxAttempts > 0 {
				retry = append(retry, fmt.Sprintf("max_attempts: %d", t.Retry.MaxAttempts))
			}
			if t.Retry.MaxAge > 0 {
				retry = append(retry, "max_age: "+t.Retry.MaxAge.D().String())
			}
			if len(retry) > 0 {
				fmt.Fprintf(&b, "        retry: {%s}\n", strings.Join(retry, ", "))
			}
		}
	}
	return b.Bytes()
}

// jsonNoEscape is json.Marshal without HTML escaping, so templates keep
// their <placeholders> readable.
func jsonNoEscape(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSpace(b.Bytes())
}
