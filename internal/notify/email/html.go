package email

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/notify"
)

// bodies returns the plain-text and HTML bodies of m. The text is
// explain's text rendering (or m.Text); the HTML shows the same content.
// Every value is escaped: event text is data, never markup.
func bodies(m notify.Message) (string, string) {
	text := m.Body()
	if len(m.Mentions) > 0 {
		var b strings.Builder
		b.WriteString(strings.TrimRight(text, "\n"))
		b.WriteString("\n\n" + notify.Label(m.Lang, "mentions") + ":\n")
		for _, mt := range m.Mentions {
			b.WriteString("- " + mt.Who + ": " + mt.Text + "\n")
		}
		text = b.String()
	}
	data := htmlData{Lang: string(m.Lang), Title: m.Title(), X: m.Explanation, MentionsLabel: notify.Label(m.Lang, "mentions"), Mentions: m.Mentions, VigilLinks: m.Links, Footer: notify.Label(m.Lang, "footer")}
	if data.Lang == "" {
		data.Lang = "en"
	}
	if m.Explanation == nil {
		body := m.Text
		if m.Subject == "" {
			if _, after, ok := strings.Cut(body, "\n"); ok {
				body = after
			} else {
				body = ""
			}
		}
		for _, p := range strings.Split(strings.TrimSpace(body), "\n\n") {
			if p != "" {
				data.Paragraphs = append(data.Paragraphs, strings.Split(p, "\n"))
			}
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, data); err != nil {
		// The template is fixed and the data plain values; still, never
		// send a half page.
		return text, "<pre>" + template.HTMLEscapeString(text) + "</pre>"
	}
	return text, b.String()
}

type htmlData struct {
	Lang          string
	Title         string
	X             *explain.Explanation
	Paragraphs    [][]string
	MentionsLabel string
	Mentions      []notify.Mention
	VigilLinks    []notify.Link
	Footer        string
}

var page = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<h2>{{.Title}}</h2>
{{- range .Paragraphs}}
<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{- end}}
{{- with .X}}{{range .Sections}}
<h3>{{.Title}}</h3>
{{- range .Paragraphs}}
<p>{{.}}</p>
{{- end}}
{{- range .Quotes}}
<blockquote><em>{{.Label}}</em><br>{{.Text}}</blockquote>
{{- end}}
{{- if .Fields}}
<table>
{{- range .Fields}}
<tr><th align="left">{{.Label}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Steps}}
<ol>
{{- range .Steps}}
<li>{{.Text}}{{if .Command}}<br><code>{{.Command}}</code>{{end}}</li>
{{- end}}
</ol>
{{- end}}
{{- if .Links}}
<ul>
{{- range .Links}}
<li><a href="{{.URL}}">{{.Title}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- end}}
{{- range .Notes}}
<p><small>{{.}}</small></p>
{{- end}}{{end}}
{{- if .VigilLinks}}
<ul>
{{- range .VigilLinks}}
<li><a href="{{.URL}}">{{.Title}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- if .Mentions}}
<h3>{{.MentionsLabel}}</h3>
<ul>
{{- range .Mentions}}
<li><strong>{{.Who}}</strong>: {{.Text}}</li>
{{- end}}
</ul>
{{- end}}
<hr><p><small>{{.Footer}}</small></p>
</body></html>
`))
