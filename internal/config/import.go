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

// Imported is what Import makes of EventBridge rules: vigil rules, the
// schedules that replace scheduled rules, and a warning for everything
// vigil does differently.
type Imported struct {
	Rules     []Rule
	Schedules []Schedule
	Warnings  []string
}

// Import turns EventBridge rules as AWS gives them into vigil rules:
//
//   - aws events describe-rule output ({"Name", "EventPattern", ...}),
//     optionally followed by the list-targets-by-rule output
//     ({"Targets": [...]}) for that rule in the next document;
//   - aws events list-rules output ({"Rules": [...]}, no targets);
//   - a CloudFormation template (JSON or YAML) with AWS::Events::Rule
//     resources.
//
// docs are the inputs in order (one per file). A scheduled rule
// (ScheduleExpression) becomes a schedule of the same name and a rule
// matching that schedule's events. Targets vigil cannot reach the way AWS
// does (Lambda functions, Step Functions, other buses) are skipped with a
// warning; API destinations become webhook targets whose URL must be
// filled in (a warning says so); event buses and target dead-letter
// queues, which vigil does not have, are reported with what vigil does
// instead.
func Import(docs []ImportDoc) (*Imported, error) {
	im := &Imported{}
	var last *Rule // the rule a following list-targets-by-rule applies to
	for _, d := range docs {
		v, err := decodeAny(d.Data)
		if err != nil {
			return im, fmt.Errorf("%s: %w", d.Name, err)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return im, fmt.Errorf("%s: want a JSON or YAML object (describe-rule, list-targets-by-rule, list-rules output or a CloudFormation template)", d.Name)
		}
		switch {
		case m["Resources"] != nil:
			if err := im.importCFN(d.Name, m); err != nil {
				return im, err
			}
			last = nil
		case m["Rules"] != nil:
			list, _ := m["Rules"].([]any)
			for i, x := range list {
				rm, _ := x.(map[string]any)
				if _, err := im.importRule(fmt.Sprintf("%s: Rules[%d]", d.Name, i), rm, str(rm["Name"])); err != nil {
					return im, err
				}
			}
			last = nil
		case m["EventPattern"] != nil || m["ScheduleExpression"] != nil || m["Name"] != nil && m["Arn"] != nil:
			r, err := im.importRule(d.Name, m, str(m["Name"]))
			if err != nil {
				return im, err
			}
			last = r
		case m["Targets"] != nil:
			if last == nil {
				return im, fmt.Errorf("%s: list-targets-by-rule output must follow the describe-rule output of its rule", d.Name)
			}
			list, _ := m["Targets"].([]any)
			if err := im.importTargets(fmt.Sprintf("%s: Targets", d.Name), last, list); err != nil {
				return im, err
			}
			last = nil
		default:
			return im, fmt.Errorf("%s: not describe-rule, list-targets-by-rule or list-rules output, nor a CloudFormation template", d.Name)
		}
	}
	for _, r := range im.Rules {
		if len(r.Targets) == 0 {
			im.warn("rule %s has no target vigil can deliver to; add one before using it", r.Name)
		}
	}
	return im, nil
}

func (im *Imported) warn(format string, args ...any) {
	im.Warnings = append(im.Warnings, fmt.Sprintf(format, args...))
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

func (im *Imported) importCFN(name string, m map[string]any) error {
	res, _ := m["Resources"].(map[string]any)
	ids := make([]string, 0, len(res))
	for id := range res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n := 0
	for _, id := range ids {
		rm, _ := res[id].(map[string]any)
		if str(rm["Type"]) != "AWS::Events::Rule" {
			continue
		}
		props, _ := rm["Properties"].(map[string]any)
		if props == nil {
			return fmt.Errorf("%s: Resources.%s: no Properties", name, id)
		}
		rname := str(props["Name"])
		if rname == "" {
			rname = id
		}
		r, err := im.importRule(fmt.Sprintf("%s: Resources.%s", name, id), props, rname)
		if err != nil {
			return err
		}
		list, _ := props["Targets"].([]any)
		if err := im.importTargets(fmt.Sprintf("%s: Resources.%s.Properties.Targets", name, id), r, list); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: no AWS::Events::Rule resource in the template", name)
	}
	return nil
}

// importRule adds the rule m describes (and its schedule, for a scheduled
// rule) and returns it.
func (im *Imported) importRule(where string, m map[string]any, name string) (*Rule, error) {
	if m == nil {
		return nil, fmt.Errorf("%s: not an object", where)
	}
	r := Rule{Name: name, Description: str(m["Description"]), State: str(m["State"])}
	if r.Name == "" {
		return nil, fmt.Errorf("%s: Name: missing", where)
	}
	if r.State == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" {
		r.State = "ENABLED"
	}
	if r.State == "ENABLED" {
		r.State = ""
	}
	if bus := str(m["EventBusName"]); bus != "" && bus != "default" && !strings.HasSuffix(bus, ":event-bus/default") {
		im.warn("rule %s: EventBusName %s: vigil has no event buses, so the rule matches every event vigil receives; send vigil only this bus's events (vigil export writes the EventBridge rule that forwards them) or narrow the pattern", name, bus)
	}
	sched := str(m["ScheduleExpression"])
	switch p := m["EventPattern"].(type) {
	case nil:
		if sched == "" {
			return nil, fmt.Errorf("%s: EventPattern: missing (and no ScheduleExpression)", where)
		}
	case string:
		if !json.Valid([]byte(p)) {
			return nil, fmt.Errorf("%s: EventPattern: not JSON", where)
		}
		var buf bytes.Buffer
		json.Compact(&buf, []byte(p))
		r.EventPattern = buf.Bytes()
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("%s: EventPattern: %w", where, err)
		}
		r.EventPattern = b
	}
	if sched != "" {
		if r.EventPattern != nil {
			im.warn("rule %s: has both an EventPattern and a ScheduleExpression; imported as schedule %s, its EventPattern dropped", name, name)
		}
		// EventBridge evaluates schedule expressions in UTC.
		im.Schedules = append(im.Schedules, Schedule{Name: name, Cron: sched})
		r.EventPattern = SchedulePattern(name)
		if r.Description == "" {
			r.Description = "runs when schedule " + name + " fires"
		}
		im.warn("rule %s: scheduled rule (%s) imported as schedule %s (UTC) and a rule matching its events; its targets receive vigil's scheduled event (source %s, detail {\"schedule\": %q, \"time\": ...}), not aws.events'", name, sched, name, "vigil.schedule", name)
	}
	im.Rules = append(im.Rules, r)
	return &im.Rules[len(im.Rules)-1], nil
}

// importTargets adds the targets list describes to r.
func (im *Imported) importTargets(where string, r *Rule, list []any) error {
	for i, x := range list {
		tm, _ := x.(map[string]any)
		t, w, err := importTarget(fmt.Sprintf("%s[%d]", where, i), tm)
		if err != nil {
			return err
		}
		if w != "" {
			im.warn("rule %s: %s", r.Name, w)
		}
		if dl, ok := tm["DeadLetterConfig"].(map[string]any); ok && str(tm["Id"]) != "" {
			im.warn("rule %s: target %s: DeadLetterConfig (%s) is not used: vigil keeps deliveries that exhaust their retries in its own dead-letter list (vigil deadletters list, vigil deadletters redrive)", r.Name, str(tm["Id"]), str(dl["Arn"]))
		}
		if role := str(tm["RoleArn"]); role != "" && t != nil {
			im.warn("rule %s: target %s: RoleArn %s is not used: vigil delivers with its own AWS credentials", r.Name, t.ID, role)
		}
		if t != nil {
			r.Targets = append(r.Targets, *t)
		}
	}
	return nil
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
	own := map[string]any{}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return nil, fmt.Sprintf("target %s: Arn %q is not an ARN vigil can read (a CloudFormation reference?); skipped", t.ID, arn), nil
	}
	service, region, account, resource := parts[2], parts[3], parts[4], parts[5]
	switch {
	case service == "sqs":
		t.Type = "forward"
		own["queue_url"] = fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, resource)
	case service == "sns":
		t.Type = "forward"
		own["topic_arn"] = arn
	case service == "events" && strings.HasPrefix(resource, "api-destination/"):
		t.Type = "webhook"
		name := strings.Split(strings.TrimPrefix(resource, "api-destination/"), "/")[0]
		own["url"] = "https://change-me.invalid/" + name
		warning = fmt.Sprintf("target %s: API destination %s: set url to its endpoint (the ARN does not carry it)", t.ID, name)
	default:
		return nil, fmt.Sprintf("target %s: %s targets (%s) are not supported by vigil; skipped", t.ID, service, arn), nil
	}
	t.Spec = valueSpec(own)
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

// Format writes what was imported as a configuration file of its own:
// a schedules: section when there are scheduled rules, then rules:. To
// add it to an existing file, use Merge (appending it would repeat the
// rules: key, which YAML refuses).
func Format(im *Imported) []byte {
	var b bytes.Buffer
	if len(im.Schedules) > 0 {
		b.WriteString("schedules:\n")
		writeSchedules(&b, im.Schedules, "  ")
	}
	b.WriteString("rules:\n")
	writeRules(&b, im.Rules, "  ")
	return b.Bytes()
}

// writeSchedules writes schedules as block-sequence items indented by
// indent. Strings are JSON-quoted (valid YAML).
func writeSchedules(b *bytes.Buffer, list []Schedule, indent string) {
	q := func(s string) string { return string(jsonNoEscape(s)) }
	for _, s := range list {
		fmt.Fprintf(b, "%s- {name: %s, cron: %s", indent, q(s.Name), q(s.Cron))
		if s.Timezone != "" {
			fmt.Fprintf(b, ", timezone: %s", q(s.Timezone))
		}
		if s.Report != "" {
			fmt.Fprintf(b, ", report: %s", q(s.Report))
		}
		b.WriteString("}\n")
	}
}

// writeRules writes rules as block-sequence items indented by indent.
// Strings are JSON-quoted (valid YAML); patterns and path maps are inline
// JSON, as in the documentation's examples.
func writeRules(b *bytes.Buffer, rules []Rule, indent string) {
	q := func(s string) string { return string(jsonNoEscape(s)) }
	line := func(depth int, format string, args ...any) {
		b.WriteString(indent)
		b.WriteString(strings.Repeat("  ", depth))
		fmt.Fprintf(b, format, args...)
		b.WriteByte('\n')
	}
	for _, r := range rules {
		line(0, "- name: %s", q(r.Name))
		if r.Description != "" {
			line(1, "description: %s", q(r.Description))
		}
		if r.State != "" && r.State != "ENABLED" {
			line(1, "state: %s", r.State)
		}
		line(1, "event_pattern: %s", r.EventPattern)
		if len(r.Targets) == 0 {
			line(1, "targets: []")
			continue
		}
		line(1, "targets:")
		for _, t := range r.Targets {
			line(2, "- id: %s", q(t.ID))
			line(3, "type: %s", t.Type)
			kvs := t.Spec.strings()
			kvs = append(kvs, [2]string{"input", t.Input}, [2]string{"input_path", t.InputPath})
			for _, kv := range kvs {
				if kv[1] != "" {
					line(3, "%s: %s", kv[0], q(kv[1]))
				}
			}
			if it := t.InputTransformer; it != nil {
				line(3, "input_transformer:")
				if len(it.InputPathsMap) > 0 {
					line(4, "input_paths_map: %s", jsonNoEscape(it.InputPathsMap))
				}
				line(4, "input_template: %s", q(it.InputTemplate))
			}
			var retry []string
			if t.Retry.MaxAttempts > 0 {
				retry = append(retry, fmt.Sprintf("max_attempts: %d", t.Retry.MaxAttempts))
			}
			if t.Retry.MaxAge > 0 {
				retry = append(retry, "max_age: "+t.Retry.MaxAge.D().String())
			}
			if len(retry) > 0 {
				line(3, "retry: {%s}", strings.Join(retry, ", "))
			}
		}
	}
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
