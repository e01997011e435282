// Package awsx builds the AWS configuration every part of vigil uses:
// region, credentials, retries, and per-account AssumeRole.
//
// Endpoints follow the SDK's shared-config standard and nothing else:
// AWS_ENDPOINT_URL sends every service to one endpoint (vigil's global
// --endpoint-url flag sets it), AWS_ENDPOINT_URL_<SERVICE> (for example
// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SECURITYHUB,
// AWS_ENDPOINT_URL_SECRETS_MANAGER) overrides one service, endpoint_url in
// a profile of ~/.aws/config works too, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns all of them off. Code
// that builds clients from a config returned here never knows whether it
// talks to AWS or to the sandbox (internal/sandbox).
package awsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options adjust Load. The zero value uses the SDK's defaults: region,
// credentials, profile and retry settings from the environment and the
// shared config files.
type Options struct {
	// Region overrides AWS_REGION and the profile's region.
	Region string
	// Profile selects a shared-config profile (like AWS_PROFILE).
	Profile string
	// MaxAttempts caps attempts per API call, first try included, with the
	// SDK's standard retryer (exponential backoff with jitter, retrying
	// throttling and transient errors). Zero keeps the SDK default (3, or
	// AWS_MAX_ATTEMPTS).
	MaxAttempts int
	// MaxBackoff caps the delay between attempts; zero keeps 20s.
	MaxBackoff time.Duration
}

// ErrNoRegion says neither the options, the environment nor the profile
// name a region.
var ErrNoRegion = errors.New("awsx: no AWS region: set AWS_REGION, a profile region, or the region option")

// Load returns the base AWS configuration.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.MaxAttempts < 0 {
		return aws.Config{}, fmt.Errorf("awsx: max attempts %d is negative", o.MaxAttempts)
	}
	if o.MaxAttempts > 0 || o.MaxBackoff > 0 {
		opts = append(opts, config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				if o.MaxAttempts > 0 {
					so.MaxAttempts = o.MaxAttempts
				}
				if o.MaxBackoff > 0 {
					so.MaxBackoff = o.MaxBackoff
				}
			})
		}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("awsx: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	return SafeBodies(cfg), nil
}

// SafeBodies returns a copy of cfg whose HTTP client hides the SDK's
// request-body io.WriterTo from net/http.
//
// smithy-go closes a request body as soon as the response headers arrive,
// and its body wrapper's WriteTo then returns io.EOF instead of 0, nil.
// net/http reads the body once more after sending it (to check for extra
// bytes); when a fast server (the sandbox, anything on loopback) has
// already answered, that read fails, the transport closes the connection,
// and reading a large response fails with "use of closed network
// connection" (about 1% of Security Hub pages against the sandbox). Going
// through Read avoids the bug. Load applies it; tests that build an
// aws.Config by hand can too.
func SafeBodies(cfg aws.Config) aws.Config {
	inner := cfg.HTTPClient
	if inner == nil {
		inner = awshttp.NewBuildableClient()
	}
	if _, done := inner.(safeBodyClient); done {
		return cfg
	}
	cfg = cfg.Copy()
	cfg.HTTPClient = safeBodyClient{inner}
	return cfg
}

type safeBodyClient struct{ inner aws.HTTPClient }

func (c safeBodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = readOnlyBody{req.Body}
	}
	return c.inner.Do(req)
}

// readOnlyBody exposes only Read and Close.
type readOnlyBody struct{ rc io.ReadCloser }

func (b readOnlyBody) Read(p []byte) (int, error) { return b.rc.Read(p) }
func (b readOnlyBody) Close() error               { return b.rc.Close() }

var (
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	roleNameRe = regexp.MustCompile(`^[\w+=,.@/-]{1,512}$`)
)

// RoleARN is the ARN of role in account, e.g. RoleARN("111122223333",
// "vigil-remediation") is arn:aws:iam::111122223333:role/vigil-remediation.
// A role given as a full ARN is returned unchanged.
func RoleARN(account, role string) (string, error) {
	if strings.HasPrefix(role, "arn:") {
		return role, nil
	}
	if !accountRe.MatchString(account) {
		return "", fmt.Errorf("awsx: account %q is not a 12-digit account id", account)
	}
	if !roleNameRe.MatchString(role) {
		return "", fmt.Errorf("awsx: role %q is not a valid role name", role)
	}
	return "arn:aws:iam::" + account + ":role/" + strings.TrimPrefix(role, "/"), nil
}

// AssumeRole returns a copy of base whose credentials come from
// sts:AssumeRole into roleARN, cached and refreshed before they expire.
// The STS call uses base (its credentials, region and endpoint).
func AssumeRole(base aws.Config, roleARN, sessionName string) aws.Config {
	if sessionName == "" {
		sessionName = "vigil"
	}
	cfg := base.Copy()
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
	})
	cfg.Credentials = aws.NewCredentialsCache(provider)
	return cfg
}

// Accounts hands out configurations per account: the base account's own,
// or one that assumes the same role name in each other account (the usual
// cross-account layout: one role, deployed everywhere). It is safe for
// concurrent use and keeps one credentials cache per account.
type Accounts struct {
	base        aws.Config
	baseAccount string
	role        string
	session     string

	mu   sync.Mutex
	byID map[string]aws.Config
}

// NewAccounts returns Accounts that assume role in accounts other than
// baseAccount. baseAccount may be empty, in which case every account goes
// through the role.
func NewAccounts(base aws.Config, baseAccount, role, sessionName string) *Accounts {
	return &Accounts{base: base, baseAccount: baseAccount, role: role, session: sessionName, byID: map[string]aws.Config{}}
}

// Config returns the configuration acting in account, in region when it
// is not empty.
func (a *Accounts) Config(account, region string) (aws.Config, error) {
	a.mu.Lock()
	cfg, ok := a.byID[account]
	if !ok {
		if account == a.baseAccount && account != "" {
			cfg = a.base
		} else {
			arn, err := RoleARN(account, a.role)
			if err != nil {
				a.mu.Unlock()
				return aws.Config{}, err
			}
			cfg = AssumeRole(a.base, arn, a.session)
		}
		a.byID[account] = cfg
	}
	a.mu.Unlock()
	if region != "" && region != cfg.Region {
		cfg = cfg.Copy()
		cfg.Region = region
	}
	return cfg, nil
}
