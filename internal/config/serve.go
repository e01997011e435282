package config

import (
	"errors"
	"fmt"
	"net"
)

// Some configurations are fine for vigil process and vigil lambda but
// refused by vigil serve, which listens on the network: vigil config check
// reports those too (marked as serve-only), so a configuration that passes
// the check also starts.

// ServeOnly marks an Error that only vigil serve has.
const ServeOnly = "serve"

// errNoCredentials is what vigil serve says without server credentials.
var errNoCredentials = errors.New("no credentials configured: set server.api_keys (e.g. [env:VIGIL_API_KEY]), server.basic_auth, server.access_keys or (for the web console only) server.users, or server.no_auth: true to accept anyone who can reach server.listen")

// ServeProblem returns why vigil serve refuses s, or nil.
func ServeProblem(s Server) error {
	if err := serveCredentials(s); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if _, _, err := net.SplitHostPort(s.Listen); err != nil {
		return fmt.Errorf("server.listen: want host:port such as 127.0.0.1:8080, got %q", s.Listen)
	}
	return nil
}

func serveCredentials(s Server) error {
	if !s.NoAuth && len(s.APIKeys) == 0 && len(s.BasicAuth) == 0 && len(s.AccessKeys) == 0 && len(s.Users) == 0 {
		return errNoCredentials
	}
	return nil
}

// ServeErrors returns the problems of c that only vigil serve has, each
// marked ServeOnly.
func (c *Config) ServeErrors() Errors {
	var errs Errors
	add := func(path, format string, args ...any) {
		e := c.Errorf(path, format, args...)
		e.Only = ServeOnly
		errs = append(errs, e)
	}
	if err := serveCredentials(c.Server); err != nil {
		add("server", "%v", err)
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		add("server.listen", "want host:port such as 127.0.0.1:8080, got %q", c.Server.Listen)
	}
	return errs
}
