package config

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/secrets"
)

// AccessKey is an AWS access key vigil's server accepts SigV4 signatures
// from: the AWS CLI or an SDK configured with this key id and secret can
// call PutEvents on vigil (aws events put-events --endpoint-url URL). The
// key is vigil's own, not an IAM user's: any id and secret both sides
// agree on will do.
type AccessKey struct {
	// ID is the access key id, e.g. AKIAVIGILEXAMPLE01.
	ID string `yaml:"id"`
	// Secret is a reference to the secret access key (env:NAME, ...).
	Secret secrets.Ref `yaml:"secret"`
}

// validateAccessKeys checks server.access_keys.
func (c *Config) validateAccessKeys(bad func(path, format string, args ...any)) {
	seen := map[string]int{}
	for i, k := range c.Server.AccessKeys {
		p := fmt.Sprintf("server.access_keys[%d]", i)
		switch {
		case k.ID == "":
			bad(p+".id", "required: the access key id clients sign with, e.g. AKIAVIGILEXAMPLE01")
		case !accessKeyID(k.ID):
			bad(p+".id", "%q is not an access key id: use 16 to 128 upper-case letters and digits", k.ID)
		default:
			if j, dup := seen[k.ID]; dup {
				bad(p+".id", "%q is already the id of server.access_keys[%d]", k.ID, j)
			}
			seen[k.ID] = i
		}
		if k.Secret == "" {
			bad(p+".secret", "required: a reference to the secret access key, e.g. env:VIGIL_AWS_SECRET_ACCESS_KEY")
		} else if err := k.Secret.Check(); err != nil {
			bad(p+".secret", "%v", err)
		}
	}
}

// accessKeyID reports whether s has the shape of an AWS access key id.
func accessKeyID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
