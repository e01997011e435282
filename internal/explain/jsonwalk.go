package explain

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// document is a JSON value held in an event (request parameters, response
// elements, decoded once per event by its views), or, when that value is a
// string holding a JSON object, the object: IAM sends policy documents that
// way, URL-encoded in responses.
func document(v any) any {
	if s, ok := v.(string); ok {
		return decodeDocument(s)
	}
	return v
}

// decodeDocument decodes a policy or other JSON document sent as a string,
// URL-encoded or not; nil when it is not one.
func decodeDocument(s string) any {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") {
		if u, err := url.QueryUnescape(s); err == nil {
			s = u
		}
	}
	if !strings.HasPrefix(s, "{") {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return v
}

// walk calls fn for every value under a key named name (case is ignored)
// at any depth of v, in a stable order (object keys sorted).
func walk(v any, name string, fn func(any)) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if strings.EqualFold(k, name) {
				fn(v[k])
			}
			walk(v[k], name, fn)
		}
	case []any:
		for _, x := range v {
			walk(x, name, fn)
		}
	}
}

// scalar returns a JSON scalar as text ("" for objects, arrays and null).
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// strs returns the distinct non-empty scalar values under keys named
// name, at any depth; values in arrays count one by one.
func strs(v any, name string) []string {
	var out []string
	add := func(x any) {
		if s := strings.TrimSpace(scalar(x)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	walk(v, name, func(x any) {
		if a, ok := x.([]any); ok {
			for _, y := range a {
				add(y)
			}
			return
		}
		add(x)
	})
	return out
}

// str returns the first scalar value under a key named name, or "".
func str(v any, name string) string {
	if s := strs(v, name); len(s) > 0 {
		return s[0]
	}
	return ""
}

// boolean returns the first value under a key named name as a boolean; ok
// is false when there is none. "true"/"false" strings count, and so does
// {"value": bool} (EC2 sends attributes that way).
func boolean(v any, name string) (val, ok bool) {
	walk(v, name, func(x any) {
		if ok {
			return
		}
		if m, isMap := x.(map[string]any); isMap {
			x = m["value"]
		}
		switch b := x.(type) {
		case bool:
			val, ok = b, true
		case string:
			if p, err := strconv.ParseBool(b); err == nil {
				val, ok = p, true
			}
		}
	})
	return val, ok
}

// child returns the value at the object key name (case is ignored) of v.
func child(v any, name string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if x, ok := m[name]; ok {
		return x
	}
	for k, x := range m {
		if strings.EqualFold(k, name) {
			return x
		}
	}
	return nil
}

// compactJSON returns raw JSON on one line, for showing it as a quotation.
func compactJSON(raw []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
