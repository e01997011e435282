package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/store"
)

// clock is a settable clock for the rate limit's window.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// signIn posts the sign-in form as a browser would after loading it.
func signIn(t *testing.T, h http.Handler, user, password string) *httptest.ResponseRecorder {
	t.Helper()
	get := httptest.NewRecorder()
	h.ServeHTTP(get, httptest.NewRequest("GET", "/ui/login", nil))
	m := regexpCSRF.FindStringSubmatch(get.Body.String())
	if m == nil {
		t.Fatalf("sign-in page has no token:\n%s", get.Body)
	}
	req := httptest.NewRequest("POST", "/ui/login", strings.NewReader(url.Values{"csrf": {m[1]}, "username": {user}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range get.Result().Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestSignIn: the form is labelled, a wrong password is refused and
// audited, five failures block the address and the name for 15 minutes
// (even with the right password), and the session cookie is HttpOnly,
// SameSite and, over TLS, Secure.
func TestSignIn(t *testing.T) {
	st, err := store.OpenShared(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"), audit.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	c, err := New(Options{Store: st, Users: []User{NewUser("alice", config.RoleApprover, "right")}, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()

	get := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/ui/login", nil)
	req.Header.Set("Accept-Language", "ja-JP,ja;q=0.9")
	h.ServeHTTP(get, req)
	for _, want := range []string{`<label for="username">ユーザー名</label>`, `<label for="password">パスワード</label>`, `<button type="submit">サインイン</button>`, `<html lang="ja">`} {
		if !strings.Contains(get.Body.String(), want) {
			t.Fatalf("Japanese sign-in page lacks %s:\n%s", want, get.Body)
		}
	}
	// A POST without the sign-in form's token is refused.
	bare := httptest.NewRequest("POST", "/ui/login", strings.NewReader("username=alice&password=right"))
	bare.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, bare)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("sign-in without token = %d, want 403", rec.Code)
	}

	for i := range maxFailures {
		if rec := signIn(t, h, "alice", "wrong"); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Wrong username or password") {
			t.Fatalf("wrong password %d = %d", i, rec.Code)
		}
	}
	if rec := signIn(t, h, "alice", "right"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("after %d failures = %d, want 429", maxFailures, rec.Code)
	}
	clk.add(failureWindow)
	rec = signIn(t, h, "alice", "right")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("after the window = %d, want 303", rec.Code)
	}
	var session *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie over plain HTTP = %+v", session)
	}

	// Over TLS the cookie is Secure.
	tlsGet := httptest.NewRecorder()
	h.ServeHTTP(tlsGet, httptest.NewRequest("GET", "https://vigil.example/ui/login", nil))
	for _, ck := range tlsGet.Result().Cookies() {
		if !ck.Secure || !ck.HttpOnly {
			t.Fatalf("cookie over TLS = %+v", ck)
		}
	}

	entries, err := audit.List(t.Context(), st.Q(), audit.Query{Subject: "console"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	got := strings.Join(actions, ",")
	if strings.Count(got, "alice console.signin.failed") != maxFailures || !strings.Contains(got, "alice console.signin.limited") || !strings.HasSuffix(got, "alice console.signin") {
		t.Fatalf("audit = %s", got)
	}
	if strings.Contains(got, "right") || strings.Contains(got, "wrong") {
		t.Fatalf("a password reached the audit log: %s", got)
	}
}

var regexpCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
