package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// The YAML decoder stops at the first field it does not know; vigil config
// check reports them all, each with the nearest known name. unknownFields
// walks the parsed file against the Go types it decodes into.

// nodeUnmarshaler is implemented by types that decode themselves
// (Target, Notifier, Duration, JSON, secrets.Ref).
type nodeUnmarshaler interface{ UnmarshalYAML(ast.Node) error }

var (
	nodeUnmarshalerType = reflect.TypeFor[nodeUnmarshaler]()
	specType            = reflect.TypeFor[Spec]()
)

// unknownFields returns an error for every key of the file that names no
// field of Config.
func (c *Config) unknownFields() Errors {
	if c.ast == nil {
		return nil
	}
	var errs Errors
	for _, doc := range c.ast.Docs {
		c.walkUnknown(doc.Body, reflect.TypeFor[Config](), "", &errs)
	}
	return errs
}

func (c *Config) walkUnknown(n ast.Node, t reflect.Type, path string, errs *Errors) {
	if n == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := n.(type) {
	case *ast.TagNode:
		c.walkUnknown(x.Value, t, path, errs)
		return
	case *ast.AnchorNode:
		c.walkUnknown(x.Value, t, path, errs)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		// A type that decodes itself is walked only when it is a struct
		// that hands the keys it does not know to a plug-in (a Spec): the
		// plug-in reports those.
		custom := reflect.PointerTo(t).Implements(nodeUnmarshalerType)
		hasSpec := false
		for i := range t.NumField() {
			if t.Field(i).Type == specType {
				hasSpec = true
			}
		}
		if custom && !hasSpec {
			return
		}
		m, ok := mapping(n)
		if !ok {
			return // a type error, which the decoder reports
		}
		fields := fieldTypes(t)
		for _, mv := range m.Values {
			k := mv.Key.String()
			ft, known := fields[k]
			if !known {
				if !hasSpec {
					*errs = append(*errs, c.unknownAt(mv.Key, path, k, fields))
				}
				continue
			}
			c.walkUnknown(mv.Value, ft, join(path, k), errs)
		}
	case reflect.Slice:
		if s, ok := n.(*ast.SequenceNode); ok {
			for i, v := range s.Values {
				c.walkUnknown(v, t.Elem(), path+"["+strconv.Itoa(i)+"]", errs)
			}
		}
	case reflect.Map:
		if m, ok := mapping(n); ok {
			for _, mv := range m.Values {
				c.walkUnknown(mv.Value, t.Elem(), join(path, mv.Key.String()), errs)
			}
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// unknownAt is the error for key at node k, which is not one of fields.
func (c *Config) unknownAt(k ast.Node, path, key string, fields map[string]reflect.Type) *Error {
	names := make(map[string]bool, len(fields))
	for f := range fields {
		names[f] = true
	}
	e := &Error{File: c.file, Field: path, Msg: UnknownField(key, names)}
	if tk := k.GetToken(); tk != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	return e
}

// UnknownField says that key is not one of known, suggesting the nearest
// known name, or listing them.
func UnknownField(key string, known map[string]bool) string {
	if s := Suggest(key, sortedKeys(known)); s != "" {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", key, s)
	}
	return fmt.Sprintf("unknown field %q (known: %s)", key, strings.Join(sortedKeys(known), ", "))
}

// Suggest returns the candidate nearest to s: the same name written in
// another case or with other separators (EventPattern, event-pattern for
// event_pattern), or one within a few edits; "" when none is near.
func Suggest(s string, candidates []string) string {
	norm := func(x string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(x))
	}
	for _, c := range candidates {
		if norm(c) == norm(s) {
			return c
		}
	}
	best, bestDist := "", max(2, len(s)/4)+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counting an
// exchange of two neighbouring letters as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// fieldTypes maps the yaml names of struct t's fields to their types
// (inline structs included).
func fieldTypes(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range fieldTypes(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}
