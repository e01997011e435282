package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Spec is the part of a configuration item that a plug-in owns: a target
// type's own fields, or a notifier channel's. The configuration keeps it as
// written, with its position, and the plug-in decodes it with Decode into
// a struct of its own, strictly: a field the struct does not have is an
// error at its line.
type Spec struct {
	cfg  *Config
	path string
	node *ast.MappingNode
	skip map[string]bool // keys that belong to the item, not the plug-in
}

// Path is the item's path in the file, e.g. "rules[0].targets[1]".
func (s Spec) Path() string { return s.path }

// Keys returns the plug-in's keys as written, in file order.
func (s Spec) Keys() []string {
	if s.node == nil {
		return nil
	}
	var out []string
	for _, mv := range s.node.Values {
		if k := mv.Key.String(); !s.skip[k] {
			out = append(out, k)
		}
	}
	return out
}

// Errorf returns an error about field (relative to the item, "" for the
// item itself) with the file's line.
func (s Spec) Errorf(field, format string, args ...any) *Error {
	p := s.path
	if field != "" {
		p += "." + field
	}
	if s.cfg == nil {
		return &Error{Field: p, Msg: fmt.Sprintf(format, args...)}
	}
	return s.cfg.Errorf(p, format, args...)
}

// Decode decodes the plug-in's fields into v (a pointer to a struct with
// yaml tags). A field v does not have is reported as
// `unknown field "x" (a <what> takes: a, b, c)` at its line.
func (s Spec) Decode(v any, what string) error {
	if s.node == nil {
		return nil
	}
	own := *s.node
	own.Values = nil
	for _, mv := range s.node.Values {
		if !s.skip[mv.Key.String()] {
			own.Values = append(own.Values, mv)
		}
	}
	known := Fields(v)
	var unknown Errors
	for _, mv := range own.Values {
		k := mv.Key.String()
		if !known[k] {
			msg := fmt.Sprintf("unknown field %q (%s takes: %s)", k, what, strings.Join(sortedKeys(known), ", "))
			if sug := Suggest(k, sortedKeys(known)); sug != "" {
				msg = fmt.Sprintf("unknown field %q (did you mean %q?)", k, sug)
			}
			unknown = append(unknown, s.at(mv.Key, msg))
		}
	}
	if len(unknown) > 0 {
		return unknown
	}
	if err := yaml.NodeToValue(&own, v, yaml.DisallowUnknownField()); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			return Errors{{File: s.file(), Line: p.Line, Column: p.Column, Field: s.path, Msg: strings.TrimSpace(ye.GetMessage())}}
		}
		return s.Errorf("", "%v", err)
	}
	return nil
}

func (s Spec) file() string {
	if s.cfg == nil {
		return ""
	}
	return s.cfg.file
}

func (s Spec) at(n ast.Node, msg string) *Error {
	e := &Error{File: s.file(), Field: s.path, Msg: msg}
	if tk := n.GetToken(); tk != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	return e
}

// Fields returns the yaml field names of the struct v points to (inline
// structs included).
func Fields(v any) map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k := range Fields(reflect.New(f.Type).Interface()) {
				out[k] = true
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = true
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mapping returns node as a mapping, looking through anchors and tags.
func mapping(node ast.Node) (*ast.MappingNode, bool) {
	switch n := node.(type) {
	case *ast.MappingNode:
		return n, true
	case *ast.MappingValueNode:
		return &ast.MappingNode{BaseNode: n.BaseNode, Start: n.Start, Values: []*ast.MappingValueNode{n}}, true
	case *ast.TagNode:
		return mapping(n.Value)
	case *ast.AnchorNode:
		return mapping(n.Value)
	}
	return nil, false
}

// valueSpec is a Spec for an item vigil makes itself (a schedule's report
// rule), from Go values.
func valueSpec(v map[string]any) Spec {
	node, err := yaml.ValueToNode(v)
	if err != nil {
		panic(err) // v is vigil's own, made of strings
	}
	m, _ := mapping(node)
	return Spec{node: m}
}

// strings returns the plug-in's scalar fields as key and value, in order.
func (s Spec) strings() [][2]string {
	if s.node == nil {
		return nil
	}
	var out [][2]string
	for _, mv := range s.node.Values {
		k := mv.Key.String()
		if s.skip[k] {
			continue
		}
		var v string
		if yaml.NodeToValue(mv.Value, &v) == nil {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}
