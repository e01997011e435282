package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Format is an output format for Render.
type Format string

// The output formats.
const (
	Markdown Format = "markdown" // GitHub-flavoured Markdown, for tickets and chat
	Text     Format = "text"     // plain text, for email
	Slack    Format = "slack"    // a Slack Block Kit message payload ({"text","blocks"})
	JSON     Format = "json"     // the Explanation itself
)

// ParseFormat accepts a Format name and names the choices otherwise.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Markdown, Text, Slack, JSON:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("format %q is not supported: use markdown, text, slack or json", s)
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
	case Slack:
		b, err = RenderSlack(x)
	case JSON:
		b, err = marshalJSON(x)
	default:
		return fmt.Errorf("format %q is not supported: use markdown, text, slack or json", f)
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

// Slack limits, from the Block Kit reference.
const (
	SlackMaxBlocks      = 50
	SlackMaxSectionText = 3000
	SlackMaxHeaderText  = 150
)

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackText escapes event and catalog text for mrkdwn, so nothing in it can
// become a link, a mention or markup.
func slackText(s string) string { return slackEscaper.Replace(strings.ReplaceAll(s, "\n", " ")) }

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackTextObj  `json:"text,omitempty"`
	Elements []slackTextObj `json:"elements,omitempty"`
}

type slackTextObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// RenderSlack renders x as a Slack message payload with Block Kit blocks,
// within Slack's limits: at most 50 blocks, 3000 characters per section
// text and 150 per header. What does not fit is cut, and the message says
// so.
func RenderSlack(x *Explanation) ([]byte, error) {
	m := catalog(x.Lang)
	var blocks []slackBlock
	blocks = append(blocks, slackBlock{Type: "header", Text: &slackTextObj{Type: "plain_text", Text: truncate(strings.ReplaceAll(x.Title, "\n", " "), SlackMaxHeaderText)}})
	section := func(lines []string) {
		for _, chunk := range chunkLines(lines, SlackMaxSectionText) {
			blocks = append(blocks, slackBlock{Type: "section", Text: &slackTextObj{Type: "mrkdwn", Text: chunk}})
		}
	}
	for _, s := range x.Sections {
		lines := []string{"*" + slackText(s.Title) + "*"}
		for _, p := range s.Paragraphs {
			lines = append(lines, slackText(p))
		}
		for _, f := range s.Fields {
			lines = append(lines, "• *"+slackText(f.Label)+":* "+slackText(f.Value))
		}
		for _, q := range s.Quotes {
			lines = append(lines, "> _"+slackText(q.Label)+":_ "+slackText(q.Text))
		}
		for i, st := range s.Steps {
			l := fmt.Sprintf("%d. %s", i+1, slackText(st.Text))
			if st.Command != "" {
				l += "\n```" + slackText(strings.ReplaceAll(st.Command, "```", "'''")) + "```"
			}
			lines = append(lines, l)
		}
		for _, l := range s.Links {
			lines = append(lines, "• <"+slackURL(l.URL)+"|"+slackText(strings.ReplaceAll(l.Title, "|", "/"))+">"+slackText(m.sourceNote(l.Source)))
		}
		section(lines)
		blocks = append(blocks, slackBlock{Type: "divider"})
	}
	if len(blocks) > 0 && blocks[len(blocks)-1].Type == "divider" {
		blocks = blocks[:len(blocks)-1]
	}
	var ctx []string
	for _, n := range x.Notes {
		ctx = append(ctx, slackText(n))
	}
	ctx = append(ctx, "vigil "+x.Engine)
	if len(blocks) > SlackMaxBlocks-1 {
		blocks = blocks[:SlackMaxBlocks-1]
		ctx = append([]string{slackTruncatedNote(x.Lang)}, ctx...)
	}
	blocks = append(blocks, slackBlock{Type: "context", Elements: []slackTextObj{{Type: "mrkdwn", Text: truncate(strings.Join(ctx, " · "), SlackMaxSectionText)}}})
	payload := struct {
		Text   string       `json:"text"`
		Blocks []slackBlock `json:"blocks"`
	}{Text: truncate(slackText(x.Title), SlackMaxSectionText), Blocks: blocks}
	return marshalJSON(payload)
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

func slackTruncatedNote(l Lang) string {
	if l == JA {
		return "（Slack の上限により一部を省略しました）"
	}
	return "(cut to fit Slack's limits)"
}

// slackURL keeps a URL from breaking Slack's <url|text> syntax.
func slackURL(u string) string {
	return strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C", " ", "%20").Replace(u)
}

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// chunkLines joins lines with newlines into chunks of at most n characters;
// a single line longer than n is cut.
func chunkLines(lines []string, n int) []string {
	var out []string
	var cur strings.Builder
	curLen := 0
	for _, l := range lines {
		l = truncate(l, n)
		ll := utf8.RuneCountInString(l)
		if curLen > 0 && curLen+1+ll > n {
			out = append(out, cur.String())
			cur.Reset()
			curLen = 0
		}
		if curLen > 0 {
			cur.WriteByte('\n')
			curLen++
		}
		cur.WriteString(l)
		curLen += ll
	}
	if curLen > 0 {
		out = append(out, cur.String())
	}
	return out
}
