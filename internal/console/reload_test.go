package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/server"
)

// usersConfig is a configuration whose server.users is users (YAML flow
// list items).
func usersConfig(t *testing.T, dsn string, users ...string) *config.Config {
	t.Helper()
	return pipelinetest.Config(t, `
database: `+dsn+`
server:
  listen: "127.0.0.1:0"
  api_keys: ["env:VIGIL_TEST_KEY"]
  users:
    - `+strings.Join(users, "\n    - ")+`
jobs: {poll_interval: 20ms}
rules:
  - name: all
    event_pattern: {"source": [{"prefix": ""}]}
    targets: [{id: explain, type: summarize}]
`)
}

// TestReloadChangesUsers: a reload of server.users (POST /-/reload, as
// SIGHUP does) signs out a removed user's sessions and those of a user
// whose password changed, and applies a changed role at the next request;
// a password reference that does not resolve refuses the reload and
// changes nothing.
func TestReloadChangesUsers(t *testing.T) {
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	t.Setenv("ALICE_PASSWORD", alicePassword)
	t.Setenv("BOB_PASSWORD", bobPassword)
	t.Setenv("CAROL_PASSWORD", carolPassword)
	dsn := "sqlite://" + t.TempDir() + "/vigil.db"
	alice := "{name: alice, password: env:ALICE_PASSWORD, role: approver}"
	bob := "{name: bob, password: env:BOB_PASSWORD, role: viewer}"
	carol := "{name: carol, password: env:CAROL_PASSWORD, role: admin}"
	var next atomic.Pointer[config.Config]
	first := usersConfig(t, dsn, alice, bob, carol)
	next.Store(first)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.RunConfig(ctx, first, pipeline.Deps{}, server.RunOptions{Listening: func(a string) { addr <- a }, Load: func() (*config.Config, error) { return next.Load(), nil }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("server: %v", err)
	}
	reload := func() (int, string) {
		t.Helper()
		code, body := pipelinetest.Do(t, "POST", base+"/-/reload", nil)
		return code, string(body)
	}

	browsers := map[string]*browser{}
	for user, pw := range map[string]string{"alice": alicePassword, "bob": bobPassword, "carol": carolPassword} {
		browsers[user] = newBrowser(t, base)
		if code := browsers[user].signIn(user, pw); code != http.StatusSeeOther {
			t.Fatalf("%s's sign in = %d", user, code)
		}
	}
	if code, page, _ := browsers["bob"].do("GET", "/ui/silences", nil); code != 200 || strings.Contains(page, "sil.create") || strings.Contains(page, ">Create silence<") {
		t.Fatalf("bob as a viewer: %d", code)
	}

	// A reference that does not resolve: refused, nothing changes.
	next.Store(usersConfig(t, dsn, alice, "{name: bob, password: env:NO_SUCH_PASSWORD_VAR, role: admin}"))
	if code, body := reload(); code != http.StatusBadRequest || !strings.Contains(body, "server.users[1].password") {
		t.Fatalf("reload with a bad password reference = %d %s", code, body)
	}
	if code, _, _ := browsers["carol"].do("GET", "/ui/", nil); code != 200 {
		t.Fatalf("carol after a refused reload = %d", code)
	}

	// bob becomes an approver, carol is removed, alice's password changes.
	t.Setenv("ALICE_PASSWORD_2", "alice-new-password")
	next.Store(usersConfig(t, dsn, "{name: alice, password: env:ALICE_PASSWORD_2, role: approver}", "{name: bob, password: env:BOB_PASSWORD, role: approver}"))
	if code, body := reload(); code != 200 || strings.Contains(body, "server") {
		t.Fatalf("reload = %d %s (server.users needs no restart)", code, body)
	}
	if code, _, hdr := browsers["carol"].do("GET", "/ui/", nil); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/ui/login") {
		t.Errorf("removed user's session: GET = %d %v, want a redirect to sign in", code, hdr)
	}
	if code, _, hdr := browsers["alice"].do("GET", "/ui/", nil); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/ui/login") {
		t.Errorf("session of a user whose password changed: GET = %d %v, want a redirect to sign in", code, hdr)
	}
	if code := newBrowser(t, base).signIn("carol", carolPassword); code != http.StatusUnauthorized {
		t.Errorf("removed user's sign in = %d, want 401", code)
	}
	if code := newBrowser(t, base).signIn("alice", "alice-new-password"); code != http.StatusSeeOther {
		t.Errorf("sign in with the new password = %d", code)
	}
	// bob's session now has the approver role: he may create a silence.
	tok := browsers["bob"].csrf("/ui/silences")
	code, page, _ := browsers["bob"].do("POST", "/ui/silences", url.Values{"csrf": {tok}, "pattern": {`{"source":["aws.guardduty"]}`}, "duration": {"1h"}, "comment": {"promoted"}})
	if code != http.StatusSeeOther {
		t.Fatalf("bob's silence after becoming an approver = %d:\n%s", code, page)
	}

	// And back to a viewer: refused again.
	next.Store(usersConfig(t, dsn, bob))
	if code, body := reload(); code != 200 {
		t.Fatalf("reload = %d %s", code, body)
	}
	if code, _, _ := browsers["bob"].do("POST", "/ui/silences", url.Values{"csrf": {tok}, "pattern": {`{"source":["aws.guardduty"]}`}, "duration": {"1h"}, "comment": {"demoted"}}); code != http.StatusForbidden {
		t.Errorf("bob's silence as a viewer again = %d, want 403", code)
	}
}
