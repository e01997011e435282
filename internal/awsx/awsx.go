// Package awsx builds the AWS configuration every part of vigil uses:
// region, credentials, retries, and per-account AssumeRole.
//
// Endpoints follow the SDK's shared-config standard: Options.Endpoint
// (vigil's global --endpoint-url flag) or AWS_ENDPOINT_URL sends every
// service to one endpoint, AWS_ENDPOINT_URL_<SERVICE> (for example
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
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
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
	// Endpoint sends every service to this URL (vigil's --endpoint-url),
	// as AWS_ENDPOINT_URL does; a service's own AWS_ENDPOINT_URL_<SERVICE>
	// still wins, as in the SDK.
	Endpoint string
	// Credentials replace the SDK's credential chain (the demo's static
	// keys for its sandbox).
	Credentials aws.CredentialsProvider
	// Logger receives the SDK's own log lines; when nil they go where the
	// SDK sends them (plain text on standard error).
	Logger *slog.Logger
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
	if o.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(o.Endpoint))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	if o.Logger != nil {
		opts = append(opts, config.WithLogger(sdkLogger{o.Logger}))
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
