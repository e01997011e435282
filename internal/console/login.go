package console

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext returns where to go after signing in: a console path, never
// another site.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/ui/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/ui/"
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "")
}

// showLogin renders the sign-in form with a fresh anti-forgery token,
// kept in a cookie of its own (there is no session yet).
func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok := token()
	c.setCookie(w, r, loginCookie, tok, 3600)
	c.render(w, r, nil, status, "login", map[string]any{"CSRF": tok, "Next": safeNext(r.FormValue("next")), "Problem": problem, "Username": r.PostFormValue("username")})
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameOrigin(r) || !validToken(r.PostFormValue("csrf"), ck.Value) {
		c.fail(w, r, nil, http.StatusForbidden, "error.csrf")
		return
	}
	name := r.PostFormValue("username")
	keys := []string{"addr:" + clientAddr(r), "user:" + name}
	if blocked, _ := c.limiter.blocked(keys...); blocked {
		c.record(r.Context(), name, "console.signin.limited", "console", map[string]string{"address": clientAddr(r)})
		c.showLogin(w, r, http.StatusTooManyRequests, "login.limited")
		return
	}
	u, ok := c.authenticate(name, r.PostFormValue("password"))
	if !ok {
		c.limiter.fail(keys...)
		c.record(r.Context(), name, "console.signin.failed", "console", map[string]string{"address": clientAddr(r)})
		c.showLogin(w, r, http.StatusUnauthorized, "login.failed")
		return
	}
	c.limiter.succeed(keys...)
	v, _ := c.sessions.start(u)
	c.setCookie(w, r, sessionCookie, v, int(c.opts.SessionTTL.Seconds()))
	c.setCookie(w, r, loginCookie, "", -1)
	c.record(r.Context(), u.Name, "console.signin", "console", map[string]string{"address": clientAddr(r), "role": u.Role})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	_, v := c.sessionOf(r)
	c.sessions.end(v)
	c.setCookie(w, r, sessionCookie, "", -1)
	c.record(r.Context(), s.user, "console.signout", "console", nil)
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}

// setLang remembers the viewer's language choice for a year and goes
// back to the page they were on.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if _, ok := catalogs[l]; !ok {
		c.notFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/ui/", MaxAge: 365 * 24 * 3600, Secure: c.secureRequest(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}
