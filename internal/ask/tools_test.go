package ask_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/kb"
)

func knowledge(t *testing.T) *kb.Base {
	t.Helper()
	b, err := kb.New(kb.Options{Sources: []string{filepath.Join("..", "kb", "testdata", "policies")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func builtinAsker(t *testing.T, k *kb.Base) *ask.Asker {
	t.Helper()
	d := ask.Deps{AWS: awsx.NewProvider(awsx.ProviderOptions{})}
	if k != nil {
		d.Knowledge = k
	}
	a, err := ask.New(d, ask.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPolicyQuestionCitesTheDocument(t *testing.T) {
	startSandbox(t)
	a := builtinAsker(t, knowledge(t))
	ans, err := a.Ask(context.Background(), ask.Request{Question: "パスワードについての社内規程は？"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "iam/password-policy.md › パスワードの長さと文字種") || !strings.Contains(ans.Text, "16 文字以上") {
		t.Errorf("answer:\n%s", ans.Text)
	}
	if strings.Contains(ans.Text, "travel.md") {
		t.Errorf("パスポート matched:\n%s", ans.Text)
	}
	if len(ans.ToolCalls) != 1 || ans.ToolCalls[0].Name != "search_policies" {
		t.Errorf("tool calls %+v", ans.ToolCalls)
	}
	if !slices.ContainsFunc(ans.Citations, func(c ask.Citation) bool {
		return c.Type == ask.CitePolicy && strings.HasSuffix(c.Path, "iam/password-policy.md") && c.Heading != ""
	}) {
		t.Errorf("citations %+v", ans.Citations)
	}
	if len(ans.Notes) > 0 {
		t.Errorf("notes %q\n%s", ans.Notes, ans.Text)
	}
}

func TestExplainControlCitesPolicy(t *testing.T) {
	startSandbox(t)
	a := builtinAsker(t, knowledge(t))
	ans, err := a.Ask(context.Background(), ask.Request{Question: "IAM.7 とは？"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range ans.ToolCalls {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"search_findings", "explain_finding"}) {
		t.Fatalf("tool calls %v\n%s", names, ans.Text)
	}
	if !strings.Contains(ans.Text, "IAM.7") || !strings.Contains(ans.Text, "iam/password-policy.md") {
		t.Errorf("answer:\n%s", ans.Text)
	}
	var types []string
	for _, c := range ans.Citations {
		types = append(types, c.Type)
	}
	for _, want := range []string{ask.CiteSecurityHub, ask.CiteExplanation, ask.CitePolicy} {
		if !slices.Contains(types, want) {
			t.Errorf("no %s citation in %+v", want, ans.Citations)
		}
	}
	if len(ans.Notes) > 0 {
		t.Errorf("notes %q", ans.Notes)
	}
}

func TestDescribeResources(t *testing.T) {
	sb := startSandbox(t)
	a := builtinAsker(t, nil)
	for _, c := range []struct{ q, want string }{
		{"sg-0b4d6f8a2c1e3a579 について教えて", "tcp 3389 0.0.0.0/0"},
		{"Describe arn:aws:s3:::ap-analytics-raw-111122223333", "PublicAccessBlock"},
		{"AKIAH24JZLHVCY3F7F6L の詳細", "UserName"},
	} {
		ans, err := a.Ask(context.Background(), ask.Request{Question: c.q})
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if !strings.Contains(ans.Text, c.want) || len(ans.ToolCalls) != 1 || ans.ToolCalls[0].Name != "describe_resource" {
			t.Errorf("%s: %+v\n%s", c.q, ans.ToolCalls, ans.Text)
		}
		if len(ans.Citations) != 1 || ans.Citations[0].Type != ask.CiteAWSAPI {
			t.Errorf("%s: citations %+v", c.q, ans.Citations)
		}
		if len(ans.Notes) > 0 {
			t.Errorf("%s: notes %q\n%s", c.q, ans.Notes, ans.Text)
		}
	}
	if m := mutating(sb); len(m) > 0 {
		t.Errorf("mutating AWS calls: %v", m)
	}
}

func TestUnparsedQuestionSaysWhatCanBeAsked(t *testing.T) {
	t.Parallel()
	a := builtinAsker(t, nil)
	for q, want := range map[string]string{
		"天気はどう？":              "読み取れませんでした",
		"what's the weather?": "could not tell",
	} {
		ans, err := a.Ask(context.Background(), ask.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ans.Text, want) || !strings.Contains(ans.Text, "S3.1") || len(ans.ToolCalls) != 0 || ans.Total != 0 {
			t.Errorf("%s:\n%s", q, ans.Text)
		}
	}
	if _, err := a.Ask(context.Background(), ask.Request{Question: "  "}); err == nil {
		t.Error("an empty question was answered")
	}
}
