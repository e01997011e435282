package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vigilhq/vigil/internal/config"
)

const (
	sessionCookie = "vigil_session"
	loginCookie   = "vigil_login"
	langCookie    = "vigil_lang"
)

// session is one signed-in person.
type session struct {
	user    string
	role    string
	csrf    string
	expires time.Time
	// cred is the credential the user signed in with (User.credential).
	cred [32]byte
}

// sessions are kept in memory, by the SHA-256 of their cookie's value (a
// leaked memory dump or log line does not give a usable cookie). A
// restart signs everyone out.
type sessions struct {
	mu    sync.Mutex
	ttl   time.Duration
	now   func() time.Time
	byKey map[string]*session
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, byKey: map[string]*session{}}
}

func token() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func keyOf(cookie string) string {
	h := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(h[:])
}

// start returns a new session's cookie value.
func (s *sessions) start(u User) (string, *session) {
	v := token()
	ss := &session{user: u.Name, role: u.Role, csrf: token(), expires: s.now().Add(s.ttl), cred: u.credential()}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, x := range s.byKey {
		if now.After(x.expires) {
			delete(s.byKey, k)
		}
	}
	s.byKey[keyOf(v)] = ss
	return v, ss
}

func (s *sessions) get(cookie string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byKey[keyOf(cookie)]
	if ss == nil {
		return nil
	}
	if s.now().After(ss.expires) {
		delete(s.byKey, keyOf(cookie))
		return nil
	}
	return ss
}

func (s *sessions) end(cookie string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byKey, keyOf(cookie))
}

// secureRequest reports whether cookies set on r's response should be
// Secure.
func (c *Console) secureRequest(r *http.Request) bool {
	return r.TLS != nil || c.opts.SecureCookies
}

func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/ui/", MaxAge: maxAge, HttpOnly: true, Secure: c.secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// sessionOf returns the request's session as the configuration has its
// user now: nil when the user was removed or their password changed since
// they signed in (the session ends), with their current role otherwise.
func (c *Console) sessionOf(r *http.Request) (*session, string) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, ""
	}
	s := c.sessions.get(ck.Value)
	if s == nil {
		return nil, ck.Value
	}
	u, ok := c.user(s.user)
	if !ok || u.credential() != s.cred {
		c.sessions.end(ck.Value)
		return nil, ck.Value
	}
	cur := *s
	cur.role = u.Role
	return &cur, ck.Value
}

// need serves h to signed-in people whose role is at least role. A POST
// also needs the session's CSRF token in the form, and an Origin (when the
// browser sends one) that is this server.
func (c *Console) need(role string, h func(w http.ResponseWriter, r *http.Request, s *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := c.sessionOf(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/ui/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.fail(w, r, nil, http.StatusUnauthorized, "error.signin")
			return
		}
		if r.Method == http.MethodPost {
			if !sameOrigin(r) || !validToken(r.PostFormValue("csrf"), s.csrf) {
				c.fail(w, r, s, http.StatusForbidden, "error.csrf")
				return
			}
		}
		if config.RoleRank(s.role) < config.RoleRank(role) {
			c.record(r.Context(), s.user, "console.refused", r.URL.Path, map[string]string{"role": s.role, "needs": role})
			c.fail(w, r, s, http.StatusForbidden, "error.role."+role)
			return
		}
		h(w, r, s)
	})
}

func validToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sameOrigin refuses a POST whose Origin header names another site.
// Browsers send Origin on every cross-site POST; its absence (an old
// client, curl) leaves the CSRF token to decide.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	host, ok := strings.CutPrefix(o, "http://")
	if !ok {
		host, ok = strings.CutPrefix(o, "https://")
	}
	return ok && host == r.Host
}
