// Package webhook is the webhook target type: it POSTs what the target
// receives to a URL, as EventBridge API destinations do, optionally signed
// with HMAC-SHA256, with X-Vigil-Delivery and X-Vigil-Attempt headers.
package webhook

import (
	"context"

	"github.com/vigilhq/vigil/internal/netguard"
	nwebhook "github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/target"
)

// Config is a webhook target's own fields.
type Config struct {
	URL string `yaml:"url"`
	// Headers are sent with each request; values are secret references
	// (env:NAME).
	Headers map[string]secrets.Ref `yaml:"headers"`
	// SigningKey refers to the HMAC-SHA256 key that signs each request.
	SigningKey secrets.Ref `yaml:"signing_key"`
	// AllowLinkLocal permits link-local and instance metadata addresses.
	AllowLinkLocal bool `yaml:"allow_link_local"`
	// AllowNetworks lists networks (CIDR) or addresses the URL may lead
	// to whatever the network policy refuses.
	AllowNetworks []string `yaml:"allow_networks"`
}

// Type registers the webhook target type.
var Type = target.Type{Name: "webhook", Config: &Config{}, New: New}

// New builds a webhook target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	return Sender(d, s, c)
}

// Sender checks c and returns the sender that posts to c.URL; the forward
// target uses it for another vigil's /events.
func Sender(d target.Deps, s *target.Spec, c Config) (target.Sender, error) {
	if c.URL == "" {
		return nil, s.Errorf("url", "required")
	}
	if !nwebhook.CheckURL(c.URL) {
		return nil, s.Errorf("url", "want an http:// or https:// URL, got %q", c.URL)
	}
	if k, err := nwebhook.CheckHeaders(c.Headers); err != nil {
		return nil, s.Errorf("headers."+k, "%v", err)
	}
	if c.SigningKey != "" {
		if err := c.SigningKey.Check(); err != nil {
			return nil, s.Errorf("signing_key", "%v", err)
		}
	}
	allow, err := netguard.ParsePrefixes(c.AllowNetworks)
	if err != nil {
		return nil, s.Errorf("allow_networks", "%v", err)
	}
	n := &nwebhook.Notifier{URL: c.URL, Headers: c.Headers, SigningKey: c.SigningKey, AllowLinkLocal: c.AllowLinkLocal, AllowNetworks: allow, Resolver: d.Secrets, Net: d.Net}
	return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
		return n.Notify(ctx, nwebhook.Message{ID: dl.ID, Attempt: dl.Attempt, Body: dl.Payload})
	}), nil
}
