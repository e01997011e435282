package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// aliasBomb is a 500-byte YAML document whose aliases expand to 9^9
// nodes: the "billion laughs" attack. It took the sandbox to 5.3 GB.
const aliasBomb = `accounts: [{id: "999900001111"}]
findings:
  - Id: bomb
    ProductArn: p
    AwsAccountId: "999900001111"
    a: &a [x,x,x,x,x,x,x,x,x]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func TestSeedRefusesYAMLAliasBomb(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	if len(aliasBomb) > 600 {
		t.Fatalf("the bomb is %d bytes", len(aliasBomb))
	}
	// Before the bound, this request ran for about a minute; a deadline
	// makes that a failure rather than a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, sb.URL()+"/_sandbox/seed", strings.NewReader(aliasBomb))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "aliases expand to more than") {
		t.Errorf("seeding an alias bomb: %d %s", resp.StatusCode, b)
	}
	// Aliases in moderation still work.
	sc, err := sandbox.ParseScenario([]byte(`accounts:
  - id: "999900002222"
    regions:
      - name: us-east-1
        volumes:
          - {id: vol-0a, size: 8, tags: &t {Owner: secops, Environment: game-day}}
          - {id: vol-0b, size: 8, tags: *t}
`))
	if err != nil {
		t.Fatalf("a scenario with one alias: %v", err)
	}
	if v := sc.Accounts[0].Regions[0].Volumes[1]; v.Tags["Owner"] != "secops" {
		t.Errorf("aliased tags = %v", v.Tags)
	}
}

// TestCallLogKeepsBodySizesNotBigBodies checks that a large request is
// recorded by its size, with request and response sizes on every call.
func TestCallLogKeepsBodySizesNotBigBodies(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	sm := secretsmanager.NewFromConfig(cfg(sb, region))
	big := strings.Repeat("x", 40<<10)
	must[*secretsmanager.CreateSecretOutput](t)(sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("big"), Description: aws.String(big)}))
	must[*secretsmanager.DescribeSecretOutput](t)(sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("big")}))
	// A call's status and response size are recorded just after its
	// response is written, so the client can read the log first: wait
	// (with a deadline) until both calls have finished.
	var calls []map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; {
		calls = secretsManagerCalls(t, sb)
		if len(calls) == 2 && calls[1]["status"] != float64(0) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(calls) != 2 {
		t.Fatalf("calls = %v", calls)
	}
	create, desc := calls[0], calls[1]
	if p, _ := json.Marshal(create["params"]); len(p) > 1024 || !strings.Contains(string(p), "not kept") {
		t.Errorf("a 40 KiB request's params are kept (%d bytes)", len(p))
	}
	if n, _ := create["request_bytes"].(float64); n < 40<<10 {
		t.Errorf("request_bytes = %v", create["request_bytes"])
	}
	if n, _ := desc["response_bytes"].(float64); n < 40<<10 {
		t.Errorf("response_bytes = %v", desc["response_bytes"])
	}
}

// secretsManagerCalls reads the sandbox's call log of Secrets Manager.
func secretsManagerCalls(t *testing.T, sb *sandbox.Sandbox) []map[string]any {
	t.Helper()
	resp, err := http.Get(sb.URL() + "/_sandbox/calls?service=secretsmanager")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var calls []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&calls); err != nil {
		t.Fatal(err)
	}
	return calls
}
