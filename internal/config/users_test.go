package config_test

import (
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/config"
)

func TestServerUsers(t *testing.T) {
	// A bcrypt hash of "secret" at cost 4.
	const hash = `$2a$04$x7pEwAWKhVGDWbMMZzQMi.f6xU0OPQugZ3pSXSA7eUyHuZPA1xLua`
	for _, c := range []struct{ yaml, want string }{
		{"server: {users: [{name: alice, password: env:ALICE_PASSWORD, role: approver}, {name: bob, password: env:BOB_PASSWORD, role: viewer}]}", ""},
		{"server: {users: [{name: carol, password: '" + hash + "', role: admin}]}", ""},
		{"server: {users: [{name: carol, password: '$2y$04$short', role: admin}]}", "server.users[0].password: not a valid bcrypt hash"},
		{"server: {users: [{name: alice, password: hunter2, role: approver}]}", "server.users[0].password: want a secret reference"},
		{"server: {users: [{name: alice, role: approver}]}", "server.users[0].password: required"},
		{"server: {users: [{name: alice, password: env:A, role: owner}]}", `server.users[0].role: want viewer, approver or admin, got "owner"`},
		{"server: {users: [{name: alice, password: env:A, role: viewer}, {name: alice, password: env:B, role: viewer}]}", `server.users[1].name: "alice" is already the name of server.users[0]`},
		{"server: {users: [{name: 'a b', password: env:A, role: viewer}]}", "server.users[0].name"},
		{"server: {session_ttl: 10s}", "server.session_ttl: want at least 1m"},
	} {
		_, err := config.Parse("v.yaml", []byte(c.yaml))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v (want %q)", c.yaml, err, c.want)
		}
	}
	cfg, err := config.Parse("v.yaml", []byte("server: {users: [{name: alice, password: env:A, role: approver}]}"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.SessionTTL.D().Hours() != 12 {
		t.Errorf("session_ttl default = %s, want 12h", cfg.Server.SessionTTL.D())
	}
	if err := config.ServeProblem(cfg.Server); err != nil {
		t.Errorf("serve with users only: %v", err)
	}
}
