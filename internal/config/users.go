package config

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Console roles, from least to most allowed: a viewer reads every page, an
// approver also decides approvals, silences and redrives, an admin also
// rolls remediations back.
const (
	RoleViewer   = "viewer"
	RoleApprover = "approver"
	RoleAdmin    = "admin"
)

// RoleRank orders the roles (viewer 1, approver 2, admin 3); 0 for
// anything else.
func RoleRank(role string) int {
	switch role {
	case RoleViewer:
		return 1
	case RoleApprover:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// User is a person who may sign in to the web console (server.users).
type User struct {
	// Name is what the person types as the username, and the name the
	// audit log and approvals record.
	Name string `yaml:"name"`
	// Password is a secret reference (env:NAME, secretsmanager:ID) to the
	// password, or a bcrypt hash ($2a$..., $2b$..., $2y$...).
	Password string `yaml:"password"`
	// Role is viewer, approver or admin.
	Role string `yaml:"role"`
}

// BcryptHash reports whether s is written as a bcrypt hash.
func BcryptHash(s string) bool {
	return strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$")
}

// validateUsers checks server.users and server.session_ttl.
func (c *Config) validateUsers(bad func(path, format string, args ...any)) {
	s := &c.Server
	seen := map[string]int{}
	for i, u := range s.Users {
		p := fmt.Sprintf("server.users[%d]", i)
		switch {
		case u.Name == "":
			bad(p+".name", "required: the username the person signs in with")
		case strings.ContainsAny(u.Name, " \t\r\n:"):
			bad(p+".name", "%q: no spaces or colons in a username", u.Name)
		default:
			if j, dup := seen[u.Name]; dup {
				bad(p+".name", "%q is already the name of server.users[%d]", u.Name, j)
			}
			seen[u.Name] = i
		}
		if RoleRank(u.Role) == 0 {
			bad(p+".role", "want viewer, approver or admin, got %q", u.Role)
		}
		switch {
		case u.Password == "":
			bad(p+".password", "required: a secret reference such as env:ALICE_PASSWORD, or a bcrypt hash ($2a$...)")
		case BcryptHash(u.Password):
			if _, err := bcrypt.Cost([]byte(u.Password)); err != nil {
				bad(p+".password", "not a valid bcrypt hash (%v): make one with htpasswd -nbB NAME PASSWORD, or use a secret reference such as env:ALICE_PASSWORD", err)
			}
		default:
			if err := secrets.Ref(u.Password).Check(); err != nil {
				bad(p+".password", "want a secret reference such as env:ALICE_PASSWORD or a bcrypt hash ($2a$...): %v", err)
			}
		}
	}
	if s.SessionTTL < 0 || (s.SessionTTL > 0 && s.SessionTTL.D() < time.Minute) {
		bad("server.session_ttl", "want at least 1m, got %s", s.SessionTTL.D())
	}
}

func (c *Config) usersDefaults() {
	if c.Server.SessionTTL == 0 {
		c.Server.SessionTTL = Duration(12 * time.Hour)
	}
}
