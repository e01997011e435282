package awsx

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ProviderOptions configure a Provider.
type ProviderOptions struct {
	Options
	// Role is assumed in accounts other than the caller's own: a role name
	// ("vigil-remediation"), a template naming the account
	// ("arn:aws:iam::{account}:role/vigil" or "vigil-{account}"), or a full
	// ARN. Empty means every account is acted on with the base credentials.
	Role string
	// ExternalID is passed to sts:AssumeRole when set.
	ExternalID string
	// SessionName names assumed-role sessions; "vigil" when empty.
	SessionName string
}

// Provider is vigil's one source of AWS configurations: it loads the base
// configuration at first use, keeps it (a failure is not kept: the next
// call tries again), and hands out configurations per account and region,
// assuming the configured role in accounts other than the caller's own with
// one credentials cache per account. It is safe for concurrent use; the zero
// value is not: use NewProvider.
type Provider struct {
	opts ProviderOptions

	mu       sync.Mutex
	byRegion map[string]aws.Config // base configurations; "" is the default region
	assumed  map[string]aws.Config // per account, with the role's credentials
	caller   string                // the base credentials' account, once known
}

// NewProvider returns a Provider; it contacts nothing until used.
func NewProvider(o ProviderOptions) *Provider {
	return &Provider{opts: o, byRegion: map[string]aws.Config{}, assumed: map[string]aws.Config{}}
}

// SetLogger sends the SDK's own log lines to l, for the configurations
// loaded from now on (the composition root calls it before any is).
func (p *Provider) SetLogger(l *slog.Logger) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts.Logger == nil {
		p.opts.Logger = l
	}
}

// Endpoint returns the endpoint every service is sent to ("" for AWS's own).
func (p *Provider) Endpoint() string { return p.opts.Endpoint }

// Config returns the base configuration in the default region.
func (p *Provider) Config(ctx context.Context) (aws.Config, error) {
	return p.Region(ctx, "")
}

// Region returns the base configuration in region ("" for the default).
func (p *Provider) Region(ctx context.Context, region string) (aws.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.regionLocked(ctx, region)
}

func (p *Provider) regionLocked(ctx context.Context, region string) (aws.Config, error) {
	if cfg, ok := p.byRegion[region]; ok {
		return cfg, nil
	}
	if base, ok := p.byRegion[""]; ok && region != "" {
		cfg := base.Copy()
		cfg.Region = region
		p.byRegion[region] = cfg
		return cfg, nil
	}
	o := p.opts.Options
	if region != "" {
		o.Region = region
	}
	// The configuration outlives the call that first needs it.
	cfg, err := Load(context.WithoutCancel(ctx), o)
	if err != nil {
		return aws.Config{}, err
	}
	p.byRegion[region] = cfg
	return cfg, nil
}

// CallerAccount returns the account of the base credentials
// (sts:GetCallerIdentity, read-only), asked once.
func (p *Provider) CallerAccount(ctx context.Context) (string, error) {
	p.mu.Lock()
	if p.caller != "" {
		defer p.mu.Unlock()
		return p.caller, nil
	}
	cfg, err := p.regionLocked(ctx, "")
	p.mu.Unlock()
	if err != nil {
		return "", err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("awsx: finding the caller's account: %w", err)
	}
	p.mu.Lock()
	p.caller = aws.ToString(out.Account)
	p.mu.Unlock()
	return aws.ToString(out.Account), nil
}

// Account returns a configuration acting in account and region: the base
// credentials when account is empty, is the caller's own, or no role is
// configured; otherwise the role assumed in that account. Nothing is
// assumed until a client built from it makes its first call.
func (p *Provider) Account(ctx context.Context, account, region string) (aws.Config, error) {
	base, err := p.Region(ctx, region)
	if err != nil {
		return aws.Config{}, err
	}
	if account == "" || p.opts.Role == "" {
		return base, nil
	}
	own, err := p.CallerAccount(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	if account == own {
		return base, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cfg, ok := p.assumed[account]
	if !ok {
		arn, err := RoleARN(account, strings.ReplaceAll(p.opts.Role, "{account}", account))
		if err != nil {
			return aws.Config{}, err
		}
		stsBase, err := p.regionLocked(ctx, "")
		if err != nil {
			return aws.Config{}, err
		}
		cfg = stsBase.Copy()
		session := p.opts.SessionName
		if session == "" {
			session = "vigil"
		}
		prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(stsBase), arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			if p.opts.ExternalID != "" {
				o.ExternalID = aws.String(p.opts.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(prov)
		p.assumed[account] = cfg
	}
	if region != "" && region != cfg.Region {
		cfg = cfg.Copy()
		cfg.Region = region
	}
	return cfg, nil
}

// Lazy returns a function that builds a client from p's base configuration
// at its first successful call and returns the same client afterwards. A
// failure (no region, no credentials) is returned and not kept: the next
// call tries again. Clients built this way need no AWS access before they
// are used, so a configuration check needs none.
func Lazy[C any](p *Provider, region string, newClient func(aws.Config) C) func(context.Context) (C, error) {
	var mu sync.Mutex
	var client C
	var ok bool
	return func(ctx context.Context) (C, error) {
		mu.Lock()
		defer mu.Unlock()
		if ok {
			return client, nil
		}
		cfg, err := p.Region(ctx, region)
		if err != nil {
			return client, err
		}
		client, ok = newClient(cfg), true
		return client, nil
	}
}
