// Package console is vigil's web console at /ui/: server-rendered pages
// (html/template, assets embedded, a little JavaScript that only improves
// what works without it) over the same services the HTTP API uses —
// stored events and explanations, the remediation service's approvals and
// remediations, investigation timelines, and the operator verbs (dead
// letters, silences, rules). People sign in as one of server.users; every
// action is checked against their role on the server, carries a CSRF
// token, and is written to the audit log with their name.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options are what the console reads and acts on. Store and Users are
// required; a page whose service is nil says it is not available.
type Options struct {
	// Store holds events, explanations and the audit log.
	Store *store.Store
	// Users may sign in, each with the password it resolved to (see
	// ResolveUsers).
	Users []User
	// SessionTTL is how long a sign-in lasts; 12h when zero.
	SessionTTL time.Duration
	// Operator serves dead letters, silences and rules.
	Operator operator.API
	// Remediation serves approvals and remediations.
	Remediation *remediate.Service
	// Jobs lists an incident's deliveries and their attempts.
	Jobs *jobs.Queue
	// Investigate serves timelines and related entities.
	Investigate *investigate.Service
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// (behind a proxy that terminates TLS); requests over TLS always get
	// it.
	SecureCookies bool
	Logger        *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Console serves the web console.
type Console struct {
	opts     Options
	pages    map[string]*template.Template
	sessions *sessions
	limiter  *limiter

	usersMu sync.RWMutex
	users   map[string]User
}

// New returns a console over opts.
func New(opts Options) (*Console, error) {
	if opts.Store == nil {
		return nil, errors.New("console: Options.Store is required")
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{opts: opts, pages: pages, sessions: newSessions(opts.SessionTTL, opts.Now), limiter: newLimiter(opts.Now)}
	c.SetUsers(opts.Users)
	return c, nil
}

// SetUsers replaces the people who may sign in (server.users after a
// configuration reload). It takes effect at each session's next request:
// a removed user's sessions, and those of a user whose password changed,
// are signed out; a changed role applies at once.
func (c *Console) SetUsers(us []User) {
	m := make(map[string]User, len(us))
	for _, u := range us {
		m[u.Name] = u
	}
	c.usersMu.Lock()
	c.users = m
	c.usersMu.Unlock()
}

// user returns the user called name, as the configuration has them now.
func (c *Console) user(name string) (User, bool) {
	c.usersMu.RLock()
	defer c.usersMu.RUnlock()
	u, ok := c.users[name]
	return u, ok
}

// Handler returns the console's routes, all under /ui/.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /ui/login", c.loginPage)
	mux.HandleFunc("POST /ui/login", c.login)
	mux.HandleFunc("GET /ui/lang/{lang}", c.setLang)
	mux.Handle("POST /ui/logout", c.need(config.RoleViewer, c.logout))

	mux.Handle("GET /ui/{$}", c.need(config.RoleViewer, c.incidents))
	mux.Handle("GET /ui/events/{id}", c.need(config.RoleViewer, c.incident))
	mux.Handle("GET /ui/approvals", c.need(config.RoleViewer, c.approvals))
	mux.Handle("GET /ui/approvals/{id}", c.need(config.RoleViewer, c.approval))
	mux.Handle("POST /ui/approvals/{id}/approve", c.need(config.RoleApprover, c.decide(true)))
	mux.Handle("POST /ui/approvals/{id}/reject", c.need(config.RoleApprover, c.decide(false)))
	mux.Handle("GET /ui/remediations", c.need(config.RoleViewer, c.remediations))
	mux.Handle("GET /ui/remediations/{id}", c.need(config.RoleViewer, c.remediation))
	mux.Handle("GET /ui/remediations/{id}/status", c.need(config.RoleViewer, c.remediationStatus))
	mux.Handle("POST /ui/remediations/{id}/rollback", c.need(config.RoleAdmin, c.rollback))
	mux.Handle("GET /ui/reports", c.need(config.RoleViewer, c.reports))
	mux.Handle("GET /ui/reports/csv", c.need(config.RoleViewer, c.reportCSV))
	mux.Handle("GET /ui/investigate", c.need(config.RoleViewer, c.investigate))
	mux.Handle("GET /ui/deadletters", c.need(config.RoleViewer, c.deadLetters))
	mux.Handle("POST /ui/deadletters/{job}/redrive", c.need(config.RoleApprover, c.redrive))
	mux.Handle("GET /ui/silences", c.need(config.RoleViewer, c.silences))
	mux.Handle("POST /ui/silences", c.need(config.RoleApprover, c.addSilence))
	mux.Handle("POST /ui/silences/{id}/expire", c.need(config.RoleApprover, c.expireSilence))
	mux.Handle("GET /ui/rules", c.need(config.RoleViewer, c.rules))
	mux.Handle("POST /ui/rules/test", c.need(config.RoleViewer, c.testRules))
	mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		c.notFound(w, r)
	})
	return secure(mux)
}

// secure sets the headers every console response carries: a strict
// Content-Security-Policy (only the console's own script and style, no
// inline code, no framing), and no sniffing or referrers.
func secure(next http.Handler) http.Handler {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// record writes a console action to the audit log; a failure to record is
// logged, as the action itself has happened.
func (c *Console) record(ctx context.Context, user, action, subject string, detail any) {
	if err := audit.Log(ctx, c.opts.Store, audit.Record{Actor: user, Action: action, Subject: subject, Detail: detail}); err != nil {
		c.opts.Logger.Error("console: audit log", "action", action, "user", user, "error", err.Error())
	}
}
