package deploy

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/config"
)

// load reads testdata/full.yaml, a configuration using every part that
// becomes an AWS resource or permission.
func load(t *testing.T) (*config.Config, []byte) {
	t.Helper()
	raw, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("testdata/full.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, raw
}

func plan(t *testing.T, o Options) (*config.Config, *Plan) {
	t.Helper()
	cfg, raw := load(t)
	p, err := Build(cfg, raw, o)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, p
}

func TestBuildRules(t *testing.T) {
	t.Parallel()
	cfg, p := plan(t, Options{NamePrefix: "vigil-"})
	var got []string
	for _, r := range p.Rules {
		got = append(got, r.Name+"/"+r.ID+"/"+state(r.Enabled))
		if !jsonEqual(t, r.Pattern, cfg.Rule(strings.TrimPrefix(r.Name, "vigil-")).EventPattern) {
			t.Errorf("rule %s: pattern %s differs from the configuration's", r.Name, r.Pattern)
		}
	}
	want := []string{"vigil-ssh-open-to-world/RuleSshOpenToWorld/ENABLED", "vigil-guardduty.high/RuleGuarddutyHigh/DISABLED"}
	if !slices.Equal(got, want) {
		t.Errorf("rules = %q, want %q (schedule rules left out)", got, want)
	}
	notes := strings.Join(p.Notes, "\n")
	for _, n := range []string{"rule hourly-check matches vigil's own schedule events", "rule schedule.morning matches", "once per rule"} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
	if p.Bus != "default" || p.Via != ViaSQS || p.APIKeyHeader != "x-vigil-key" {
		t.Errorf("defaults: bus %q via %q header %q", p.Bus, p.Via, p.APIKeyHeader)
	}
}

func TestBuildPolicy(t *testing.T) {
	t.Parallel()
	_, p := plan(t, Options{})
	want := []Statement{
		{"ConsumeEventQueue", []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, []string{"${Queue}"}},
		{"ForwardToQueues", []string{"sqs:SendMessage"}, []string{"arn:${AWS::Partition}:sqs:ap-northeast-1:123456789012:ops"}},
		{"PublishToTopics", []string{"sns:Publish"}, []string{"arn:aws:sns:ap-northeast-1:123456789012:pager", "arn:aws:sns:ap-northeast-1:123456789012:sec"}},
		{"ReadSecurityHub", []string{"securityhub:GetFindings", "securityhub:BatchUpdateFindings"}, []string{"*"}},
		{"InvokeBedrock", []string{"bedrock:InvokeModel"}, []string{"arn:${AWS::Partition}:bedrock:*::foundation-model/*", "arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*"}},
		{"AssumeRemediationRole", []string{"sts:AssumeRole"}, []string{"arn:aws:iam::123456789012:role/vigil-remediate"}},
		{"ReadSecrets", []string{"secretsmanager:GetSecretValue"}, []string{
			"arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/vigil/slack-??????",
			"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:hook-AbCdEf",
		}},
	}
	if !reflect.DeepEqual(p.Policy, want) {
		t.Errorf("policy:\n got %+v\nwant %+v", p.Policy, want)
	}
	// Without a queue to consume, the policy starts with what the targets need.
	_, p = plan(t, Options{Via: ViaAPIDestination})
	if p.Policy[0].Sid != "ForwardToQueues" {
		t.Errorf("api-destination policy starts with %s", p.Policy[0].Sid)
	}
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	cfg, raw := load(t)
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Via: "kinesis"}, `--via "kinesis": want one of sqs, api-destination, lambda`},
		{Options{CreateBus: true}, "--create-bus needs --bus NAME"},
		{Options{Bus: "aws.partner"}, `--bus "aws.partner"`},
		{Options{Bus: "a/b"}, `--bus "a/b"`},
		{Options{Arch: "386"}, `--arch "386"`},
		{Options{NamePrefix: strings.Repeat("x", 50)}, "longer than 64 characters"},
	} {
		if _, err := Build(cfg, raw, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Build(%+v) = %v, want an error with %q", c.o, err, c.want)
		}
	}
	only, err := config.Parse("sched.yaml", []byte("schedules: [{name: s, cron: rate(1 hour)}]\nrules:\n  - {name: r, event_pattern: {source: [vigil.schedule]}, targets: [{type: summarize}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(only, nil, Options{}); err == nil || !strings.Contains(err.Error(), "no rule to export") {
		t.Errorf("a configuration with only schedule rules: %v", err)
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`plain`:           `"plain"`,
		`a "q" \ b`:       `"a \"q\" \\ b"`,
		"tab\tnl\ncr\r":   `"tab\tnl\ncr\r"`,
		"bell\a":          `"bell\u0007"`,
		"${x} %{y} $ % {": `"$${x} %%{y} $ % {"`,
		"日本語":             `"日本語"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	for k, want := range map[string]string{"source": "source", "detail-type": `"detail-type"`, "true": `"true"`, "1a": `"1a"`, "a_1": "a_1"} {
		if got := objKey(k); got != want {
			t.Errorf("objKey(%q) = %s, want %s", k, got, want)
		}
	}
}

func TestLambdaZip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	bin := []byte("\x7fELF fake binary")
	conf := []byte("rules: []\n")
	if err := LambdaZip(&buf, bytes.NewReader(bin), conf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		mode os.FileMode
		body []byte
	}{"bootstrap": {0o755, []byte(Bootstrap)}, "vigil": {0o755, bin}, "vigil.yaml": {0o644, conf}}
	if len(z.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(z.File), len(want))
	}
	for _, f := range z.File {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("unexpected entry %s", f.Name)
			continue
		}
		if f.Mode().Perm() != w.mode {
			t.Errorf("%s: mode %v, want %v", f.Name, f.Mode().Perm(), w.mode)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		if !bytes.Equal(b, w.body) {
			t.Errorf("%s: body %q, want %q", f.Name, b, w.body)
		}
	}
	// The same inputs make the same zip.
	var again bytes.Buffer
	if err := LambdaZip(&again, bytes.NewReader(bin), conf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two zips of the same inputs differ")
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestLambdaZipNotes(t *testing.T) {
	t.Parallel()
	if n := LambdaZipNotes(40<<20, 120<<20); len(n) != 0 {
		t.Errorf("a 40 MB zip of 120 MB: notes %q, want none", n)
	}
	n := LambdaZipNotes(57<<20, 153<<20)
	if len(n) != 1 || !strings.Contains(n[0], "57.0 MB, over Lambda's 50.0 MB limit for a direct upload") || !strings.Contains(n[0], "CodeS3Bucket") || !strings.Contains(n[0], "aws s3 cp") {
		t.Errorf("a 57 MB zip: notes %q, want the S3 upload path", n)
	}
	n = LambdaZipNotes(60<<20, 300<<20)
	if len(n) != 2 || !strings.Contains(n[0], "Lambda will refuse it") {
		t.Errorf("300 MB unzipped: notes %q, want a refusal first", n)
	}
}
