package config

import "github.com/vigilhq/vigil/internal/secrets"

// Who may read GET /metrics (server.metrics.auth). The metrics name every
// rule and target, so by default they take the API's own credentials.
const (
	MetricsAuthAPIKeys = "api_keys" // the API's credentials (the default); open when server.no_auth
	MetricsAuthKey     = "key"      // only server.metrics.key
	MetricsAuthNone    = "none"     // anyone who can reach server.listen
)

// Metrics configures GET /metrics.
type Metrics struct {
	// Auth is api_keys (the default), key or none.
	Auth string `yaml:"auth"`
	// Key refers to the one key accepted with auth: key, sent as the API
	// key header or "Authorization: Bearer KEY" (Prometheus'
	// authorization: credentials).
	Key secrets.Ref `yaml:"key"`
}

func (c *Config) validateMetrics(bad func(path, format string, args ...any)) {
	m := c.Server.Metrics
	switch m.Auth {
	case "", MetricsAuthAPIKeys, MetricsAuthNone:
		if m.Key != "" {
			bad("server.metrics.key", "is used with auth: key only")
		}
	case MetricsAuthKey:
		if err := m.Key.Check(); err != nil {
			bad("server.metrics.key", "%v", err)
		}
	default:
		bad("server.metrics.auth", "want api_keys, key or none, got %q", m.Auth)
	}
}
