package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestFaultsThrottleThenSucceed(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Operation: "DescribeInstances", Error: "throttle", Count: 2}); err != nil {
		t.Fatal(err)
	}
	// The SDK's standard retryer (3 attempts) rides over two throttles.
	c := ec2.NewFromConfig(cfg(sb, region))
	must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}))
	calls := callsOf(sb, "DescribeInstances")
	if len(calls) != 3 || calls[0].Error != "RequestLimitExceeded" || calls[0].Status != 503 || !calls[0].Fault || calls[2].Error != "" {
		t.Errorf("calls = %+v", calls)
	}
	// Without retries the throttle reaches the caller with its code.
	if _, err := sb.AddFault(sandbox.Fault{Service: "sqs", Error: "throttle"}); err != nil {
		t.Fatal(err)
	}
	one := cfg(sb, region)
	one.RetryMaxAttempts = 1
	_, err := sqs.NewFromConfig(one).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("vigil-events")})
	wantCode(t, err, "RequestThrottled")
	id, err := sb.AddFault(sandbox.Fault{Service: "securityhub", Operation: "GetFindings", Error: "InternalException", Status: 500})
	if err != nil {
		t.Fatal(err)
	}
	_, err = securityhub.NewFromConfig(one).GetFindings(ctx, &securityhub.GetFindingsInput{})
	wantCode(t, err, "InternalException")
	if !sb.RemoveFault(id) {
		t.Error("RemoveFault did not find the fault")
	}
	must[*securityhub.GetFindingsOutput](t)(securityhub.NewFromConfig(one).GetFindings(ctx, &securityhub.GetFindingsInput{}))

	// Latency delays without failing.
	sb.ClearFaults()
	if _, err := sb.AddFault(sandbox.Fault{Service: "sts", Latency: sandbox.Duration(150 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(one).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if d := time.Since(t0); d < 150*time.Millisecond {
		t.Errorf("latency fault: answered in %v", d)
	}

	if _, err := sb.AddFault(sandbox.Fault{Service: "nope", Error: "x"}); err == nil || !strings.Contains(err.Error(), "fault.service") {
		t.Errorf("bad service accepted: %v", err)
	}
	if _, err := sb.AddFault(sandbox.Fault{Rate: 2, Error: "x"}); err == nil || !strings.Contains(err.Error(), "fault.rate") {
		t.Errorf("bad rate accepted: %v", err)
	}
}

func TestFaultRateIsApplied(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	if _, err := sb.AddFault(sandbox.Fault{Service: "sts", Error: "throttle", Rate: 0.3}); err != nil {
		t.Fatal(err)
	}
	one := cfg(sb, region)
	one.RetryMaxAttempts = 1
	c := sts.NewFromConfig(one)
	failed := 0
	for range 200 {
		if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			if apiCode(err) != "ThrottlingException" {
				t.Fatalf("unexpected error %v", err)
			}
			failed++
		}
	}
	if failed < 30 || failed > 90 {
		t.Errorf("rate 0.3 failed %d of 200 calls", failed)
	}
}

func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	post := func(path, body string) (int, string) {
		resp, err := http.Post(sb.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get := func(path string) string {
		resp, err := http.Get(sb.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if code, body := post("/_sandbox/faults", `{"service":"ec2","operation":"StopInstances","error":"throttle","count":1}`); code != 201 {
		t.Fatalf("add fault: %d %s", code, body)
	}
	if code, body := post("/_sandbox/faults", `{"service":"ec2","bogus":1}`); code != 400 || !strings.Contains(body, "bogus") {
		t.Errorf("bad fault: %d %s", code, body)
	}
	one := cfg(sb, region)
	one.RetryMaxAttempts = 1
	c := ec2.NewFromConfig(one)
	_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}})
	wantCode(t, err, "RequestLimitExceeded")
	must[*ec2.StopInstancesOutput](t)(c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}}))

	var calls []sandbox.Call
	json.Unmarshal([]byte(get("/_sandbox/calls?operation=StopInstances")), &calls)
	if len(calls) != 2 || calls[1].Params.(map[string]any)["InstanceId.1"] != "i-0a1b2c3d4e5f60718" || calls[1].Account != "111122223333" || calls[1].Region != region {
		t.Errorf("calls = %+v", calls)
	}
	var st struct {
		Scenario        sandbox.Scenario
		FindingsSummary sandbox.FindingSummary `json:"findings_summary"`
	}
	json.Unmarshal([]byte(get("/_sandbox/state")), &st)
	stopped := false
	for _, in := range st.Scenario.Accounts[0].Regions[0].Instances {
		stopped = stopped || in.ID == "i-0a1b2c3d4e5f60718" && in.State == "stopped"
	}
	if !stopped || st.FindingsSummary.Total != 5 {
		t.Errorf("state: stopped=%v findings=%d", stopped, st.FindingsSummary.Total)
	}
	if code, _ := post("/_sandbox/reset", ""); code != 200 {
		t.Fatal("reset failed")
	}
	d := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}}))
	if s := d.Reservations[0].Instances[0].State.Name; s != "running" {
		t.Errorf("after reset: %s", s)
	}
	if n := len(sb.Calls()); n != 1 {
		t.Errorf("calls after reset = %d, want 1 (the describe)", n)
	}
	// Seeding adds resources to the running sandbox.
	code, body := post("/_sandbox/seed", `{"accounts":[{"id":"111122223333","regions":[{"name":"ap-northeast-1","queues":[{"name":"seeded"}]}]}]}`)
	if code != 200 {
		t.Fatalf("seed: %d %s", code, body)
	}
	must[*sqs.GetQueueUrlOutput](t)(sqs.NewFromConfig(one).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("seeded")}))
	if code, body := post("/_sandbox/seed", `{"accounts":[{"id":"12"}]}`); code != 400 || !strings.Contains(body, "accounts[0].id") {
		t.Errorf("bad seed: %d %s", code, body)
	}
}

func TestSignatureChecking(t *testing.T) {
	t.Parallel()
	sc := sandbox.Demo()
	sc.Credentials = []sandbox.Credential{{AccessKeyID: "AKIAVIGILSANDBOX0001", SecretAccessKey: "s3cr3t/key+with=chars", Account: "123456789012"}}
	sb := start(t, sc)
	one := cfgKeys(sb, region, "AKIAVIGILSANDBOX0001", "s3cr3t/key+with=chars", "")
	one.RetryMaxAttempts = 1
	id := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(one).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Account) != "123456789012" {
		t.Errorf("account = %s", aws.ToString(id.Account))
	}
	// Every protocol verifies: query, JSON, CBOR, REST.
	must[*ec2.DescribeInstancesOutput](t)(ec2.NewFromConfig(one).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}))
	must[*securityhub.GetFindingsOutput](t)(securityhub.NewFromConfig(one).GetFindings(ctx, &securityhub.GetFindingsInput{}))
	// AssumeRole hands out keys that verify too.
	ar := must[*sts.AssumeRoleOutput](t)(sts.NewFromConfig(one).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/x"), RoleSessionName: aws.String("s")}))
	cr := ar.Credentials
	roleCfg := cfgKeys(sb, region, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	roleCfg.RetryMaxAttempts = 1
	must[*sqs.GetQueueUrlOutput](t)(sqs.NewFromConfig(roleCfg).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("vigil-events")}))

	wrong := cfgKeys(sb, region, "AKIAVIGILSANDBOX0001", "wrong", "")
	wrong.RetryMaxAttempts = 1
	_, err := sts.NewFromConfig(wrong).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "SignatureDoesNotMatch")
	_, err = ec2.NewFromConfig(wrong).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "AuthFailure")
	unknown := cfgKeys(sb, region, "AKIAUNKNOWN000000000", "x", "")
	unknown.RetryMaxAttempts = 1
	_, err = sts.NewFromConfig(unknown).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	resp, err := http.Post(sb.URL()+"/", "application/x-www-form-urlencoded", bytes.NewBufferString("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("unsigned request: %d", resp.StatusCode)
	}
}

func TestScenarioErrorsNameTheField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yaml, want string }{
		{`accounts: []`, "accounts: at least one account"},
		{`accounts: [{id: "12"}]`, `accounts[0].id: "12" is not a 12-digit account id`},
		{"accounts:\n  - id: \"111122223333\"\n    regions:\n      - name: ap-northeast-1\n        instances:\n          - id: i-0abc\n            security_groups: [sg-0def]\n",
			`accounts[0].regions[0].instances[0].security_groups[0]: "sg-0def" is not a security group of this region`},
		{"accounts:\n  - id: \"111122223333\"\n    regions:\n      - name: ap-northeast-1\n        instancez: []\n", `unknown field "instancez"`},
		{"accounts:\n  - id: \"111122223333\"\n    buckets: [{name: Bad_Bucket}]\n", `accounts[0].buckets[0].name: "Bad_Bucket" is not a valid bucket name`},
		{"default_account: \"999999999999\"\naccounts: [{id: \"111122223333\"}]\n", `default_account: "999999999999" is not one of the scenario's accounts`},
	} {
		_, err := sandbox.ParseScenario([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScenario(%q) = %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

// TestDemoHasSampleResources checks that the resources the shared sample
// events name exist in the demo scenario with the same ids.
func TestDemoHasSampleResources(t *testing.T) {
	t.Parallel()
	st := sandbox.Demo()
	ids := map[string]bool{}
	for _, a := range st.Accounts {
		ids[a.ID] = true
		for _, u := range a.Users {
			ids[u.Name] = true
			for _, k := range u.AccessKeys {
				ids[k.ID] = true
			}
		}
		for _, k := range a.RootAccessKeys {
			ids[k.ID] = true
		}
		for _, b := range a.Buckets {
			ids[b.Name] = true
		}
		for _, r := range a.Regions {
			ids[a.ID+"/"+r.Name] = true
			for _, v := range r.VPCs {
				ids[v.ID] = true
			}
			for _, g := range r.SecurityGroups {
				ids[g.ID] = true
			}
			for _, in := range r.Instances {
				ids[in.ID] = true
				ids[in.SubnetID] = true
				ids[in.NetworkInterfaceID] = true
			}
		}
	}
	for _, f := range st.Findings {
		ids[f["Id"].(string)] = true
	}
	for _, want := range []string{
		// guardduty/*.json
		"111122223333/ap-northeast-1", "vpc-0c4e1a7b93d25f861", "i-0a1b2c3d4e5f60718", "i-04f2e6a8c0b1d3957", "i-0f1e2d3c4b5a69788",
		"i-02468ace13579bdf0", "i-0d3e5f7a9b1c2e468", "i-06b5a4c3d2e1f0987", "i-09c8b7a6d5e4f3021",
		"sg-0e7d3c2b1a0f98765", "sg-07f5d3b1a9c8e6042", "sg-03a9f1c7e5b2d4680", "sg-0c2e4a6b8d1f3a572", "sg-0b4d6f8a2c1e3a579",
		"subnet-07a3e5c91b2d4f068", "subnet-05e8c2a4f6b1d9037", "subnet-0b91d4e6f2a7c3058", "eni-0d2f4b6a8c1e3f579",
		"ap-analytics-raw-111122223333", "etl-batch", "AKIAH24JZLHVCY3F7F6L", "AKIARNBK7Y7RKTKYU43W",
		// events/*.json
		"111111111111/us-east-1", "111111111111/eu-west-1", "123456789012/us-west-2", "i-abcd1111", "bucket-test-iad", "my-bucket",
		"111122223333/us-west-1", "i-1234567890abcdef0",
		"arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06",
		"arn:aws:securityhub:eu-west-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/b16b280f-51db-41ac-903b-b778c514f7f1",
		"arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.4/finding/e7d83ca8-6afd-428e-8ab0-e5b5b3b2239f",
	} {
		if !ids[want] {
			t.Errorf("demo scenario lacks %s", want)
		}
	}
}

func TestEC2FilterWildcards(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	for _, tc := range []struct {
		pattern string
		want    int
	}{{"*-0?", 5}, {"jump-*", 1}, {"*", 7}, {"j*p-host-01", 1}, {"*ftp*", 1}, {"?", 0}, {"batch-worker-07*", 1}} {
		out := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{tc.pattern}}}}))
		n := 0
		for _, r := range out.Reservations {
			n += len(r.Instances)
		}
		if n != tc.want {
			t.Errorf("tag:Name=%q matched %d instances, want %d", tc.pattern, n, tc.want)
		}
	}
}

// TestDocsScenarioExample keeps the example in docs/sandbox.md loadable.
func TestDocsScenarioExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/sandbox.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\nname: small\n")
	if !ok {
		t.Fatal("docs/sandbox.md has no small scenario example")
	}
	example, _, _ := strings.Cut(rest, "```")
	sc, err := sandbox.ParseScenario([]byte("name: small\n" + example))
	if err != nil {
		t.Fatalf("docs example: %v", err)
	}
	sb := start(t, sc)
	out := must[*ec2.DescribeInstancesOutput](t)(ec2.NewFromConfig(cfg(sb, region)).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}))
	if len(out.Reservations) != 1 {
		t.Errorf("docs example instances = %d", len(out.Reservations))
	}
}

// TestStateRoundTrips checks that a saved state loads again as a scenario.
func TestStateRoundTrips(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	must[*ec2.StopInstancesOutput](t)(c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}}))
	b, err := json.Marshal(sb.State())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sandbox.ParseScenario(b)
	if err != nil {
		t.Fatalf("saved state does not load: %v", err)
	}
	sb2 := start(t, sc)
	d := must[*ec2.DescribeInstancesOutput](t)(ec2.NewFromConfig(cfg(sb2, region)).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}}))
	if s := d.Reservations[0].Instances[0].State.Name; s != "stopped" {
		t.Errorf("reloaded instance state = %s", s)
	}
}
