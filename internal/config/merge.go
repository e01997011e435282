package config

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Merge returns the configuration file data (named name in errors) with
// im's schedules and rules added at the end of its schedules: and rules:
// lists, which are created when the file has none. Everything else in
// the file, comments included, stays as written. A rule or schedule name
// the file already uses is an error: nothing is renamed behind the
// user's back.
func Merge(name string, data []byte, im *Imported) ([]byte, error) {
	cfg, err := ParseLenient(name, data)
	if cfg == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, r := range im.Rules {
		if cfg.Rule(r.Name) != nil {
			return nil, fmt.Errorf("%s already has a rule named %q: rename one of them (rules on different event buses may share a name in EventBridge, not in vigil)", name, r.Name)
		}
	}
	for _, s := range im.Schedules {
		for _, have := range cfg.Schedules {
			if have.Name == s.Name {
				return nil, fmt.Errorf("%s already has a schedule named %q: rename one of them", name, s.Name)
			}
		}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(f.Docs) > 1 {
		return nil, fmt.Errorf("%s holds %d YAML documents; vigil reads one", name, len(f.Docs))
	}
	var top []*ast.MappingValueNode
	if len(f.Docs) == 1 && f.Docs[0].Body != nil {
		switch b := f.Docs[0].Body.(type) {
		case *ast.MappingNode:
			if b.IsFlowStyle {
				return nil, fmt.Errorf("%s is written as one flow mapping ({...}); write its sections as block mappings (key: on its own line) to merge into it", name)
			}
			top = b.Values
		case *ast.MappingValueNode:
			top = []*ast.MappingValueNode{b}
		case *ast.CommentGroupNode:
		default:
			return nil, fmt.Errorf("%s is not a mapping of sections (database:, rules:, ...)", name)
		}
	}
	lines := splitLines(data)
	// Where each top-level key starts, to find where a section ends.
	starts := make([]int, 0, len(top))
	for _, mv := range top {
		starts = append(starts, mv.Key.GetToken().Position.Line)
	}
	sort.Ints(starts)
	var edits []edit
	for _, sec := range []struct {
		key   string
		count int
		write func(b *bytes.Buffer, indent string)
	}{
		{"schedules", len(im.Schedules), func(b *bytes.Buffer, indent string) { writeSchedules(b, im.Schedules, indent) }},
		{"rules", len(im.Rules), func(b *bytes.Buffer, indent string) { writeRules(b, im.Rules, indent) }},
	} {
		if sec.count == 0 {
			continue
		}
		e, err := sectionEdit(name, lines, top, starts, sec.key, sec.write)
		if err != nil {
			return nil, err
		}
		edits = append(edits, e)
	}
	// Apply from the bottom up so earlier line numbers stay valid. Of
	// edits at one line, the one applied last ends up first: items added
	// to a list go before sections added after it, and added sections
	// keep their order.
	slices.Reverse(edits)
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at > edits[j].at
		}
		return edits[i].section && !edits[j].section
	})
	for _, e := range edits {
		if e.replace != nil {
			lines[e.at-1] = *e.replace
		}
		if e.at > 0 && lines[e.at-1] != "" && !strings.HasSuffix(lines[e.at-1], "\n") {
			lines[e.at-1] += "\n"
		}
		lines = append(lines[:e.at], append(splitLines([]byte(e.text)), lines[e.at:]...)...)
	}
	out := []byte(strings.Join(lines, ""))
	return out, nil
}

// edit inserts text before line index at (0-based), after replacing line
// at-1 when replace is set.
type edit struct {
	at      int
	text    string
	replace *string
	// section is set for a section added at the end of the file.
	section bool
}

// sectionEdit returns the edit that adds items to the top-level list key.
func sectionEdit(name string, lines []string, top []*ast.MappingValueNode, starts []int, key string, write func(*bytes.Buffer, string)) (edit, error) {
	var b bytes.Buffer
	for _, mv := range top {
		if mv.Key.String() != key {
			continue
		}
		keyLine := mv.Key.GetToken().Position.Line
		switch v := mv.Value.(type) {
		case *ast.NullNode:
			write(&b, "  ")
			return edit{at: keyLine, text: b.String()}, nil
		case *ast.SequenceNode:
			if v.IsFlowStyle {
				if len(v.Values) > 0 || v.Start.Position.Line != keyLine {
					return edit{}, fmt.Errorf("%s: %s: is written in flow style ([...]); write it as a block list (one \"- \" item a line) to merge into it", name, key)
				}
				l := lines[keyLine-1]
				i := strings.Index(l, "[")
				j := strings.Index(l[i:], "]")
				repl := strings.TrimRight(l[:i], " ") + l[i+j+1:]
				write(&b, "  ")
				return edit{at: keyLine, text: b.String(), replace: &repl}, nil
			}
			indent := strings.Repeat(" ", v.Start.Position.Column-1)
			write(&b, indent)
			return edit{at: sectionEnd(lines, starts, keyLine), text: b.String()}, nil
		default:
			return edit{}, fmt.Errorf("%s: %s: is not a list", name, key)
		}
	}
	// No such section: add it at the end.
	b.WriteString(key + ":\n")
	write(&b, "  ")
	return edit{at: len(lines), text: b.String(), section: true}, nil
}

// sectionEnd returns the line index after the last line of the section
// whose key is on keyLine (1-based): before the next top-level key, less
// the blank lines and unindented comments that lead into it.
func sectionEnd(lines []string, starts []int, keyLine int) int {
	end := len(lines)
	for _, s := range starts {
		if s > keyLine {
			end = s - 1
			break
		}
	}
	for end > keyLine {
		l := lines[end-1]
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(l, "#") || t == "..." {
			end--
			continue
		}
		break
	}
	return end
}

// splitLines splits data into lines that keep their line endings.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.SplitAfter(string(data), "\n")
}
