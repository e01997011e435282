package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"

	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
)

const (
	testKeyID  = "AKIAVIGILTEST0000001"
	testSecret = "vigil-test-secret-access-key"
)

// hookRecorder is a webhook receiver keeping the bodies it was sent.
type hookRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
}

// waitFor waits until a body containing s arrived.
func (h *hookRecorder) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		for _, b := range h.bodies {
			if strings.Contains(b, s) {
				h.mu.Unlock()
				return
			}
		}
		h.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no delivery containing %q", s)
}

// serveWithAccessKeys runs vigil serve with server.access_keys and a rule
// sending app.orders events to a webhook; it returns the server's URL.
func serveWithAccessKeys(t *testing.T) (string, *hookRecorder) {
	t.Helper()
	hook := &hookRecorder{}
	hs := httptest.NewServer(hook)
	t.Cleanup(hs.Close)
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	t.Setenv("VIGIL_TEST_AWS_SECRET", testSecret)
	cfg := pipelinetest.Config(t, `
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
  access_keys: [{id: `+testKeyID+`, secret: env:VIGIL_TEST_AWS_SECRET}]
rules:
  - name: orders
    event_pattern: {"source": ["app.orders"]}
    targets: [{id: hook, type: webhook, url: "`+hs.URL+`", retry: {max_attempts: 1}}]
`)
	return pipelinetest.ServeConfig(t, cfg, pipeline.Deps{}), hook
}

// awsCLI runs the AWS CLI with a clean environment: the given keys, a
// region, no configuration files of the machine.
func awsCLI(t *testing.T, keyID, secret string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	path, lerr := exec.LookPath("aws")
	if lerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI is not installed; .ci/run must install awscli")
		}
		t.Skip("no aws on PATH (the AWS CLI v1: pip install awscli, or apt-get install awscli)")
	}
	dir := t.TempDir()
	cmd := exec.Command(path, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_DEFAULT_REGION=ap-northeast-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1",
	}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// TestPutEventsWithAWSCLI sends events with `aws events put-events
// --endpoint-url`, signed with a configured access key, as an AWS user
// would, unchanged.
func TestPutEventsWithAWSCLI(t *testing.T) {
	url, hook := serveWithAccessKeys(t)
	out, errOut, err := awsCLI(t, testKeyID, testSecret, "events", "put-events", "--endpoint-url", url,
		"--entries", `[{"Source":"app.orders","DetailType":"OrderPlaced","Detail":"{\"order\":\"o-cli-1\"}","Resources":["arn:aws:ec2:ap-northeast-1:111122223333:instance/i-1"]}]`)
	if err != nil {
		t.Fatalf("aws events put-events: %v\n%s", err, errOut)
	}
	var resp struct {
		FailedEntryCount int
		Entries          []struct{ EventId, ErrorCode string }
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if resp.FailedEntryCount != 0 || len(resp.Entries) != 1 || resp.Entries[0].EventId == "" {
		t.Fatalf("answer: %s", out)
	}
	hook.waitFor(t, `"o-cli-1"`)

	// An entry vigil refuses is answered as EventBridge does: a 200 with
	// the entry's error, which the CLI prints.
	out, errOut, err = awsCLI(t, testKeyID, testSecret, "events", "put-events", "--endpoint-url", url,
		"--entries", `[{"Source":"app.orders","DetailType":"OrderPlaced","Detail":"[1]"},{"Source":"app.orders","DetailType":"OrderPlaced","Detail":"{\"order\":\"o-cli-2\"}"}]`)
	if err != nil {
		t.Fatalf("aws events put-events with a bad entry: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, `"FailedEntryCount": 1`) || !strings.Contains(out, "MalformedDetail") {
		t.Errorf("answer to a partly bad request: %s", out)
	}
	hook.waitFor(t, `"o-cli-2"`)

	// A wrong secret, or an access key vigil does not know, is refused
	// with AWS's error.
	_, errOut, err = awsCLI(t, testKeyID, "wrong-secret", "events", "put-events", "--endpoint-url", url,
		"--entries", `[{"Source":"app.orders","DetailType":"x","Detail":"{}"}]`)
	if err == nil || !strings.Contains(errOut, "InvalidSignatureException") {
		t.Errorf("wrong secret: err %v, stderr %s", err, errOut)
	}
	_, errOut, err = awsCLI(t, "AKIAUNKNOWN000000001", testSecret, "events", "put-events", "--endpoint-url", url,
		"--entries", `[{"Source":"app.orders","DetailType":"x","Detail":"{}"}]`)
	if err == nil || !strings.Contains(errOut, "UnrecognizedClientException") {
		t.Errorf("unknown key: err %v, stderr %s", err, errOut)
	}
}

// TestPutEventsWithSDK sends events with aws-sdk-go-v2's EventBridge
// client pointed at vigil.
func TestPutEventsWithSDK(t *testing.T) {
	url, hook := serveWithAccessKeys(t)
	client := func(secret string) *eventbridge.Client {
		return eventbridge.New(eventbridge.Options{
			Region: "ap-northeast-1", BaseEndpoint: aws.String(url),
			Credentials:      credentials.NewStaticCredentialsProvider(testKeyID, secret, ""),
			RetryMaxAttempts: 1,
		})
	}
	ctx := context.Background()
	out, err := client(testSecret).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("app.orders"), DetailType: aws.String("OrderPlaced"), Detail: aws.String(`{"order":"o-sdk-1"}`), Time: aws.Time(time.Now())},
		{Source: aws.String("app.orders"), DetailType: aws.String("OrderPlaced"), Detail: aws.String(`not json`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if out.FailedEntryCount != 1 || aws.ToString(out.Entries[0].EventId) == "" || aws.ToString(out.Entries[1].ErrorCode) != "MalformedDetail" {
		t.Fatalf("answer: %+v %+v %+v", out.FailedEntryCount, out.Entries[0], out.Entries[1])
	}
	hook.waitFor(t, `"o-sdk-1"`)

	var ae smithy.APIError
	_, err = client("wrong").PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("app.orders"), DetailType: aws.String("x"), Detail: aws.String(`{}`)}}})
	if !asAPIError(err, &ae) || ae.ErrorCode() != "InvalidSignatureException" {
		t.Errorf("wrong secret: %v", err)
	}
	// Other EventBridge operations are not vigil's.
	_, err = client(testSecret).ListRules(ctx, &eventbridge.ListRulesInput{})
	if !asAPIError(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
		t.Errorf("ListRules: %v", err)
	}
	// An empty request is refused as a whole, with AWS's error type.
	_, err = client(testSecret).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{}})
	if !asAPIError(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Errorf("no entries: %v", err)
	}
}

func asAPIError(err error, ae *smithy.APIError) bool {
	if err == nil {
		return false
	}
	for e := err; e != nil; {
		if x, ok := e.(smithy.APIError); ok {
			*ae = x
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// TestAWSAPIAuthentication checks the root path's answers without SigV4:
// vigil's own credentials work there too, nothing else does.
func TestAWSAPIAuthentication(t *testing.T) {
	url, _ := serveWithAccessKeys(t)
	body := `{"Entries":[{"Source":"app.orders","DetailType":"x","Detail":"{}"}]}`
	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
		want    string
	}{
		{"no credentials", map[string]string{"X-Amz-Target": "AWSEvents.PutEvents"}, 400, "MissingAuthenticationTokenException"},
		{"api key", map[string]string{"X-Amz-Target": "AWSEvents.PutEvents", "x-api-key": pipelinetest.APIKey}, 200, `"FailedEntryCount":0`},
		{"wrong bearer", map[string]string{"X-Amz-Target": "AWSEvents.PutEvents", "Authorization": "Bearer nope"}, 400, "UnrecognizedClientException"},
		{"no target", map[string]string{"x-api-key": pipelinetest.APIKey}, 400, "X-Amz-Target"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", url+"/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(b), c.want) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, b, c.status, c.want)
			}
		})
	}
	// SigV4 also authenticates POST /events.
	req, _ := http.NewRequest("POST", url+"/events", strings.NewReader(`{"source":"app.orders","detail-type":"x","detail":{}}`))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testKeyID+"/20200101/ap-northeast-1/events/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	req.Header.Set("X-Amz-Date", "20200101T000000Z")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "Signature expired") {
		t.Errorf("stale SigV4 on /events: %d %s", resp.StatusCode, b)
	}
}
