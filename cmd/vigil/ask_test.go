package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAskJSON(t *testing.T) {
	sb := scanEnv(t)
	out, stderr, code := runCLI(t, "", "--endpoint-url", sb.URL(), "ask", "--format", "json", "--limit", "5", "東京リージョンの High 以上の違反は何件？")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"answer", "citations", "findings", "tool_calls", "total"}) {
		t.Errorf("keys %v", keys)
	}
	var ans struct {
		Answer    string `json:"answer"`
		Total     int    `json:"total"`
		Findings  []struct{ SeverityLabel, Region string }
		ToolCalls []struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"tool_calls"`
	}
	json.Unmarshal([]byte(out), &ans)
	if ans.Total <= 5 || len(ans.Findings) != 5 || !strings.Contains(ans.Answer, "件です") {
		t.Errorf("total %d, %d findings: %s", ans.Total, len(ans.Findings), ans.Answer)
	}
	for _, f := range ans.Findings {
		if f.SeverityLabel != "HIGH" && f.SeverityLabel != "CRITICAL" || f.Region != "ap-northeast-1" {
			t.Errorf("finding %+v", f)
		}
	}
	var args struct{ Region, Severity []string }
	if len(ans.ToolCalls) == 1 {
		json.Unmarshal(ans.ToolCalls[0].Arguments, &args)
	}
	if len(ans.ToolCalls) != 1 || ans.ToolCalls[0].Name != "search_findings" || !slices.Equal(args.Region, []string{"ap-northeast-1"}) || !slices.Equal(args.Severity, []string{"CRITICAL", "HIGH"}) {
		t.Errorf("tool calls %+v", ans.ToolCalls)
	}

	out, stderr, code = runCLI(t, "", "--endpoint-url", sb.URL(), "ask", "--format", "markdown", "--lang", "en", "Critical", "findings?")
	if code != 0 || !strings.Contains(out, "findings match") || !strings.Contains(out, "**Sources:**") {
		t.Errorf("markdown: exit %d %s\n%s", code, stderr, out)
	}
	for _, args := range [][]string{{"ask"}, {"ask", "--lang", "fr", "x"}, {"ask", "--format", "yaml", "x"}, {"ask", "--limit", "0", "x"}, {"ask", "--engine", "gpt", "x"}, {"ask", "--engine", "openai", "x"}} {
		if _, stderr, code := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
}

func TestKBCommands(t *testing.T) {
	src := filepath.Join("..", "..", "internal", "kb", "testdata", "policies")
	idx := filepath.Join(t.TempDir(), "vigil.db.kb")
	out, stderr, code := runCLI(t, "", "kb", "index", "--source", src, "--index-dir", idx)
	if code != 0 || !strings.Contains(out, "indexed 4 documents") || !strings.Contains(out, "4 added") {
		t.Fatalf("kb index: exit %d %s\n%s", code, stderr, out)
	}
	out, stderr, code = runCLI(t, "", "kb", "search", "パスワード", "--source", src, "--index-dir", idx, "--format", "json")
	if code != 0 {
		t.Fatalf("kb search: exit %d %s", code, stderr)
	}
	var res struct {
		Hits []struct{ Path, Heading, Snippet string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Hits) == 0 {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.HasSuffix(res.Hits[0].Path, "iam/password-policy.md") || !strings.Contains(res.Hits[0].Snippet, "パスワード") {
		t.Errorf("hits %+v", res.Hits)
	}
	if _, stderr, code := runCLI(t, "", "kb", "search", "x"); code != exitUsage || !strings.Contains(stderr, "knowledge.sources") {
		t.Errorf("no sources: exit %d %s", code, stderr)
	}
}
