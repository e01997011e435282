package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/vigilhq/vigil/internal/config"
)

// page is what every template gets.
type page struct {
	Lang string
	// User and Role are the signed-in person's; empty on the sign-in page.
	User, Role string
	CSRF       string
	// Path is the page's own path, where the language switch comes back
	// to.
	Path string
	// Nav is the navigation entry to mark current.
	Nav  string
	Data any
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// langOf is the viewer's language: their switch, else their browser's.
func langOf(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil {
		if _, ok := catalogs[ck.Value]; ok {
			return ck.Value
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if _, i, conf := matcher.Match(tags...); conf != language.No && i == 1 {
		return "ja"
	}
	return "en"
}

func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/base.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "base" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// funcs are the templates' helpers. T (translate) is bound per request in
// render.
var funcs = template.FuncMap{
	"T":      func(string, ...any) string { return "" },
	"time":   func(time.Time) template.HTML { return "" },
	"status": func(string) string { return "" },
	"json": func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if raw, ok := v.(json.RawMessage); ok {
			var x any
			if json.Unmarshal(raw, &x) == nil {
				v = x
			}
		}
		enc.Encode(v)
		return strings.TrimSpace(b.String())
	},
	"statuses": remediationStatuses,
	// dict passes several values to a sub-template: dict "A" 1 "B" 2.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	},
	"short": short,
	"at":    func(role, need string) bool { return config.RoleRank(role) >= config.RoleRank(need) },
}

// timeHTML shows t in UTC, with the exact time on hover; console.js
// rewrites the text into the viewer's time zone.
func timeHTML(t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	return template.HTML(fmt.Sprintf(`<time datetime="%s" title="%s">%s</time>`,
		u.Format(time.RFC3339), u.Format("2006-01-02 15:04:05 UTC"), u.Format("2006-01-02 15:04:05 UTC")))
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, data any) {
	t := c.pages[name]
	l := langOf(r)
	p := page{Lang: l, Path: r.URL.RequestURI(), Nav: name, Data: data}
	if s != nil {
		p.User, p.Role, p.CSRF = s.user, s.role, s.csrf
	}
	tr := func(key string, args ...any) string { return translate(l, key, args...) }
	t, err := t.Clone()
	if err == nil {
		t.Funcs(template.FuncMap{"T": tr, "time": timeHTML, "status": func(st string) string { return statusLabel(l, st) }})
		var b bytes.Buffer
		if err = t.ExecuteTemplate(&b, "base", p); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			w.Write(b.Bytes())
			return
		}
	}
	c.opts.Logger.Error("console: render", "page", name, "error", err.Error())
	http.Error(w, "console: cannot render "+name, http.StatusInternalServerError)
}

// fail shows an error page with the message key's text.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, status int, key string, args ...any) {
	c.render(w, r, s, status, "error", map[string]any{"Status": status, "Message": translate(langOf(r), key, args...)})
}

// failErr shows err with the status its kind calls for.
func (c *Console) failErr(w http.ResponseWriter, r *http.Request, s *session, status int, err error) {
	c.render(w, r, s, status, "error", map[string]any{"Status": status, "Message": err.Error()})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	s, _ := c.sessionOf(r)
	c.fail(w, r, s, http.StatusNotFound, "error.notfound")
}
