// Package secrets resolves secret references: a Slack token, an SMTP
// password or a webhook signing key is never written in vigil's
// configuration, only a reference to where it is kept.
//
// A reference is one of:
//
//	env:NAME                          the environment variable NAME
//	secretsmanager:ID                 the AWS Secrets Manager secret ID (a name or an ARN)
//	secretsmanager:ID#KEY             the field KEY of that secret's JSON value
//	arn:aws:secretsmanager:...[#KEY]  the same, written as the secret's ARN
//
// References are resolved when a value is needed, not when the
// configuration is loaded, so a check of the configuration needs no access
// to the secrets and a rotated secret is picked up. Values never appear in
// logs or errors: an error names the reference, never what it holds, and
// the Resolver remembers every value it handed out so that Redact can take
// them (and their base64 forms) out of any text before it is logged,
// stored or returned.
//
// The package is a leaf: Secrets Manager is reached through a Backend
// (package secrets/secretsmanager), which the composition root gives the
// Resolver.
package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Ref is a reference to a secret value, e.g. env:SLACK_BOT_TOKEN or
// secretsmanager:prod/vigil/slack#token.
type Ref string

// Prefixes of the reference forms.
const (
	envPrefix = "env:"
	smPrefix  = "secretsmanager:"
	arnPrefix = "arn:"
)

// Check reports whether r has the form of a reference. It never echoes r
// back when r looks like a secret written in clear.
func (r Ref) Check() error {
	s := string(r)
	switch {
	case s == "":
		return errors.New("empty secret reference; write env:NAME or secretsmanager:SECRET_ID")
	case strings.HasPrefix(s, envPrefix):
		name := s[len(envPrefix):]
		if name == "" {
			return errors.New("env: needs a variable name, e.g. env:SLACK_BOT_TOKEN")
		}
		if strings.ContainsAny(name, "= \t\n") {
			return fmt.Errorf("%q is not an environment variable name", name)
		}
		return nil
	case strings.HasPrefix(s, smPrefix):
		id, _ := splitKey(s[len(smPrefix):])
		if id == "" {
			return errors.New("secretsmanager: needs a secret name or ARN, e.g. secretsmanager:prod/vigil/slack")
		}
		return nil
	case strings.HasPrefix(s, arnPrefix):
		id, _ := splitKey(s)
		a, err := arn.Parse(id)
		if err != nil || a.Service != "secretsmanager" {
			return fmt.Errorf("%q is not a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)", id)
		}
		return nil
	}
	// Anything else may be the secret itself pasted into the file: say so
	// without repeating it.
	return errors.New("secrets are not written in the configuration; write env:NAME or secretsmanager:SECRET_ID instead")
}

// String returns the reference (never the value).
func (r Ref) String() string { return string(r) }

func splitKey(s string) (id, key string) {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// Backend reads the value of an AWS Secrets Manager secret by name or ARN
// (its SecretString, or its SecretBinary as bytes).
type Backend interface {
	SecretString(ctx context.Context, id string) (string, error)
}

// Resolver reads secret references: env: from the environment (or Env),
// Secrets Manager through Backend with values cached for TTL, so a
// notification does not cost an API call and a rotation is seen within
// TTL. It is safe for concurrent use; the zero Resolver resolves env:
// references only.
type Resolver struct {
	// TTL is how long a Secrets Manager value is reused; 5 minutes when
	// zero, never cached when negative.
	TTL time.Duration
	// Backend reads Secrets Manager secrets; without it such references
	// fail with an error that says so.
	Backend Backend
	// Env looks environment variables up; os.LookupEnv when nil.
	Env func(name string) (string, bool)

	mu     sync.Mutex
	cache  map[string]cached // by secret id
	values map[string]bool   // every value handed out, for Redact
	forms  []string          // the values' written forms, longest first
}

type cached struct {
	value string
	until time.Time
}

// Resolve returns the value ref refers to. Errors name ref and what went
// wrong, never the value.
func (rs *Resolver) Resolve(ctx context.Context, ref Ref) (string, error) {
	if err := ref.Check(); err != nil {
		return "", fmt.Errorf("secret reference: %w", err)
	}
	s := string(ref)
	if name, ok := strings.CutPrefix(s, envPrefix); ok {
		lookup := rs.Env
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(name)
		if !ok || v == "" {
			return "", fmt.Errorf("secret %s: environment variable %s is not set", ref, name)
		}
		rs.remember(v)
		return v, nil
	}
	id, key := splitKey(strings.TrimPrefix(s, smPrefix))
	raw, err := rs.secretString(ctx, id)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", ref, err)
	}
	if key == "" {
		if raw == "" {
			return "", fmt.Errorf("secret %s: the secret's value is empty", ref)
		}
		rs.remember(raw)
		return raw, nil
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		// Not the decoder's message: it can quote the value.
		return "", fmt.Errorf("secret %s: #%s needs a JSON object value, and the secret's value is not one", ref, key)
	}
	v, ok := fields[key]
	if !ok {
		return "", fmt.Errorf("secret %s: the secret's JSON value has no field %q", ref, key)
	}
	str, ok := v.(string)
	if !ok || str == "" {
		return "", fmt.Errorf("secret %s: field %q is not a non-empty string", ref, key)
	}
	rs.remember(str)
	return str, nil
}

// Forget drops cached values, so the next Resolve reads the secrets again
// (after a credential was refused, for example).
func (rs *Resolver) Forget() {
	rs.mu.Lock()
	rs.cache = nil
	rs.mu.Unlock()
}

func (rs *Resolver) secretString(ctx context.Context, id string) (string, error) {
	ttl := rs.TTL
	if ttl == 0 {
		ttl = 5 * time.Minute
	}
	now := time.Now()
	rs.mu.Lock()
	if c, ok := rs.cache[id]; ok && now.Before(c.until) {
		rs.mu.Unlock()
		return c.value, nil
	}
	rs.mu.Unlock()
	if rs.Backend == nil {
		return "", errors.New("Secrets Manager is not available here (only env: references can be read)")
	}
	v, err := rs.Backend.SecretString(ctx, id)
	if err != nil {
		return "", err
	}
	if ttl > 0 {
		rs.mu.Lock()
		if rs.cache == nil {
			rs.cache = map[string]cached{}
		}
		rs.cache[id] = cached{value: v, until: now.Add(ttl)}
		rs.mu.Unlock()
	}
	return v, nil
}

// UnmarshalYAML reads a reference written as a string (env:NAME), or as
// YAML's flow style reads env:NAME inside [...] or {...}: a mapping of one
// key to its value.
func (r *Ref) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		*r = Ref(s)
		return nil
	}
	var m map[string]any
	if err := unmarshal(&m); err == nil && len(m) == 1 {
		for k, v := range m {
			*r = Ref(k + ":" + fmt.Sprint(v))
		}
		return nil
	}
	return errors.New("want a secret reference such as env:NAME or secretsmanager:SECRET_ID")
}
