package sandbox_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// start runs a sandbox with the scenario for the duration of the test.
func start(t testing.TB, sc *sandbox.Scenario) *sandbox.Sandbox {
	t.Helper()
	return startOpts(t, sandbox.Options{Scenario: sc})
}

// startOpts runs a sandbox with opts for the duration of the test.
func startOpts(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	recordCoverage(t, sb)
	return sb
}

// recordCoverage appends, when VIGIL_SANDBOX_COVERAGE names a file, the
// operations the test's sandbox answered, one
// "test<TAB>service<TAB>operation<TAB>error code" line for each success
// (code empty) and each distinct error not produced by a fault: the
// compatibility table of docs/sandbox.md lists the tests and the errors
// that cover each operation from it.
func recordCoverage(t testing.TB, sb *sandbox.Sandbox) {
	path := os.Getenv("VIGIL_SANDBOX_COVERAGE")
	if path == "" {
		return
	}
	t.Cleanup(func() {
		seen := map[string]bool{}
		var b strings.Builder
		for _, c := range sb.Calls() {
			key := c.Service + "\t" + c.Operation + "\t" + c.Error
			if (c.Status >= 200 && c.Status < 300 || c.Error != "" && !c.Fault) && !seen[key] {
				seen[key] = true
				b.WriteString(t.Name() + "\t" + key + "\n")
			}
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Errorf("coverage: %v", err)
			return
		}
		defer f.Close()
		f.WriteString(b.String())
	})
}

// cfg is an SDK config that sends everything to the sandbox, as a user
// with static keys would.
func cfg(sb *sandbox.Sandbox, region string) aws.Config {
	return cfgKeys(sb, region, "AKIASANDBOXTESTKEY01", "sandbox-secret", "")
}

func cfgKeys(sb *sandbox.Sandbox, region, id, secret, token string) aws.Config {
	return awsx.SafeBodies(aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		BaseEndpoint: aws.String(sb.URL()),
		// The SDK's standard retryer (3 attempts) as users get it: the
		// sandbox only answers retryable errors when a fault asks for them.
	})
}

// apiCode is the AWS error code of err, or "" when err is not an API error.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got success", code)
	}
	if got := apiCode(err); got != code {
		t.Fatalf("want error code %s, got %q (%v)", code, got, err)
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var ctx = context.Background()

const (
	acct   = "111122223333"
	region = "ap-northeast-1"
)

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
