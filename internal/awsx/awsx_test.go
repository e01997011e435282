package awsx_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

var ctx = context.Background()

// isolate gives the test a clean AWS environment: static keys, a region,
// no profile files, and none of the machine's AWS_* settings.
func isolate(t *testing.T) { sandboxtest.Isolate(t) }

func startSandbox(t *testing.T, sc *sandbox.Scenario) *sandbox.Sandbox {
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func ops(sb *sandbox.Sandbox) []string {
	var out []string
	for _, c := range sb.Calls() {
		out = append(out, c.Service+":"+c.Operation)
	}
	return out
}

func TestEndpointURLFromEnvironment(t *testing.T) {
	isolate(t)
	sb := startSandbox(t, sandbox.Demo())
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "111122223333" {
		t.Errorf("account = %s", aws.ToString(id.Account))
	}
	if got := ops(sb); len(got) != 1 || got[0] != "sts:GetCallerIdentity" {
		t.Errorf("sandbox calls = %v", got)
	}
}

func TestServiceEndpointOverridesGlobal(t *testing.T) {
	isolate(t)
	main := startSandbox(t, sandbox.Demo())
	other := startSandbox(t, &sandbox.Scenario{Accounts: []*sandbox.Account{{ID: "222233334444"}}})
	t.Setenv("AWS_ENDPOINT_URL", main.URL())
	t.Setenv("AWS_ENDPOINT_URL_STS", other.URL())
	cfg, err := awsx.Load(ctx, awsx.Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "222233334444" {
		t.Errorf("STS went to %s, want the AWS_ENDPOINT_URL_STS sandbox", aws.ToString(id.Account))
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := securityhub.NewFromConfig(cfg).GetFindings(ctx, &securityhub.GetFindingsInput{}); err != nil {
		t.Fatal(err)
	}
	if got := ops(main); len(got) != 2 || got[0] != "ec2:DescribeInstances" || got[1] != "securityhub:GetFindings" {
		t.Errorf("main sandbox calls = %v", got)
	}
	if got := ops(other); len(got) != 1 || got[0] != "sts:GetCallerIdentity" {
		t.Errorf("STS sandbox calls = %v", got)
	}
	for _, c := range main.Calls() {
		if c.Region != "us-east-1" {
			t.Errorf("%s signed for %s, want the us-east-1 option", c.Operation, c.Region)
		}
	}
}

func TestProviderAccounts(t *testing.T) {
	isolate(t)
	sb := startSandbox(t, sandbox.Demo())
	p := awsx.NewProvider(awsx.ProviderOptions{
		Options: awsx.Options{Endpoint: sb.URL()}, Role: "vigil-remediation", ExternalID: "ext-1", SessionName: "vigil-test",
	})
	for _, tc := range []struct{ account, wantARN string }{
		{"111122223333", "arn:aws:iam::111122223333:root"},
		{"123456789012", "arn:aws:sts::123456789012:assumed-role/vigil-remediation/vigil-test"},
	} {
		cfg, err := p.Account(ctx, tc.account, "us-west-2")
		if err != nil {
			t.Fatal(err)
		}
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(id.Arn) != tc.wantARN {
			t.Errorf("account %s acts as %s, want %s", tc.account, aws.ToString(id.Arn), tc.wantARN)
		}
		// The assumed account's own resources are visible.
		out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if tc.account == "123456789012" && (len(out.Reservations) != 1 || aws.ToString(out.Reservations[0].Instances[0].InstanceId) != "i-abcd1111") {
			t.Errorf("instances in 123456789012/us-west-2 = %+v", out.Reservations)
		}
	}
	// Credentials are cached: one AssumeRole for several calls.
	cfg, _ := p.Account(ctx, "123456789012", "")
	for range 3 {
		if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, c := range sb.Calls() {
		if c.Operation == "AssumeRole" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("AssumeRole called %d times, want 1", n)
	}
	if _, err := p.Account(ctx, "12", ""); err == nil {
		t.Error("a bad account id was accepted")
	}
}

// TestProviderOwnAccountAssumesNothing: acting in the caller's own account
// uses its credentials (no AssumeRole), and a template names the account.
func TestProviderOwnAccountAssumesNothing(t *testing.T) {
	isolate(t)
	sb := startSandbox(t, sandbox.Demo())
	p := awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{Endpoint: sb.URL()}, Role: "arn:aws:iam::{account}:role/responder"})
	cfg, err := p.Account(ctx, "111122223333", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if got := ops(sb); len(got) != 2 || got[0] != "sts:GetCallerIdentity" || got[1] != "ec2:DescribeInstances" {
		t.Errorf("calls = %v, want the caller lookup and the read only", got)
	}
	other, err := p.Account(ctx, "123456789012", "")
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(other).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/responder/vigil"; aws.ToString(id.Arn) != want {
		t.Errorf("acts as %s, want %s", aws.ToString(id.Arn), want)
	}
}

// TestProviderRetriesAfterFailure: a failed load (no region) is not kept.
func TestProviderRetriesAfterFailure(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_REGION", "")
	sb := startSandbox(t, sandbox.Demo())
	p := awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{Endpoint: sb.URL()}})
	client := awsx.Lazy(p, "", func(c aws.Config) *sts.Client { return sts.NewFromConfig(c) })
	if _, err := client(ctx); !errors.Is(err, awsx.ErrNoRegion) {
		t.Fatalf("without a region: %v, want ErrNoRegion", err)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	c, err := client(ctx)
	if err != nil {
		t.Fatalf("after the region was set: %v", err)
	}
	if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if calls := sb.Calls(); len(calls) != 1 || calls[0].Region != "eu-west-1" {
		t.Errorf("calls = %+v", calls)
	}
}

func TestRetryable(t *testing.T) {
	isolate(t)
	sb := startSandbox(t, sandbox.Demo())
	cfg, err := awsx.Load(ctx, awsx.Options{Endpoint: sb.URL(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Error: "throttle", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err == nil || !awsx.Retryable(err) {
		t.Errorf("throttling: %v, want a retryable error", err)
	}
	_, err = ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000dead"}})
	if err == nil || awsx.Retryable(err) {
		t.Errorf("unknown instance: %v, want a permanent error", err)
	}
	if !awsx.Retryable(errors.New("dial tcp: connection refused")) {
		t.Error("a transport error is not retryable")
	}
	if awsx.Retryable(nil) {
		t.Error("nil is retryable")
	}
}

func TestRetriesRideOverThrottling(t *testing.T) {
	isolate(t)
	sb := startSandbox(t, sandbox.Demo())
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Error: "throttle", Count: 4}); err != nil {
		t.Fatal(err)
	}
	cfg, err := awsx.Load(ctx, awsx.Options{MaxAttempts: 5, MaxBackoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("5 attempts should ride over 4 throttles: %v", err)
	}
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Error: "throttle", Count: 2}); err != nil {
		t.Fatal(err)
	}
	two, err := awsx.Load(ctx, awsx.Options{MaxAttempts: 2, MaxBackoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(two).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err == nil {
		t.Error("2 attempts should not ride over 2 throttles")
	}
}

func TestRoleARN(t *testing.T) {
	if got, err := awsx.RoleARN("111122223333", "vigil"); err != nil || got != "arn:aws:iam::111122223333:role/vigil" {
		t.Errorf("RoleARN = %q, %v", got, err)
	}
	if got, _ := awsx.RoleARN("", "arn:aws-cn:iam::111122223333:role/x"); got != "arn:aws-cn:iam::111122223333:role/x" {
		t.Errorf("full ARN changed: %q", got)
	}
	if _, err := awsx.RoleARN("111122223333", "bad role"); err == nil {
		t.Error("bad role name accepted")
	}
}

// TestSafeBodiesLargeScan pages through 30,000 findings with retries off:
// without SafeBodies about 1% of pages fail with "use of closed network
// connection" (see SafeBodies).
func TestSafeBodiesLargeScan(t *testing.T) {
	isolate(t)
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sandbox.Demo(), Findings: 30_000})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	cfg, err := awsx.Load(ctx, awsx.Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for range 2 {
		p := securityhub.NewGetFindingsPaginator(securityhub.NewFromConfig(cfg), &securityhub.GetFindingsInput{})
		for p.HasMorePages() {
			if _, err := p.NextPage(ctx); err != nil {
				t.Fatalf("page %d: %v", pages, err)
			}
			pages++
		}
	}
	if pages < 300 {
		t.Errorf("only %d pages", pages)
	}
}
