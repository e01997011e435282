package ask_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// cliQuestion is a question and the same filters written independently
// for the AWS CLI: the regions to ask and the GetFindings filters.
type cliQuestion struct {
	q       string
	lang    lang.Lang
	regions []string
	filters map[string]any
	count   bool
}

func eq(vals ...string) []map[string]string {
	var out []map[string]string
	for _, v := range vals {
		out = append(out, map[string]string{"Value": v, "Comparison": "EQUALS"})
	}
	return out
}

func prefix(v string) []map[string]string {
	return []map[string]string{{"Value": v, "Comparison": "PREFIX"}}
}

// active is the default of a findings question plus extra filters.
func active(extra map[string]any) map[string]any {
	m := map[string]any{"WorkflowStatus": eq("NEW", "NOTIFIED"), "RecordState": eq("ACTIVE")}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func between(since, until time.Time) []map[string]string {
	return []map[string]string{{"Start": since.UTC().Format(time.RFC3339), "End": until.UTC().Format(time.RFC3339)}}
}

// TestThirtyQuestionsMatchAWSCLI asks the built-in engine 30 questions (15
// in Japanese, 15 in English) against vigil sandbox --findings 2000 and
// compares each answer (total, every finding id, the count in the text)
// with the same filters run through the AWS CLI against the same sandbox.
func TestThirtyQuestionsMatchAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the AWS CLI comparison starts the CLI 32 times")
	}
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI is not installed; .ci/run must apt-get install awscli")
		}
		t.Skip("no aws on PATH (apt-get install awscli)")
	}
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo(), Findings: 2000, Seed: 1})
	jst := time.FixedZone("JST", 9*3600)
	now := time.Now()
	n := now.In(jst)
	midnight := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, jst)
	monday := midnight.AddDate(0, 0, -((int(n.Weekday()) + 6) % 7))
	tokyo, virginia := "ap-northeast-1", "us-east-1"

	questions := []cliQuestion{
		// Japanese
		{q: "Security Hub の検出結果のうち、Critical なものを幾つか提示して", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("CRITICAL")})},
		{q: "クリティカルな検出結果は何件ありますか？", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("CRITICAL")}), count: true},
		{q: "重大な違反を見せて", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("CRITICAL")})},
		{q: "重要度が高い検出結果を教えて", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("HIGH")})},
		{q: "High 以上の検出結果は何件？", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("HIGH", "CRITICAL")}), count: true},
		{q: "S3.1 の違反は何件ありますか", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"ComplianceSecurityControlId": eq("S3.1")}), count: true},
		{q: "アカウント 111111111111 の us-east-1 の検出結果を一覧で見せて", lang: lang.JA, regions: []string{virginia},
			filters: active(map[string]any{"AwsAccountId": eq("111111111111"), "Region": eq(virginia)})},
		{q: "バージニア北部リージョンの検出結果は何件？", lang: lang.JA, regions: []string{virginia}, filters: active(map[string]any{"Region": eq(virginia)}), count: true},
		{q: "東京リージョンの EC2 インスタンスの検出結果を教えて", lang: lang.JA, regions: []string{tokyo},
			filters: active(map[string]any{"Region": eq(tokyo), "ResourceType": eq("AwsEc2Instance")})},
		{q: "過去7日間の検出結果を見せて", lang: lang.JA, regions: []string{tokyo}, filters: active(map[string]any{"CreatedAt": between(now.AddDate(0, 0, -7), now)})},
		{q: "過去24時間の High の違反は？", lang: lang.JA, regions: []string{tokyo},
			filters: active(map[string]any{"SeverityLabel": eq("HIGH"), "CreatedAt": between(now.Add(-24*time.Hour), now)})},
		{q: "今週の S3 バケットの検出結果は何件", lang: lang.JA, regions: []string{tokyo},
			filters: active(map[string]any{"ResourceType": eq("AwsS3Bucket"), "CreatedAt": between(monday, now)}), count: true},
		{q: "抑制された検出結果は何件ありますか", lang: lang.JA, regions: []string{tokyo}, filters: map[string]any{"WorkflowStatus": eq("SUPPRESSED"), "RecordState": eq("ACTIVE")}, count: true},
		{q: "中程度の IAM の検出結果を教えて", lang: lang.JA, regions: []string{tokyo},
			filters: active(map[string]any{"SeverityLabel": eq("MEDIUM"), "ComplianceSecurityControlId": prefix("IAM.")})},
		{q: "セキュリティグループの Critical な違反は何件", lang: lang.JA, regions: []string{tokyo},
			filters: active(map[string]any{"ResourceType": eq("AwsEc2SecurityGroup"), "SeverityLabel": eq("CRITICAL")}), count: true},
		// English
		{q: "How many critical findings are there?", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("CRITICAL")}), count: true},
		{q: "List high severity findings", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"SeverityLabel": eq("HIGH")})},
		{q: "Show me medium or higher findings in us-east-1", lang: lang.EN, regions: []string{virginia},
			filters: active(map[string]any{"SeverityLabel": eq("MEDIUM", "HIGH", "CRITICAL"), "Region": eq(virginia)})},
		{q: "How many EC2.19 findings?", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"ComplianceSecurityControlId": eq("EC2.19")}), count: true},
		{q: "List findings for account 111122223333", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"AwsAccountId": eq("111122223333")})},
		{q: "How many findings in ap-northeast-1 this month?", lang: lang.EN, regions: []string{tokyo},
			filters: active(map[string]any{"Region": eq(tokyo), "CreatedAt": between(time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, jst), now)}), count: true},
		{q: "Show findings from the last 7 days", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"CreatedAt": between(now.AddDate(0, 0, -7), now)})},
		{q: "How many failed findings?", lang: lang.EN, regions: []string{tokyo}, filters: active(map[string]any{"ComplianceStatus": eq("FAILED")}), count: true},
		{q: "Which S3 buckets have critical findings?", lang: lang.EN, regions: []string{tokyo},
			filters: active(map[string]any{"ResourceType": eq("AwsS3Bucket"), "SeverityLabel": eq("CRITICAL")})},
		{q: "List archived findings", lang: lang.EN, regions: []string{tokyo}, filters: map[string]any{"WorkflowStatus": eq("NEW", "NOTIFIED"), "RecordState": eq("ARCHIVED")}},
		{q: "How many resolved findings are in Tokyo?", lang: lang.EN, regions: []string{tokyo},
			filters: map[string]any{"WorkflowStatus": eq("RESOLVED"), "RecordState": eq("ACTIVE"), "Region": eq(tokyo)}, count: true},
		{q: "Show security group violations in account 111122223333", lang: lang.EN, regions: []string{tokyo},
			filters: active(map[string]any{"ResourceType": eq("AwsEc2SecurityGroup"), "AwsAccountId": eq("111122223333")})},
		{q: "How many S3 findings with high severity?", lang: lang.EN, regions: []string{tokyo},
			filters: active(map[string]any{"ComplianceSecurityControlId": prefix("S3."), "SeverityLabel": eq("HIGH")}), count: true},
		{q: "List IAM user findings updated in the past 30 days", lang: lang.EN, regions: []string{tokyo},
			filters: active(map[string]any{"ResourceType": eq("AwsIamUser"), "UpdatedAt": between(now.AddDate(0, 0, -30), now)})},
		{q: "How many GuardDuty.1 findings in us-east-1 and ap-northeast-1?", lang: lang.EN, regions: []string{virginia, tokyo},
			filters: active(map[string]any{"ComplianceSecurityControlId": eq("GuardDuty.1"), "Region": eq(virginia, tokyo)}), count: true},
	}

	a, err := ask.New(ask.Deps{AWS: awsx.NewProvider(awsx.ProviderOptions{}), Now: func() time.Time { return now }, Location: jst}, ask.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, en := 0, 0
	for _, c := range questions {
		if c.lang == lang.JA {
			ja++
		} else {
			en++
		}
	}
	if ja != 15 || en != 15 {
		t.Fatalf("%d Japanese and %d English questions, want 15 and 15", ja, en)
	}
	var nonEmpty atomic.Int32
	// The AWS CLI takes seconds to start: the questions run side by side.
	t.Run("questions", func(t *testing.T) {
		for i, c := range questions {
			t.Run(strconv.Itoa(i+1), func(t *testing.T) {
				t.Parallel()
				ans, err := a.Ask(context.Background(), ask.Request{Question: c.q, Limit: 10000, By: "test"})
				if err != nil {
					t.Fatalf("%s: %v", c.q, err)
				}
				want := cliIDs(t, awsCLI, sb.URL(), c.regions, c.filters)
				var got []string
				for _, f := range ans.Findings {
					got = append(got, f.ID)
				}
				slices.Sort(got)
				if ans.Total != len(want) || !slices.Equal(got, want) {
					t.Fatalf("%s: vigil answers %d findings (%d listed), the AWS CLI %d\nvigil's calls: %s", c.q, ans.Total, len(got), len(want), toolCalls(ans))
				}
				if c.count && !strings.Contains(ans.Text, strconv.Itoa(ans.Total)) {
					t.Errorf("%s: a how-many answer does not say %d:\n%s", c.q, ans.Total, ans.Text)
				}
				if ans.Lang != c.lang {
					t.Errorf("%s: answered in %s", c.q, ans.Lang)
				}
				if len(ans.Notes) > 0 {
					t.Errorf("%s: the built-in answer did not pass the grounding check: %q", c.q, ans.Notes)
				}
				if len(ans.ToolCalls) != 1 || ans.ToolCalls[0].Name != "get_findings_by_severity" && ans.ToolCalls[0].Name != "search_findings" {
					t.Errorf("%s: tool calls %s", c.q, toolCalls(ans))
				}
				if len(want) > 0 {
					nonEmpty.Add(1)
				}
				t.Logf("%s: %d findings, %s", c.q, len(want), toolCalls(ans))
			})
		}
	})
	if n := nonEmpty.Load(); n < 27 && !t.Failed() {
		t.Errorf("only %d of 30 questions match any finding: the comparison is too weak", n)
	}
}

func toolCalls(a *ask.Answer) string {
	var parts []string
	for _, c := range a.ToolCalls {
		parts = append(parts, c.Name+string(c.Arguments))
	}
	return strings.Join(parts, " ")
}

// cliIDs runs aws securityhub get-findings in each region and returns the
// finding ids, sorted. With JSON output the CLI applies --query to the
// result of every page merged.
func cliIDs(t *testing.T, aws, endpoint string, regions []string, filters map[string]any) []string {
	t.Helper()
	fj, err := json.Marshal(filters)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, region := range regions {
		cmd := exec.Command(aws, "securityhub", "get-findings", "--region", region, "--endpoint-url", endpoint,
			"--filters", string(fj), "--query", "Findings[].Id", "--output", "json")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws securityhub get-findings: %v\n%s", err, stderr.String())
		}
		var got []string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("aws printed %q: %v", out, err)
		}
		ids = append(ids, got...)
	}
	slices.Sort(ids)
	return ids
}
