package deploy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// hcl writes Terraform's native syntax, laid out as terraform fmt lays it
// out (two-space indents, the = of consecutive one-line attributes
// aligned), so that terraform fmt -check accepts the file as written.
type hcl struct {
	b strings.Builder
}

// expr is an HCL expression written as is (a reference or a function
// call); any other string is written as a quoted string.
type expr string

// item is one attribute or nested block of a body.
type item struct {
	name  string
	value any   // attribute value: string, expr, bool, int, []any, obj
	block *body // or a nested block
	label []string
}

// body is the items of a block, in order.
type body struct{ items []item }

// obj is an HCL object whose keys are written in the order given.
type obj []kv

type kv struct {
	k string
	v any
}

func (b *body) set(name string, v any) *body {
	b.items = append(b.items, item{name: name, value: v})
	return b
}

func (b *body) nest(name string, labels ...string) *body {
	nb := &body{}
	b.items = append(b.items, item{name: name, block: nb, label: labels})
	return nb
}

// top writes a top-level block, e.g. resource "aws_sqs_queue" "events".
func (h *hcl) top(kind string, labels []string, b *body) {
	if h.b.Len() > 0 {
		h.b.WriteByte('\n')
	}
	h.header(kind, labels)
	h.body(b, 1)
	h.b.WriteString("}\n")
}

func (h *hcl) header(kind string, labels []string) {
	h.b.WriteString(kind)
	for _, l := range labels {
		h.b.WriteString(" " + quote(l))
	}
	h.b.WriteString(" {\n")
}

func (h *hcl) body(b *body, depth int) {
	ind := strings.Repeat("  ", depth)
	var keys, vals []string
	for _, it := range b.items {
		if it.block == nil {
			keys, vals = append(keys, it.name), append(vals, value(it.value, depth))
		} else {
			keys, vals = append(keys, ""), append(vals, "")
		}
	}
	widths := alignments(keys, vals, func(i int) bool { return b.items[i].block != nil })
	for i, it := range b.items {
		if it.block != nil {
			if i > 0 {
				h.b.WriteByte('\n')
			}
			h.b.WriteString(ind)
			h.header(it.name, it.label)
			h.body(it.block, depth+1)
			h.b.WriteString(ind + "}\n")
			if i+1 < len(b.items) && b.items[i+1].block == nil {
				h.b.WriteByte('\n')
			}
			continue
		}
		fmt.Fprintf(&h.b, "%s%-*s = %s\n", ind, widths[i], keys[i], vals[i])
	}
}

// alignments returns the width each key is padded to, as terraform fmt
// aligns the = signs: across a run of consecutive one-line attributes; an
// attribute whose value spans lines, and a nested block, stand alone.
func alignments(keys, vals []string, isBlock func(int) bool) []int {
	w := make([]int, len(keys))
	for i := 0; i < len(keys); {
		if isBlock(i) || strings.Contains(vals[i], "\n") {
			w[i] = len(keys[i])
			i++
			continue
		}
		end := i
		width := 0
		for end < len(keys) && !isBlock(end) && !strings.Contains(vals[end], "\n") {
			width = max(width, len(keys[end]))
			end++
		}
		for ; i < end; i++ {
			w[i] = width
		}
	}
	return w
}

// value writes v as an HCL expression at the given depth.
func value(v any, depth int) string {
	switch x := v.(type) {
	case expr:
		return string(x)
	case string:
		return quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(x))
		multi := false
		for i, e := range x {
			parts[i] = value(e, depth+1)
			switch e.(type) {
			case obj, map[string]any:
				multi = true
			}
		}
		if !multi {
			return "[" + strings.Join(parts, ", ") + "]"
		}
		ind := strings.Repeat("  ", depth+1)
		return "[\n" + ind + strings.Join(parts, ",\n"+ind) + ",\n" + strings.Repeat("  ", depth) + "]"
	case map[string]any:
		// JSON objects (event patterns) keep a stable, sorted order.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(obj, len(keys))
		for i, k := range keys {
			o[i] = kv{k, x[k]}
		}
		return value(o, depth)
	case obj:
		if len(x) == 0 {
			return "{}"
		}
		ind := strings.Repeat("  ", depth+1)
		keys := make([]string, len(x))
		for i, e := range x {
			keys[i] = objKey(e.k)
		}
		vals := make([]string, len(x))
		for i, e := range x {
			vals[i] = value(e.v, depth+1)
		}
		widths := alignments(keys, vals, func(int) bool { return false })
		var b strings.Builder
		b.WriteString("{\n")
		for i := range x {
			fmt.Fprintf(&b, "%s%-*s = %s\n", ind, widths[i], keys[i], vals[i])
		}
		b.WriteString(strings.Repeat("  ", depth) + "}")
		return b.String()
	}
	panic(fmt.Sprintf("deploy: no HCL form for %T", v)) // vigil's own values only
}

// objKey writes an object key: an identifier as is, anything else quoted.
func objKey(k string) string {
	if isIdent(k) {
		return k
	}
	return quote(k)
}

func isIdent(s string) bool {
	// true, false and null would be read as values, not as keys.
	if s == "" || s == "true" || s == "false" || s == "null" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

// quote writes s as an HCL string: JSON's escapes, and ${ and %{ doubled
// so that Terraform takes them as text, not as interpolation.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
