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
// logs or errors: an error names the reference, never what it holds.
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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/vigilhq/vigil/internal/awsx"
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

// Resolve returns the value r refers to, using Default.
func (r Ref) Resolve(ctx context.Context) (string, error) { return Default.Resolve(ctx, r) }

func splitKey(s string) (id, key string) {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// Default is the resolver Ref.Resolve uses.
var Default = &Resolver{}

// SecretsManager is the part of the Secrets Manager client a Resolver uses.
type SecretsManager interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Resolver reads secret references and caches Secrets Manager values for
// TTL, so a notification does not cost an API call and a rotation is seen
// within TTL. The zero Resolver is ready to use: it builds its Secrets
// Manager client from the standard AWS configuration (AWS_ENDPOINT_URL
// points it at the sandbox) on first use.
type Resolver struct {
	// TTL is how long a Secrets Manager value is reused; 5 minutes when
	// zero, never cached when negative.
	TTL time.Duration
	// Client, when set, is used instead of a client built from the
	// environment.
	Client SecretsManager

	mu      sync.Mutex
	clients map[string]SecretsManager // by region ("" for the default)
	cache   map[string]cached         // by secret id
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
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			return "", fmt.Errorf("secret %s: environment variable %s is not set", ref, name)
		}
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
	client, err := rs.client(ctx, id)
	if err != nil {
		return "", err
	}
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("Secrets Manager GetSecretValue: %w", err)
	}
	var v string
	switch {
	case out.SecretString != nil:
		v = *out.SecretString
	case out.SecretBinary != nil:
		v = string(out.SecretBinary)
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

// client returns a Secrets Manager client for the region of id when id is
// an ARN, else for the default region.
func (rs *Resolver) client(ctx context.Context, id string) (SecretsManager, error) {
	if rs.Client != nil {
		return rs.Client, nil
	}
	region := ""
	if a, err := arn.Parse(id); err == nil {
		region = a.Region
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if c, ok := rs.clients[region]; ok {
		return c, nil
	}
	cfg, err := awsx.Load(context.WithoutCancel(ctx), awsx.Options{Region: region})
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if rs.clients == nil {
		rs.clients = map[string]SecretsManager{}
	}
	c := secretsmanager.NewFromConfig(cfg)
	rs.clients[region] = c
	return c, nil
}
