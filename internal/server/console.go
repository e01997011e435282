package server

import (
	"context"
	"strings"

	"github.com/vigilhq/vigil/internal/console"
	"github.com/vigilhq/vigil/internal/pipeline"
)

// newConsole builds the web console over p's services, for the people in
// server.users.
func newConsole(ctx context.Context, p *pipeline.Pipeline) (*console.Console, error) {
	cfg := p.Config()
	users, err := console.ResolveUsers(ctx, cfg.Server.Users, p.Secrets())
	if err != nil {
		return nil, err
	}
	opts := console.Options{Store: p.Store(), Users: users, SessionTTL: cfg.Server.SessionTTL.D(), Operator: p.Operator(),
		Remediation: p.Remediation(), Jobs: p.Queue(), Investigate: p.Investigate(), Logger: p.Logger(), SecureCookies: strings.HasPrefix(cfg.Server.PublicURL, "https://")}
	return console.New(opts)
}
