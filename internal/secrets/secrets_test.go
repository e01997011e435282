package secrets_test

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	vsm "github.com/vigilhq/vigil/internal/secrets/secretsmanager"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/secrets"
)

var ctx = context.Background()

func sandboxEnv(t *testing.T) *sandbox.Sandbox {
	return sandboxtest.Start(t, sandbox.Options{})
}

func createSecret(t *testing.T, name, value string) string {
	t.Helper()
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ARN)
}

func TestCheck(t *testing.T) {
	for _, ok := range []secrets.Ref{"env:SLACK_TOKEN", "secretsmanager:prod/slack", "secretsmanager:prod/slack#token",
		"arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:prod/slack-AbCdEf#token"} {
		if err := ok.Check(); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for ref, want := range map[secrets.Ref]string{
		"":                        "empty secret reference",
		"env:":                    "needs a variable name",
		"secretsmanager:":         "needs a secret name or ARN",
		"arn:aws:s3:::bucket":     "not a Secrets Manager secret ARN",
		"xoxb-1234-5678-abcdefgh": "secrets are not written in the configuration",
	} {
		err := ref.Check()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", ref, err, want)
		}
		if err != nil && ref != "" && strings.Contains(err.Error(), "xoxb") {
			t.Errorf("%q: the error repeats what may be a secret: %v", ref, err)
		}
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("VIGIL_TEST_SECRET", "s3cr3t-value")
	rs := &secrets.Resolver{}
	v, err := rs.Resolve(ctx, "env:VIGIL_TEST_SECRET")
	if err != nil || v != "s3cr3t-value" {
		t.Fatalf("got %q, %v", v, err)
	}
	t.Setenv("VIGIL_TEST_UNSET", "") // restored when the test ends
	os.Unsetenv("VIGIL_TEST_UNSET")
	_, err = rs.Resolve(ctx, "env:VIGIL_TEST_UNSET")
	if err == nil || !strings.Contains(err.Error(), "VIGIL_TEST_UNSET is not set") {
		t.Fatalf("unset variable: %v", err)
	}
}

func TestSecretsManager(t *testing.T) {
	sb := sandboxEnv(t)
	createSecret(t, "vigil/slack-token", "xoxb-plain-token")
	arn := createSecret(t, "vigil/smtp", `{"username":"vigil","password":"p@ss-w0rd"}`)

	rs := &secrets.Resolver{Backend: vsm.New(awsx.NewProvider(awsx.ProviderOptions{}))}
	for ref, want := range map[secrets.Ref]string{
		"secretsmanager:vigil/slack-token":   "xoxb-plain-token",
		"secretsmanager:vigil/smtp#password": "p@ss-w0rd",
		secrets.Ref(arn + "#username"):       "vigil",
	} {
		got, err := rs.Resolve(ctx, ref)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", ref, got, err, want)
		}
	}
	// Cached: reading the same secret again makes no call.
	before := len(sb.Calls())
	if _, err := rs.Resolve(ctx, "secretsmanager:vigil/smtp#username"); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Calls()) - before; n != 0 {
		t.Errorf("cached secret read made %d calls", n)
	}

	// Errors name the reference and the problem, never the value.
	for ref, want := range map[secrets.Ref]string{
		"secretsmanager:vigil/missing":       "ResourceNotFoundException",
		"secretsmanager:vigil/smtp#token":    `no field "token"`,
		"secretsmanager:vigil/slack-token#x": "not one",
	} {
		_, err := rs.Resolve(ctx, ref)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), string(ref)) {
			t.Errorf("%s: got %v, want %q", ref, err, want)
			continue
		}
		for _, secret := range []string{"xoxb-plain-token", "p@ss-w0rd"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error shows the secret: %v", ref, err)
			}
		}
	}
}

func TestWithoutBackend(t *testing.T) {
	_, err := (&secrets.Resolver{}).Resolve(ctx, "secretsmanager:prod/x")
	if err == nil || !strings.Contains(err.Error(), "not available") {
		t.Errorf("got %v", err)
	}
}

// TestRedact: every value handed out, and its base64 forms, are taken out
// of text; other text is left alone.
func TestRedact(t *testing.T) {
	env := map[string]string{"TOKEN": "xoxb-canary-1234", "PW": "p@ss-canary"}
	rs := &secrets.Resolver{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	for _, ref := range []secrets.Ref{"env:TOKEN", "env:PW"} {
		if _, err := rs.Resolve(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00vigil\x00p@ss-canary"))
	in := "Authorization: Bearer xoxb-canary-1234; basic " + base64.StdEncoding.EncodeToString([]byte("xoxb-canary-1234")) + " pw=p@ss-canary"
	got := rs.Redact(in)
	for _, leak := range []string{"xoxb-canary-1234", "p@ss-canary", base64.StdEncoding.EncodeToString([]byte("xoxb-canary-1234"))} {
		if strings.Contains(got, leak) {
			t.Errorf("Redact left %q in %q", leak, got)
		}
	}
	if !strings.Contains(got, "Authorization: Bearer [REDACTED]") {
		t.Errorf("Redact = %q", got)
	}
	// A value built from a secret (SMTP AUTH PLAIN) is covered once
	// remembered.
	rs.Remember("\x00vigil\x00p@ss-canary")
	if got := rs.Redact("AUTH PLAIN " + plain); strings.Contains(got, plain) {
		t.Errorf("AUTH PLAIN not redacted: %q", got)
	}
	var none *secrets.Resolver
	if none.Redact("x") != "x" {
		t.Error("a nil resolver changed text")
	}
}
