package ask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// Format is how an answer is written.
type Format string

// The formats of vigil ask --format.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// ParseFormat accepts text, markdown (md) or json.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Text, Markdown, JSON:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("format %q is not supported: use text, markdown or json", s)
}

// Render writes the answer in format f and language l. JSON is the
// contract's object, nothing more: notes are for the other formats.
func Render(w io.Writer, a *Answer, f Format, l lang.Lang) error {
	switch f {
	case JSON:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(a); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	case Markdown:
		_, err := io.WriteString(w, RenderMarkdown(a, l))
		return err
	}
	_, err := io.WriteString(w, RenderText(a, l))
	return err
}

// RenderText writes the answer, its notes and its sources as plain text.
func RenderText(a *Answer, l lang.Lang) string {
	var b strings.Builder
	b.WriteString(a.Text)
	b.WriteString("\n")
	for _, n := range a.Notes {
		b.WriteString("\n" + text(l, msgNote, n))
	}
	if len(a.Notes) > 0 {
		b.WriteString("\n")
	}
	if len(a.Citations) > 0 {
		b.WriteString("\n" + text(l, msgSources) + "\n")
		for _, c := range a.Citations {
			b.WriteString("- " + citationText(c, l) + "\n")
		}
	}
	return b.String()
}

// mdEscaper keeps data in an answer from becoming links, images or HTML in
// Markdown; emphasis and lists written by the engine stay.
var mdEscaper = strings.NewReplacer("<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

// RenderMarkdown writes the answer as Markdown, for chat and tickets.
func RenderMarkdown(a *Answer, l lang.Lang) string {
	var b strings.Builder
	b.WriteString(mdEscaper.Replace(a.Text))
	b.WriteString("\n")
	for _, n := range a.Notes {
		b.WriteString("\n> " + mdEscaper.Replace(text(l, msgNote, n)) + "\n")
	}
	if len(a.Citations) > 0 {
		b.WriteString("\n**" + text(l, msgSources) + "**\n\n")
		for _, c := range a.Citations {
			if c.Type == CiteAWSDocs && c.URL != "" {
				fmt.Fprintf(&b, "- <%s>\n", c.URL)
				continue
			}
			b.WriteString("- " + mdEscaper.Replace(citationText(c, l)) + "\n")
		}
	}
	return b.String()
}

// citationText says where a citation points.
func citationText(c Citation, l lang.Lang) string {
	switch c.Type {
	case CiteSecurityHub:
		return text(l, msgCiteSecurityHub, c.Region)
	case CitePolicy:
		return text(l, msgCitePolicy, c.Path, c.Heading)
	case CiteAWSDocs:
		return c.URL
	case CiteAWSAPI:
		return text(l, msgCiteAPI, c.Title, c.ID, c.Region)
	case CiteExplanation:
		return text(l, msgCiteExplanation, c.ID)
	}
	return strings.TrimSpace(c.Title + " " + c.URL)
}
