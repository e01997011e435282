package config

import "github.com/vigilhq/vigil/internal/netguard"

// Network is the policy of every connection vigil makes to a host its
// configuration names (webhooks, forward URLs, Slack, SMTP, the LLM API and
// the documentation MCP server; AWS's own endpoints are the AWS SDK's).
// Link-local and cloud metadata addresses are always refused unless
// allowed; loopback and private ranges are allowed unless DenyPrivate.
type Network struct {
	// DenyPrivate refuses loopback and private ranges too.
	DenyPrivate bool `yaml:"deny_private"`
	// Allow lists networks (CIDR) or addresses every destination may
	// reach whatever else is refused. Each destination has its own
	// allow_networks too.
	Allow []string `yaml:"allow"`
}

// Policy returns the netguard policy the section describes (validate
// checked Allow).
func (n Network) Policy() netguard.Policy {
	allow, _ := netguard.ParsePrefixes(n.Allow)
	return netguard.Policy{DenyPrivate: n.DenyPrivate, Allow: allow}
}

func (c *Config) validateNetwork(bad func(path, format string, args ...any)) {
	if _, err := netguard.ParsePrefixes(c.Network.Allow); err != nil {
		bad("network.allow", "%v", err)
	}
}
