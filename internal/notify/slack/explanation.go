package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
)

// Slack limits, from the Block Kit reference.
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxHeaderText  = 150
)

// mrkdwn escapes explanation text for a mrkdwn object on one line, so that
// nothing in it (event text above all) can become a link, a mention or
// markup.
func mrkdwn(s string) string { return escape(strings.ReplaceAll(s, "\n", " ")) }

func textObject(typ, s string) *slack.TextBlockObject {
	// Built literally: NewTextBlockObject would set "emoji" on plain text,
	// which the payload has never carried.
	return &slack.TextBlockObject{Type: typ, Text: s}
}

// ExplanationBlocks returns what a chat message shows for an explanation:
// the fallback text (notifications and screen readers use it) and Block
// Kit blocks, one section per section of the explanation, within Slack's
// limits: at most 50 blocks, 3000 characters per section text and 150 per
// header. What does not fit is cut, and the message says so.
func ExplanationBlocks(x *explain.Explanation) (string, []slack.Block) {
	var blocks []slack.Block
	blocks = append(blocks, &slack.HeaderBlock{Type: slack.MBTHeader,
		Text: textObject(slack.PlainTextType, truncate(strings.ReplaceAll(x.Title, "\n", " "), MaxHeaderText))})
	for _, s := range x.Sections {
		lines := []string{"*" + mrkdwn(s.Title) + "*"}
		for _, p := range s.Paragraphs {
			lines = append(lines, mrkdwn(p))
		}
		for _, f := range s.Fields {
			lines = append(lines, "• *"+mrkdwn(f.Label)+":* "+mrkdwn(f.Value))
		}
		for _, q := range s.Quotes {
			lines = append(lines, "> _"+mrkdwn(q.Label)+":_ "+mrkdwn(q.Text))
		}
		for i, st := range s.Steps {
			l := fmt.Sprintf("%d. %s", i+1, mrkdwn(st.Text))
			if st.Command != "" {
				if st.NeedsApproval {
					l += "\n_" + mrkdwn(explain.ApprovalNote(x.Lang)) + "_"
				}
				l += "\n```" + mrkdwn(strings.ReplaceAll(st.Command, "```", "'''")) + "```"
			}
			lines = append(lines, l)
		}
		for _, l := range s.Links {
			lines = append(lines, "• <"+linkURL(l.URL)+"|"+mrkdwn(strings.ReplaceAll(l.Title, "|", "/"))+">"+mrkdwn(explain.SourceNote(x.Lang, l.Source)))
		}
		for _, chunk := range chunkLines(lines, MaxSectionText) {
			blocks = append(blocks, &slack.SectionBlock{Type: slack.MBTSection, Text: textObject(slack.MarkdownType, chunk)})
		}
		blocks = append(blocks, &slack.DividerBlock{Type: slack.MBTDivider})
	}
	if _, ok := blocks[len(blocks)-1].(*slack.DividerBlock); ok {
		blocks = blocks[:len(blocks)-1]
	}
	var ctx []string
	for _, n := range x.Notes {
		ctx = append(ctx, mrkdwn(n))
	}
	ctx = append(ctx, "vigil "+x.Engine)
	if len(blocks) > MaxBlocks-1 {
		blocks = blocks[:MaxBlocks-1]
		ctx = append([]string{truncatedNote(x.Lang)}, ctx...)
	}
	blocks = append(blocks, &slack.ContextBlock{Type: slack.MBTContext, ContextElements: slack.ContextElements{
		Elements: []slack.MixedElement{textObject(slack.MarkdownType, truncate(strings.Join(ctx, " · "), MaxSectionText))}}})
	return truncate(mrkdwn(x.Title), MaxSectionText), blocks
}

// Payload returns an explanation as a Slack message payload
// ({"text","blocks"}, indented JSON), as `vigil explain --format slack`
// prints it and Notify sends it.
func Payload(x *explain.Explanation) ([]byte, error) {
	text, blocks := ExplanationBlocks(x)
	payload := struct {
		Text   string        `json:"text"`
		Blocks []slack.Block `json:"blocks"`
	}{text, blocks}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(payload); err != nil {
		return nil, err
	}
	return unescapeHTML(b.Bytes()), nil
}

// unescapeHTML undoes the \u003c, \u003e and \u0026 escapes that slack-go's
// nested encoders write despite SetEscapeHTML(false): the payload is JSON
// for an API, not for embedding in HTML, and stays readable this way. An
// escaped backslash before "u" is left alone.
func unescapeHTML(b []byte) []byte {
	out := b[:0:0]
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			out = append(out, b[i])
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' && b[i+2] == '0' && b[i+3] == '0' {
			switch string(b[i+4 : i+6]) {
			case "3c":
				out, i = append(out, '<'), i+5
				continue
			case "3e":
				out, i = append(out, '>'), i+5
				continue
			case "26":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		// Any other escape: copy it whole, so that "\\u003c" (an escaped
		// backslash, then text) stays as it is.
		out = append(out, b[i])
		if i+1 < len(b) {
			i++
			out = append(out, b[i])
		}
	}
	return out
}

func truncatedNote(l lang.Lang) string {
	if l == lang.JA {
		return "（Slack の上限により一部を省略しました）"
	}
	return "(cut to fit Slack's limits)"
}

// linkURL keeps a URL from breaking Slack's <url|text> syntax.
func linkURL(u string) string {
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
