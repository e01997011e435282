package console

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/secrets"
)

// User is a person who may sign in, with a password to check against.
type User struct {
	Name string
	Role string
	// hash is a bcrypt hash; secret a password resolved from a secret
	// reference. One of them is set.
	hash   []byte
	secret []byte
}

// ResolveUsers resolves server.users' password references with rs.
func ResolveUsers(ctx context.Context, us []config.User, rs *secrets.Resolver) ([]User, error) {
	out := make([]User, 0, len(us))
	for i, u := range us {
		x := User{Name: u.Name, Role: u.Role}
		if config.BcryptHash(u.Password) {
			x.hash = []byte(u.Password)
		} else {
			p, err := rs.Resolve(ctx, secrets.Ref(u.Password))
			if err != nil {
				return nil, fmt.Errorf("server.users[%d].password: %w", i, err)
			}
			if p == "" {
				return nil, fmt.Errorf("server.users[%d].password: %s resolves to an empty password; set it", i, u.Password)
			}
			x.secret = []byte(p)
		}
		out = append(out, x)
	}
	return out, nil
}

// NewUser returns a user with a plain password, for tests and embedding.
func NewUser(name, role, password string) User {
	return User{Name: name, Role: role, secret: []byte(password)}
}

// credential identifies u's password without being it, so a session can
// tell that the password it signed in with was changed.
func (u User) credential() [32]byte {
	if u.hash != nil {
		return sha256.Sum256(append([]byte("bcrypt:"), u.hash...))
	}
	return sha256.Sum256(append([]byte("secret:"), u.secret...))
}

// dummyHash is compared against when the username is unknown, so that a
// wrong username takes as long as a wrong password.
var dummyHash = []byte("$2a$10$ipExaGQCLJs/G.RlYiKdLugMnCzWpkMKg9NMHT9HARvvYG4jzA7km")

// check reports whether password is u's.
func (u User) check(password string) bool {
	if u.hash != nil {
		return bcrypt.CompareHashAndPassword(u.hash, []byte(password)) == nil
	}
	// Compare digests so the comparison takes the same time whatever the
	// lengths.
	a, b := sha256.Sum256([]byte(password)), sha256.Sum256(u.secret)
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// authenticate returns the user name and password sign in as.
func (c *Console) authenticate(name, password string) (User, bool) {
	u, ok := c.user(name)
	if !ok {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, false
	}
	return u, u.check(password)
}
