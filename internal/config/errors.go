package config

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// positioned is an error at a YAML node; it satisfies yaml.Error so the
// decoder's caller (yamlError) finds its line.
type positioned struct {
	tok *token.Token
	msg string
}

func nodeError(n ast.Node, err error) error {
	return &positioned{tok: n.GetToken(), msg: err.Error()}
}

func (p *positioned) Error() string                 { return p.msg }
func (p *positioned) GetToken() *token.Token        { return p.tok }
func (p *positioned) GetMessage() string            { return p.msg }
func (p *positioned) FormatError(bool, bool) string { return p.msg }

// Error is one problem in the configuration file, located by the path of the
// field (e.g. rules[0].targets[1].url) and, when known, its line and column.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
	// Only names the one command that has this problem ("serve", see
	// ServeOnly); "" when every command that reads the file has it.
	Only string
}

// Error formats the problem as file:line:col: field: message.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Only != "" {
		fmt.Fprintf(&b, "(vigil %s only) ", e.Only)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*Error

// Error joins the problems, one a line.
func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Errorf returns an *Error for the field at path (as written in messages,
// e.g. "rules[0].targets[1].url"), located in the file when possible. Code
// outside this package that validates parts of the config (the target
// registry) uses it so its errors carry file:line too.
func (c *Config) Errorf(path, format string, args ...any) *Error {
	e := &Error{File: c.file, Field: path, Msg: fmt.Sprintf(format, args...)}
	e.Line, e.Column = c.position(path)
	return e
}

// position finds the line of path in the parsed file, falling back to the
// nearest parent that exists (a missing field is reported where its
// parent is).
func (c *Config) position(path string) (line, col int) {
	if c.ast == nil {
		return 0, 0
	}
	p := path
	for p != "" {
		if yp, err := yaml.PathString("$." + quotePath(p)); err == nil {
			if n, err := yp.FilterFile(c.ast); err == nil && n != nil {
				if tk := n.GetToken(); tk != nil {
					return tk.Position.Line, tk.Position.Column
				}
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0, 0
}

// quotePath quotes map keys that YAMLPath would not read bare (header names
// with dashes, for example).
func quotePath(p string) string {
	parts := strings.Split(p, ".")
	for i, s := range parts {
		name, idx, _ := strings.Cut(s, "[")
		if idx != "" {
			idx = "[" + idx
		}
		if strings.ContainsAny(name, "-/ ") {
			name = "'" + name + "'"
		}
		parts[i] = name + idx
	}
	return strings.Join(parts, ".")
}
