package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// InputSpec is how an EventBridge target says what it receives: the whole
// event (all fields empty), a constant Input, the part of the event at
// InputPath, or an InputTransformer (InputPathsMap and InputTemplate).
// TargetID only appears in error messages, as in AWS's.
type InputSpec struct {
	TargetID      string
	Input         string
	InputPath     string
	InputPathsMap map[string]string
	InputTemplate string
}

// Vars holds the values of the predefined template variables.
type Vars struct {
	RuleARN       string // <aws.events.rule-arn>
	RuleName      string // <aws.events.rule-name>
	IngestionTime string // <aws.events.event.ingestion-time>, RFC 3339
}

// Input is a compiled InputSpec.
type Input struct {
	spec     InputSpec
	path     jsonPath
	paths    map[string]jsonPath
	template []templatePart
	isString bool // a string template (it starts with a quote)
}

// Limits AWS documents for input transformers.
const (
	maxInputPathsMap = 100
	maxInputTemplate = 8192
	maxInputPathLen  = 256
)

var predefined = map[string]bool{
	"aws.events.rule-arn":             true,
	"aws.events.rule-name":            true,
	"aws.events.event.ingestion-time": true,
	"aws.events.event":                true,
	"aws.events.event.json":           true,
}

// CompileInput validates spec the way PutTargets does and compiles it.
func CompileInput(spec InputSpec) (*Input, error) {
	id := spec.TargetID
	set := 0
	if spec.Input != "" {
		set++
	}
	if spec.InputPath != "" {
		set++
	}
	transformer := spec.InputTemplate != "" || len(spec.InputPathsMap) > 0
	if transformer {
		set++
	}
	if set > 1 {
		return nil, fmt.Errorf("Only one of Input, InputPath, or InputTransformer must be provided for target %s.", id)
	}
	in := &Input{spec: spec}
	switch {
	case spec.Input != "":
		if !json.Valid([]byte(spec.Input)) {
			return nil, fmt.Errorf("Input for target %s is not valid JSON.", id)
		}
	case spec.InputPath != "":
		p, err := parseJSONPath(spec.InputPath)
		if err != nil {
			return nil, fmt.Errorf("InputPath for target %s is invalid: %v", id, err)
		}
		in.path = p
	case transformer:
		if spec.InputTemplate == "" {
			return nil, fmt.Errorf("InputTemplate for target %s must be provided with InputPathsMap.", id)
		}
		if len(spec.InputTemplate) > maxInputTemplate {
			return nil, fmt.Errorf("InputTemplate for target %s is longer than %d characters.", id, maxInputTemplate)
		}
		if len(spec.InputPathsMap) > maxInputPathsMap {
			return nil, fmt.Errorf("InputPathsMap for target %s has more than %d entries.", id, maxInputPathsMap)
		}
		in.paths = map[string]jsonPath{}
		keys := make([]string, 0, len(spec.InputPathsMap))
		for k := range spec.InputPathsMap {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if predefined[k] {
				return nil, fmt.Errorf("InputPathsMap for target %s uses the reserved key %s.", id, k)
			}
			p, err := parseJSONPath(spec.InputPathsMap[k])
			if err != nil {
				return nil, fmt.Errorf("InputPathsMap for target %s has an invalid path for %s: %v", id, k, err)
			}
			in.paths[k] = p
		}
		in.template = parseTemplate(spec.InputTemplate)
		for _, part := range in.template {
			if part.name == "" {
				continue
			}
			if _, ok := in.paths[part.name]; !ok && !predefined[part.name] {
				return nil, fmt.Errorf("InputTemplate for target %s contains invalid placeholder %s.", id, part.name)
			}
		}
		in.isString = strings.HasPrefix(strings.TrimLeft(spec.InputTemplate, " \t\r\n"), `"`)
	}
	return in, nil
}

// Render returns exactly what the target receives for event. deliver is
// false when AWS would deliver nothing: an object or array placed inside a
// quoted string of a JSON template, or an InputPath that selects nothing;
// reason then says why.
func (in *Input) Render(event []byte, vars Vars) (payload []byte, deliver bool, reason string, err error) {
	switch {
	case in.spec.Input != "":
		return []byte(in.spec.Input), true, "", nil
	case in.spec.InputPath != "":
		raw, found, err := in.path.lookup(event)
		if err != nil {
			return nil, false, "", err
		}
		if !found {
			return nil, false, fmt.Sprintf("InputPath %s selects nothing in the event", in.spec.InputPath), nil
		}
		return compactJSON(raw), true, "", nil
	case in.template != nil:
		return in.renderTemplate(event, vars)
	default:
		if !json.Valid(event) {
			return nil, false, "", fmt.Errorf("event is not valid JSON")
		}
		return compactJSON(event), true, "", nil
	}
}

func compactJSON(raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// templatePart is literal text, or a placeholder with whether it sits inside
// a quoted string of the template.
type templatePart struct {
	text   string
	name   string
	quoted bool
}

// parseTemplate splits a template into text and <placeholder>s. A '<' that
// does not start a well-formed name is text.
func parseTemplate(t string) []templatePart {
	var parts []templatePart
	inString, escaped := false, false
	last := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if inString {
			switch {
			case escaped:
				escaped = false
				continue
			case c == '\\':
				escaped = true
				continue
			case c == '"':
				inString = false
				continue
			}
		} else if c == '"' {
			inString = true
			continue
		}
		if c != '<' {
			continue
		}
		j := i + 1
		for j < len(t) && isPlaceholderChar(t[j]) {
			j++
		}
		if j == i+1 || j >= len(t) || t[j] != '>' {
			continue
		}
		if last < i {
			parts = append(parts, templatePart{text: t[last:i]})
		}
		parts = append(parts, templatePart{name: t[i+1 : j], quoted: inString})
		last = j + 1
		i = j
	}
	if last < len(t) {
		parts = append(parts, templatePart{text: t[last:]})
	}
	if parts == nil {
		parts = []templatePart{}
	}
	return parts
}

func isPlaceholderChar(c byte) bool {
	return c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (in *Input) renderTemplate(event []byte, vars Vars) ([]byte, bool, string, error) {
	var out []byte
	for _, part := range in.template {
		if part.name == "" {
			out = append(out, part.text...)
			continue
		}
		raw, found, err := in.placeholder(part.name, event, vars)
		if err != nil {
			return nil, false, "", err
		}
		switch {
		case in.isString || part.quoted:
			if !found {
				continue
			}
			v, err := parseJSONTree(raw)
			if err != nil {
				return nil, false, "", fmt.Errorf("value of <%s>: %v", part.name, err)
			}
			if part.quoted && !in.isString && (v.kind == jObject || v.kind == jArray) {
				return nil, false, fmt.Sprintf("<%s> holds an object or array inside a quoted string of a JSON template; AWS delivers nothing", part.name), nil
			}
			out = appendPlain(out, &v)
		default:
			if !found {
				out = append(out, `""`...)
				continue
			}
			out = append(out, compactJSON(raw)...)
		}
	}
	return out, true, "", nil
}

// placeholder returns the raw JSON of a placeholder's value.
func (in *Input) placeholder(name string, event []byte, vars Vars) ([]byte, bool, error) {
	switch name {
	case "aws.events.rule-arn":
		return appendJSONString(nil, vars.RuleARN), true, nil
	case "aws.events.rule-name":
		return appendJSONString(nil, vars.RuleName), true, nil
	case "aws.events.event.ingestion-time":
		return appendJSONString(nil, vars.IngestionTime), true, nil
	case "aws.events.event.json":
		return event, true, nil
	case "aws.events.event":
		return envelopeOnly(event, vars)
	}
	if p, ok := in.paths[name]; ok {
		return p.lookup(event)
	}
	return nil, false, nil
}

// envelopeOnly is <aws.events.event>: the envelope without detail, with
// detail-type renamed detailType and time set to the ingestion time.
func envelopeOnly(event []byte, vars Vars) ([]byte, bool, error) {
	root, err := parseJSONTree(event)
	if err != nil {
		return nil, false, err
	}
	if root.kind != jObject {
		return nil, false, fmt.Errorf("event is not a JSON object")
	}
	get := func(k string) *jvalue {
		var v *jvalue
		for i := range root.members {
			if root.members[i].name == k {
				v = &root.members[i].value
			}
		}
		return v
	}
	out := []byte{'{'}
	first := true
	add := func(k string, v []byte) {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendJSONString(out, k)
		out = append(out, ':')
		out = append(out, v...)
	}
	for _, k := range []string{"id", "account", "detail-type", "time", "source", "region", "resources", "version"} {
		v := get(k)
		if v == nil {
			continue
		}
		switch k {
		case "detail-type":
			add("detailType", appendJSON(nil, v))
		case "time":
			t := vars.IngestionTime
			if t == "" && v.kind == jString {
				t = v.text
			}
			add("time", appendJSONString(nil, t))
		default:
			add(k, appendJSON(nil, v))
		}
	}
	return append(out, '}'), true, nil
}

// appendJSON writes v as compact JSON.
func appendJSON(dst []byte, v *jvalue) []byte {
	switch v.kind {
	case jString:
		return appendJSONString(dst, v.text)
	case jObject:
		dst = append(dst, '{')
		for i, m := range v.members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, m.name)
			dst = append(dst, ':')
			dst = appendJSON(dst, &m.value)
		}
		return append(dst, '}')
	case jArray:
		dst = append(dst, '[')
		for i := range v.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, &v.items[i])
		}
		return append(dst, ']')
	default:
		return append(dst, v.tokenText()...)
	}
}

// appendJSONString writes s as a JSON string, escaping only what JSON
// requires (unlike encoding/json, which also escapes <, > and &).
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// appendPlain writes v the way AWS renders values inside string templates:
// strings without quotes, objects as {k:v,...}, arrays as [a,b]. String
// content is escaped so the surrounding JSON string stays valid.
func appendPlain(dst []byte, v *jvalue) []byte {
	switch v.kind {
	case jString:
		q := appendJSONString(nil, v.text)
		return append(dst, q[1:len(q)-1]...)
	case jObject:
		dst = append(dst, '{')
		for i, m := range v.members {
			if i > 0 {
				dst = append(dst, ',')
			}
			q := appendJSONString(nil, m.name)
			dst = append(dst, q[1:len(q)-1]...)
			dst = append(dst, ':')
			dst = appendPlain(dst, &m.value)
		}
		return append(dst, '}')
	case jArray:
		dst = append(dst, '[')
		for i := range v.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPlain(dst, &v.items[i])
		}
		return append(dst, ']')
	default:
		return append(dst, v.tokenText()...)
	}
}

// jsonPath is a JSONPath as EventBridge accepts it: $, .name, ['name'] and
// [index] steps.
type jsonPath []pathStep

type pathStep struct {
	name  string
	index int // -1 for a member step
}

func parseJSONPath(p string) (jsonPath, error) {
	if len(p) > maxInputPathLen {
		return nil, fmt.Errorf("longer than %d characters", maxInputPathLen)
	}
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("%q must start with $", p)
	}
	var steps jsonPath
	for i := 1; i < len(p); {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("%q has an empty name at offset %d", p, i)
			}
			if name := p[i+1 : j]; name == "*" {
				return nil, fmt.Errorf("%q: wildcards are not supported", p)
			} else {
				steps = append(steps, pathStep{name: name, index: -1})
			}
			i = j
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("%q has an unclosed [", p)
			}
			inner := p[i+1 : i+j]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, pathStep{name: inner[1 : len(inner)-1], index: -1})
			} else if n, err := strconv.Atoi(inner); err == nil && n >= 0 {
				steps = append(steps, pathStep{index: n})
			} else {
				return nil, fmt.Errorf("%q: [%s] is neither an index nor a quoted name", p, inner)
			}
			i += j + 1
		default:
			return nil, fmt.Errorf("%q: unexpected %q at offset %d", p, p[i], i)
		}
	}
	return steps, nil
}

// lookup returns the raw JSON at the path; when a member appears twice the
// last one wins, as in a parsed JSON tree.
func (jp jsonPath) lookup(event []byte) ([]byte, bool, error) {
	s := event
	start := skipWS(s, 0)
	end, err := skipAny(s, start)
	if err != nil {
		return nil, false, err
	}
	for _, st := range jp {
		i := start
		if st.index < 0 {
			if s[i] != '{' {
				return nil, false, nil
			}
			found := false
			i = skipWS(s, i+1)
			for i < end && s[i] != '}' {
				kEnd, esc, ok := scanString(s, i)
				if !ok {
					return nil, false, fmt.Errorf("event is not valid JSON at offset %d", i)
				}
				key := s[i+1 : kEnd-1]
				if esc {
					key, _ = appendUnescaped(nil, key)
				}
				i = skipWS(s, kEnd)
				i = skipWS(s, i+1) // ':'
				vEnd, err := skipAny(s, i)
				if err != nil {
					return nil, false, err
				}
				if string(key) == st.name {
					start, end, found = i, vEnd, true
				}
				i = skipWS(s, vEnd)
				if i < len(s) && s[i] == ',' {
					i = skipWS(s, i+1)
				}
			}
			if !found {
				return nil, false, nil
			}
			continue
		}
		if s[i] != '[' {
			return nil, false, nil
		}
		i = skipWS(s, i+1)
		found := false
		for n := 0; i < end && s[i] != ']'; n++ {
			vEnd, err := skipAny(s, i)
			if err != nil {
				return nil, false, err
			}
			if n == st.index {
				start, end, found = i, vEnd, true
				break
			}
			i = skipWS(s, vEnd)
			if i < len(s) && s[i] == ',' {
				i = skipWS(s, i+1)
			}
		}
		if !found {
			return nil, false, nil
		}
	}
	return s[start:end], true, nil
}

// skipAny returns the end of the JSON value at s[i], checking it fully.
func skipAny(s []byte, i int) (int, error) {
	if i >= len(s) {
		return i, fmt.Errorf("event is not valid JSON: unexpected end")
	}
	p := jparser{s: s, i: i, skip: true}
	if _, err := p.value(); err != nil {
		return p.i, fmt.Errorf("event is not valid JSON: %v", err)
	}
	return p.i, nil
}
