package email

import (
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/secrets"
)

// Config is an email notifier's settings.
type Config struct {
	// SMTP is the server's host:port.
	SMTP string `yaml:"smtp"`
	// Security is starttls (the default), tls or none.
	Security string      `yaml:"security"`
	Username string      `yaml:"username"`
	Password secrets.Ref `yaml:"password"`
	From     string      `yaml:"from"`
	To       []string    `yaml:"to"`
	Cc       []string    `yaml:"cc"`
	// AllowNetworks lists networks (CIDR) or addresses the SMTP server may
	// be at whatever the network policy refuses.
	AllowNetworks []string `yaml:"allow_networks"`
}

// New builds an email notifier from its settings.
func New(spec config.Spec, d channel.Deps) (notify.Notifier, error) {
	var c Config
	if err := spec.Decode(&c, "an email notifier"); err != nil {
		return nil, err
	}
	switch {
	case c.SMTP == "":
		return nil, spec.Errorf("smtp", "required (host:port)")
	case c.From == "":
		return nil, spec.Errorf("from", "required")
	case len(c.To) == 0:
		return nil, spec.Errorf("to", "at least one recipient is required")
	}
	allow, err := netguard.ParsePrefixes(c.AllowNetworks)
	if err != nil {
		return nil, spec.Errorf("allow_networks", "%v", err)
	}
	n := &Notifier{Addr: c.SMTP, Security: c.Security, Username: c.Username, Password: c.Password, From: c.From, To: c.To, Cc: c.Cc, Resolver: d.Secrets, Net: d.Net, AllowNetworks: allow}
	if err := n.Check(); err != nil {
		return nil, spec.Errorf("", "%v", err)
	}
	return n, nil
}
