package kb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/goccy/go-yaml"
)

// Citation names the part of a policy document that was used.
type Citation struct {
	// Path is the document's path under its configured directory
	// (policies/iam.md) or its S3 URL (s3://bucket/policies/iam.md).
	Path string `json:"path"`
	// Heading is the heading of the section used; for front-matter
	// parameters, the document's title.
	Heading string `json:"heading"`
	// Title is the document's title.
	Title string `json:"title"`
}

// String writes the citation as "path › heading".
func (c Citation) String() string {
	if c.Heading == "" {
		return c.Path
	}
	return c.Path + " › " + c.Heading
}

// Document is one parsed policy document.
type Document struct {
	Path  string
	Title string
	// Controls are the Security Hub control ids the front matter says the
	// document is about (controls: [IAM.7]).
	Controls []string
	Tags     []string
	// Remediate maps a playbook name to its parameters, each a JSON
	// object.
	Remediate map[string]json.RawMessage
	Sections  []Section
}

// Section is the text under one heading (or before the first heading).
type Section struct {
	// Heading is the section's heading text; "" for text before the first
	// heading.
	Heading string
	// Level is the heading's level (1 for #); 0 before the first heading.
	Level int
	Body  string
}

// frontMatter is the YAML header of a document. Keys vigil does not know
// are ignored: the documents belong to the organisation, and other tools
// may keep their own keys there.
type frontMatter struct {
	Title     string                    `yaml:"title"`
	Controls  []string                  `yaml:"controls"`
	Tags      []string                  `yaml:"tags"`
	Remediate map[string]map[string]any `yaml:"remediate"`
}

// Parse reads a Markdown document: optional front matter between "---"
// lines at the very top, then sections split at ATX headings (# ...)
// outside fenced code blocks. name is the document's path, used in errors
// and as the title when it has neither a title nor a heading.
func Parse(name string, data []byte) (*Document, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	d := &Document{Path: name}
	if rest, fm, ok := cutFrontMatter(text); ok {
		var m frontMatter
		if strings.TrimSpace(fm) != "" {
			if err := yaml.Unmarshal([]byte(fm), &m); err != nil {
				return nil, fmt.Errorf("%s: front matter: %v", name, strings.TrimSpace(yaml.FormatError(err, false, false)))
			}
		}
		d.Title, d.Controls, d.Tags = strings.TrimSpace(m.Title), m.Controls, m.Tags
		for pb, params := range m.Remediate {
			if params == nil {
				params = map[string]any{}
			}
			b, err := json.Marshal(normalize(params))
			if err != nil {
				return nil, fmt.Errorf("%s: front matter: remediate.%s: %v", name, pb, err)
			}
			if d.Remediate == nil {
				d.Remediate = map[string]json.RawMessage{}
			}
			d.Remediate[pb] = b
		}
		text = rest
	}
	d.Sections = splitSections(text)
	if d.Title == "" {
		for _, s := range d.Sections {
			if s.Heading != "" {
				d.Title = s.Heading
				break
			}
		}
	}
	if d.Title == "" {
		d.Title = strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	return d, nil
}

// cutFrontMatter splits "---\nYAML\n---\nrest".
func cutFrontMatter(text string) (rest, fm string, ok bool) {
	if !strings.HasPrefix(text, "---\n") {
		return text, "", false
	}
	body := text[4:]
	for off := 0; off <= len(body); {
		nl := strings.IndexByte(body[off:], '\n')
		line := body[off:]
		if nl >= 0 {
			line = body[off : off+nl]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end := off + len(line)
			if nl >= 0 {
				end++
			}
			return body[end:], body[:off], true
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return text, "", false
}

// splitSections cuts Markdown at its ATX headings. Headings inside fenced
// code blocks are text.
func splitSections(text string) []Section {
	var out []Section
	cur := Section{}
	var body strings.Builder
	flush := func() {
		cur.Body = strings.TrimSpace(body.String())
		if cur.Heading != "" || cur.Body != "" {
			out = append(out, cur)
		}
		body.Reset()
	}
	fence := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			body.WriteString(line + "\n")
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			body.WriteString(line + "\n")
			continue
		}
		if level, h, ok := heading(line); ok {
			flush()
			cur = Section{Heading: h, Level: level}
			continue
		}
		body.WriteString(line + "\n")
	}
	flush()
	return out
}

// heading recognises "## Title ##" (at most three leading spaces).
func heading(line string) (level int, text string, ok bool) {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 {
		return 0, "", false
	}
	for level < len(s) && s[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(s) && s[level] != ' ' && s[level] != '\t') {
		return 0, "", false
	}
	text = strings.TrimSpace(s[level:])
	// A closing run of # counts only after a space ("# C#" keeps its #).
	if t := strings.TrimRight(text, "#"); t != text && (t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t")) {
		text = strings.TrimSpace(t)
	}
	return level, text, text != ""
}

// normalize turns the YAML decoder's map[string]any trees into values
// encoding/json writes (nested maps with any keys become string keys).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalize(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}
