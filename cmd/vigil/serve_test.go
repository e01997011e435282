package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
)

// pipelineCLI runs a vigil command line in-process.
func pipelineCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), stdio{in: strings.NewReader(stdin), out: &out, err: &errb}, args)
	return out.String(), errb.String(), code
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cliConfig = `
database: sqlite://%s
server:
  api_keys: [env:VIGIL_API_KEY]
rules:
  - name: ssh-open-to-world
    event_pattern: {"source": ["aws.ec2"], "detail": {"eventName": ["AuthorizeSecurityGroupIngress"]}}
    targets:
      - id: ops-hook
        type: webhook
        url: %s
        input_transformer:
          input_paths_map: {"name": "$.detail.eventName"}
          input_template: '{"alert": <name>}'
      - id: nothing
        type: webhook
        url: %s
        input_path: $.detail.missing
`

func TestConfigCheckCLI(t *testing.T) {
	good := writeFile(t, "good.yaml", fmt.Sprintf(cliConfig, "./v.db", "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"))
	out, errOut, code := pipelineCLI(t, "", "config", "check", good)
	if code != exitOK || !strings.Contains(out, "ok (1 rules, 2 targets, database sqlite)") {
		t.Errorf("good config: %d %q %q", code, out, errOut)
	}
	bad := writeFile(t, "bad.yaml", "rules:\n  - name: r\n    event_pattern: {\"source\": [\"x\"]}\n    targets:\n      - {id: a, type: pager}\n")
	_, errOut, code = pipelineCLI(t, "", "config", "check", bad)
	if code != exitUsage || !strings.Contains(errOut, "bad.yaml:5:") || !strings.Contains(errOut, `unknown target type "pager"`) {
		t.Errorf("bad config: %d %q", code, errOut)
	}
}

func TestProcessCLI(t *testing.T) {
	var hits atomic.Int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer hook.Close()
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(cliConfig, filepath.Join(t.TempDir(), "v.db"), hook.URL, hook.URL))
	ev := `{"id":"e1","source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"AuthorizeSecurityGroupIngress"}}`
	out, errOut, code := pipelineCLI(t, ev, "process", "--config", cfg, "-")
	want := `event e1 (aws.ec2 / AWS API Call via CloudTrail), dedup key id:e1
  rule ssh-open-to-world
    target ops-hook (webhook) would receive: {"alert": "AuthorizeSecurityGroupIngress"}
    target nothing (webhook): nothing delivered: `
	if code != exitOK || !strings.HasPrefix(out, want) {
		t.Errorf("process: %d\n%s\nwant prefix\n%s\n%s", code, out, want, errOut)
	}
	if hits.Load() != 0 {
		t.Error("process is a dry run by default")
	}
	out, _, code = pipelineCLI(t, `[`+ev+`, {"id":"x","source":"other","detail-type":"d","detail":{}}]`, "process", "--config", cfg, "--deliver", "-")
	if code != exitOK || hits.Load() != 1 || !strings.Contains(out, "delivered: {\"alert\"") || !strings.Contains(out, "no rule matches") {
		t.Errorf("process --deliver: %d hits %d\n%s", code, hits.Load(), out)
	}
	_, errOut, code = pipelineCLI(t, `{"source":"x"}`, "process", "--config", cfg, "-")
	if code != exitUsage || !strings.Contains(errOut, "detail-type") {
		t.Errorf("invalid event: %d %s", code, errOut)
	}
}

func TestSilenceAndDeadLettersCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(cliConfig, db, "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"))
	id, errOut, code := pipelineCLI(t, "", "silence", "add", "--config", cfg, "--pattern", `{"source":["aws.ec2"]}`, "--duration", "1h", "--creator", "alice", "--comment", "maintenance")
	id = strings.TrimSpace(id)
	if code != exitOK || len(id) != 36 {
		t.Fatalf("silence add: %d %q %q", code, id, errOut)
	}
	out, _, _ := pipelineCLI(t, "", "silence", "list", "--config", cfg)
	if !strings.Contains(out, id) || !strings.Contains(out, "active") || !strings.Contains(out, "maintenance") {
		t.Errorf("silence list:\n%s", out)
	}
	if _, errOut, code := pipelineCLI(t, "", "silence", "add", "--config", cfg, "--pattern", `{"source":"x"}`, "--comment", "c"); code != exitUsage || !strings.Contains(errOut, "Event pattern is not valid") {
		t.Errorf("bad pattern: %d %s", code, errOut)
	}
	if _, _, code := pipelineCLI(t, "", "silence", "expire", "--config", cfg, id); code != exitOK {
		t.Errorf("expire: %d", code)
	}
	if out, _, _ := pipelineCLI(t, "", "silence", "list", "--config", cfg); strings.Contains(out, id) {
		t.Errorf("an expired silence is not listed without --all:\n%s", out)
	}
	if _, errOut, code := pipelineCLI(t, "", "silence", "expire", "--config", cfg, "nope"); code != exitFailure || !strings.Contains(errOut, `no silence with id "nope"`) {
		t.Errorf("expire unknown: %d %s", code, errOut)
	}

	// A dead letter, as a worker records it, listed, shown and redriven.
	ctx := context.Background()
	st, err := store.OpenShared(ctx, "sqlite://"+db)
	if err != nil {
		t.Fatal(err)
	}
	args := []byte(`{"event_key":"id:e9","event_id":"e9","rule":"ssh-open-to-world","target":"ops-hook","payload":"eyJhIjoxfQ==","policy":{"max_attempts":3}}`)
	if err := store.AddDeadLetter(ctx, st.Q(), &store.DeadLetter{JobID: 42, Kind: jobs.KindDeliver, Rule: "ssh-open-to-world", Target: "ops-hook", EventID: "e9", Args: args, Attempts: 3, LastError: "webhook answered 500"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _, _ = pipelineCLI(t, "", "deadletters", "list", "--config", cfg)
	if !strings.Contains(out, "42") || !strings.Contains(out, "webhook answered 500") {
		t.Errorf("deadletters list:\n%s", out)
	}
	out, _, _ = pipelineCLI(t, "", "deadletters", "show", "--config", cfg, "42")
	if !strings.Contains(out, `"payload": {`) || !strings.Contains(out, `"a": 1`) {
		t.Errorf("deadletters show:\n%s", out)
	}
	out, errOut, code = pipelineCLI(t, "", "deadletters", "redrive", "--config", cfg, "--all")
	if code != exitOK || !strings.Contains(out, "redriven 42 as job") {
		t.Errorf("redrive: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := pipelineCLI(t, "", "deadletters", "redrive", "--config", cfg, "42"); code != exitFailure || !strings.Contains(errOut, "already redriven") {
		t.Errorf("second redrive: %d %s", code, errOut)
	}
}

func TestRulesImportCLI(t *testing.T) {
	rule := writeFile(t, "rule.json", `{"Name":"gd","Arn":"arn:aws:events:us-east-1:1:rule/gd","EventPattern":"{\"source\":[\"aws.guardduty\"]}","State":"ENABLED"}`)
	targets := writeFile(t, "targets.json", `{"Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:alerts"}]}`)
	out, errOut, code := pipelineCLI(t, "", "rules", "import", rule, targets)
	if code != exitOK || !strings.Contains(out, `queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/alerts"`) {
		t.Errorf("rules import: %d\n%s\n%s", code, out, errOut)
	}
	// The output is a loadable config.
	cfg := writeFile(t, "imported.yaml", out)
	if _, errOut, code := pipelineCLI(t, "", "config", "check", cfg); code != exitOK {
		t.Errorf("imported rules do not check: %s", errOut)
	}
}
