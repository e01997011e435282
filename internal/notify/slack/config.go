package slack

import (
	"time"

	"github.com/vigilhq/vigil/internal/notify/channel"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/secrets"
)

// Config is a Slack notifier's settings: a bot token and a channel, or an
// incoming webhook.
type Config struct {
	// Token refers to the bot token: env:NAME or secretsmanager:ID[#key].
	Token secrets.Ref `yaml:"token"`
	// Channel is the channel id, e.g. C0123456789.
	Channel string `yaml:"channel"`
	// WebhookURL refers to an incoming webhook URL (itself a secret).
	WebhookURL secrets.Ref `yaml:"webhook_url"`
	// APIURL replaces https://slack.com/api/.
	APIURL string `yaml:"api_url"`
	// AllowNetworks lists networks (CIDR) or addresses this notifier may
	// reach whatever the network policy refuses.
	AllowNetworks []string `yaml:"allow_networks"`
}

// New builds a Slack notifier from its settings. With a database, the
// threads of incidents are kept there, shared by every replica.
func New(spec config.Spec, d channel.Deps) (notify.Notifier, error) {
	var c Config
	if err := spec.Decode(&c, "a slack notifier"); err != nil {
		return nil, err
	}
	var errs config.Errors
	switch {
	case c.Token != "" && c.WebhookURL != "":
		errs = append(errs, spec.Errorf("", "set token (with channel) or webhook_url, not both"))
	case c.WebhookURL != "":
		if err := c.WebhookURL.Check(); err != nil {
			errs = append(errs, spec.Errorf("webhook_url", "%v", err))
		}
	default:
		if err := c.Token.Check(); err != nil {
			errs = append(errs, spec.Errorf("token", "%v", err))
		}
		if c.Channel == "" {
			errs = append(errs, spec.Errorf("channel", "required with a token (a channel id such as C0123456789)"))
		}
	}
	allow, err := netguard.ParsePrefixes(c.AllowNetworks)
	if err != nil {
		errs = append(errs, spec.Errorf("allow_networks", "%v", err))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// slack-go follows redirects: each one is checked as the first request
	// is, and so is every upload URL Slack hands back.
	hc := d.Net.Client(netguard.Dest{Allow: allow}, netguard.ClientOptions{Timeout: 30 * time.Second, FollowRedirects: true})
	n := &Notifier{Token: c.Token, Channel: c.Channel, WebhookURL: c.WebhookURL, APIURL: c.APIURL, Resolver: d.Secrets, HTTPClient: hc}
	if d.Store != nil && c.Token != "" {
		n.Threads = &dbThreads{st: d.Store, maxAge: 7 * 24 * time.Hour}
	}
	return n, nil
}
