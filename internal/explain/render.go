package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format for Render.
type Format string

// The output formats. (A Slack Block Kit payload is built by
// internal/notify/slack, which owns everything Slack.)
const (
	Markdown Format = "markdown" // GitHub-flavoured Markdown, for tickets and chat
	Text     Format = "text"     // plain text, for email
	JSON     Format = "json"     // the Explanation itself
)

// ParseFormat accepts a Format name and names the choices otherwise.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Markdown, Text, JSON:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("format %q is not supported: use markdown, text or json", s)
}

// Render writes x to w in format f.
func Render(w io.Writer, x *Explanation, f Format) error {
	var b []byte
	var err error
	switch f {
	case Markdown:
		b = RenderMarkdown(x)
	case Text:
		b = RenderText(x)
	case JSON:
		b, err = marshalJSON(x)
	default:
		return fmt.Errorf("format %q is not supported: use markdown, text or json", f)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// mdEscaper neutralises the Markdown that could turn event text into
// links, images, HTML or emphasis. Underscores are left alone: inside words
// they do not start emphasis, and ids like AWS_RISK_CREDENTIALS_EXPOSED must
// stay verbatim.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "|", `\|`)

func mdText(s string) string {
	s = mdEscaper.Replace(s)
	if strings.HasPrefix(s, "#") {
		s = `\` + s
	}
	return strings.ReplaceAll(s, "\n", " ")
}

// fence returns a code fence longer than any run of backticks in s.
func fence(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// RenderMarkdown renders x as Markdown.
func RenderMarkdown(x *Explanation) []byte {
	m := catalog(x.Lang)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n", mdText(x.Title))
	for _, s := range x.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", mdText(s.Title))
		for _, p := range s.Paragraphs {
			fmt.Fprintf(&b, "%s\n\n", mdText(p))
		}
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "- **%s:** %s\n", mdText(f.Label), mdText(f.Value))
		}
		if len(s.Fields) > 0 {
			b.WriteByte('\n')
		}
		for _, q := range s.Quotes {
			fmt.Fprintf(&b, "> **%s:** %s\n\n", mdText(q.Label), mdText(q.Text))
		}
		for i, st := range s.Steps {
			fmt.Fprintf(&b, "%d. %s\n", i+1, mdText(st.Text))
			if st.Command != "" {
				if st.NeedsApproval {
					fmt.Fprintf(&b, "   _%s_\n", mdText(m.approvalNote()))
				}
				f := fence(st.Command)
				fmt.Fprintf(&b, "   %ssh\n   %s\n   %s\n", f, strings.ReplaceAll(st.Command, "\n", " "), f)
			}
		}
		if len(s.Steps) > 0 {
			b.WriteByte('\n')
		}
		for _, l := range s.Links {
			fmt.Fprintf(&b, "- [%s](%s)%s\n", mdText(l.Title), mdURL(l.URL), mdText(m.sourceNote(l.Source)))
		}
		if len(s.Links) > 0 {
			b.WriteByte('\n')
		}
	}
	if len(x.Notes) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", mdText(m.notesTitle()))
		for _, n := range x.Notes {
			fmt.Fprintf(&b, "- %s\n", mdText(n))
		}
		b.WriteByte('\n')
	}
	return tidy(b.Bytes())
}

// tidy leaves at most one blank line between blocks and ends with one newline.
func tidy(b []byte) []byte {
	for bytes.Contains(b, []byte("\n\n\n")) {
		b = bytes.ReplaceAll(b, []byte("\n\n\n"), []byte("\n\n"))
	}
	return append(bytes.TrimRight(b, "\n"), '\n')
}

// mdURL keeps a URL from closing the Markdown link early.
func mdURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u)
}

// RenderText renders x as plain text for email.
func RenderText(x *Explanation) []byte {
	m := catalog(x.Lang)
	var b bytes.Buffer
	line := func(s string) string { return strings.ReplaceAll(s, "\n", " ") }
	fmt.Fprintf(&b, "%s\n", line(x.Title))
	for _, s := range x.Sections {
		fmt.Fprintf(&b, "\n■ %s\n\n", line(s.Title))
		for _, p := range s.Paragraphs {
			fmt.Fprintf(&b, "%s\n\n", line(p))
		}
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", line(f.Label), line(f.Value))
		}
		if len(s.Fields) > 0 {
			b.WriteByte('\n')
		}
		for _, q := range s.Quotes {
			fmt.Fprintf(&b, "  %s:\n  | %s\n\n", line(q.Label), line(q.Text))
		}
		for i, st := range s.Steps {
			fmt.Fprintf(&b, "%d. %s\n", i+1, line(st.Text))
			if st.Command != "" {
				if st.NeedsApproval {
					fmt.Fprintf(&b, "   %s\n", m.approvalNote())
				}
				fmt.Fprintf(&b, "   $ %s\n", line(st.Command))
			}
		}
		if len(s.Steps) > 0 {
			b.WriteByte('\n')
		}
		for _, l := range s.Links {
			fmt.Fprintf(&b, "- %s%s\n  %s\n", line(l.Title), m.sourceNote(l.Source), l.URL)
		}
		if len(s.Links) > 0 {
			b.WriteByte('\n')
		}
	}
	if len(x.Notes) > 0 {
		fmt.Fprintf(&b, "\n■ %s\n\n", m.notesTitle())
		for _, n := range x.Notes {
			fmt.Fprintf(&b, "- %s\n", line(n))
		}
	}
	return tidy(b.Bytes())
}

// marshalJSON indents v and leaves <, > and & readable: the payload is
// JSON for an API, not for embedding in HTML.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
