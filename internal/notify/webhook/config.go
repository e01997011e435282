package webhook

import (
	"net/url"

	"github.com/vigilhq/vigil/internal/notify/channel"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/secrets"
)

// Config is a webhook notifier's settings.
type Config struct {
	URL string `yaml:"url"`
	// Headers are sent with each request; values are secret references.
	Headers map[string]secrets.Ref `yaml:"headers"`
	// SigningKey refers to the HMAC-SHA256 key signing each request.
	SigningKey secrets.Ref     `yaml:"signing_key"`
	Timeout    config.Duration `yaml:"timeout"`
	// AllowLinkLocal permits link-local and instance metadata addresses.
	AllowLinkLocal bool `yaml:"allow_link_local"`
	// AllowNetworks lists networks (CIDR) or addresses this webhook may
	// reach whatever the network policy refuses.
	AllowNetworks []string `yaml:"allow_networks"`
}

// CheckURL checks that raw is an http:// or https:// URL with a host.
func CheckURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CheckHeaders checks every header value is a secret reference; it returns
// the first bad header's name and problem.
func CheckHeaders(h map[string]secrets.Ref) (string, error) {
	for k, ref := range h {
		if err := ref.Check(); err != nil {
			return k, err
		}
	}
	return "", nil
}

// New builds a webhook notifier, which posts each message as a JSON
// document (see Document).
func New(spec config.Spec, d channel.Deps) (notify.Notifier, error) {
	var c Config
	if err := spec.Decode(&c, "a webhook notifier"); err != nil {
		return nil, err
	}
	if !CheckURL(c.URL) {
		return nil, spec.Errorf("url", "want an http:// or https:// URL, got %q", c.URL)
	}
	if c.SigningKey != "" {
		if err := c.SigningKey.Check(); err != nil {
			return nil, spec.Errorf("signing_key", "%v", err)
		}
	}
	if k, err := CheckHeaders(c.Headers); err != nil {
		return nil, spec.Errorf("headers."+k, "%v", err)
	}
	allow, err := netguard.ParsePrefixes(c.AllowNetworks)
	if err != nil {
		return nil, spec.Errorf("allow_networks", "%v", err)
	}
	n := &Notifier{URL: c.URL, Headers: c.Headers, SigningKey: c.SigningKey, Timeout: c.Timeout.D(), AllowLinkLocal: c.AllowLinkLocal, AllowNetworks: allow, Resolver: d.Secrets, Net: d.Net}
	return JSON{n}, nil
}
