package config_test

import (
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/config"
)

func TestServerMetrics(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"server: {metrics: {auth: key, key: env:METRICS_KEY}}", ""},
		{"server: {metrics: {auth: none}}", ""},
		{"server: {metrics: {auth: api_keys}}", ""},
		{"server: {metrics: {auth: open}}", `server.metrics.auth: want api_keys, key or none, got "open"`},
		{"server: {metrics: {auth: key}}", "server.metrics.key"},
		{"server: {metrics: {key: env:K}}", "server.metrics.key: is used with auth: key only"},
	} {
		_, err := config.Parse("v.yaml", []byte(c.yaml))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v (want %q)", c.yaml, err, c.want)
		}
	}
}
