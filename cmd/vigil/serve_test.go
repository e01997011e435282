package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/pipeline"
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
	if code != exitOK || !strings.Contains(out, "ok for vigil serve (1 rule, 2 targets, database sqlite)") {
		t.Errorf("good config: %d %q %q", code, out, errOut)
	}
	// A file vigil serve would refuse (no credentials) fails the check,
	// marked as serve-only; for lambda or process it passes.
	noCreds := writeFile(t, "nocreds.yaml", strings.Replace(fmt.Sprintf(cliConfig, "./v.db", "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"), "  api_keys: [env:VIGIL_API_KEY]\n", "", 1))
	_, errOut, code = pipelineCLI(t, "", "config", "check", noCreds)
	if code != exitUsage || !strings.Contains(errOut, "server: (vigil serve only) no credentials configured") || !strings.Contains(errOut, "1 problem (1 only for vigil serve") {
		t.Errorf("config without credentials: %d %q", code, errOut)
	}
	for _, f := range []string{"lambda", "process"} {
		if out, errOut, code := pipelineCLI(t, "", "config", "check", "--for", f, noCreds); code != exitOK || !strings.Contains(out, "ok for vigil "+f) {
			t.Errorf("--for %s: %d %q %q", f, code, out, errOut)
		}
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
	out, _, _ = pipelineCLI(t, "", "silence", "list", "--config", cfg, "--format", "json")
	var silences []struct {
		ID, State, Comment string
		Pattern            map[string]any
	}
	if err := json.Unmarshal([]byte(out), &silences); err != nil || len(silences) != 1 || silences[0].ID != id || silences[0].State != "active" || silences[0].Pattern["source"] == nil {
		t.Errorf("silence list --format json: %v\n%s", err, out)
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
	st, err := pipeline.OpenStore(ctx, "sqlite://"+db, true)
	if err != nil {
		t.Fatal(err)
	}
	args := []byte(`{"event_key":"id:e9","event_id":"e9","rule":"ssh-open-to-world","target":"ops-hook","payload":"eyJhIjoxfQ==","policy":{"max_attempts":3}}`)
	if _, err := st.Q().Exec(ctx, `INSERT INTO vigil_dead_letters (job_id, kind, rule, target, event_id, args, attempts, last_error, failed_at) VALUES (42, ?, 'ssh-open-to-world', 'ops-hook', 'e9', ?, 3, 'webhook answered 500', 1)`, deliver.KindDeliver, args); err != nil {
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
	out, _, _ = pipelineCLI(t, "", "deadletters", "show", "42", "--config", cfg, "--format", "text")
	if !strings.Contains(out, "last error: webhook answered 500\n") || !strings.Contains(out, "payload:\n{\n  \"a\": 1\n}\n") {
		t.Errorf("deadletters show --format text:\n%s", out)
	}
	out, _, _ = pipelineCLI(t, "", "deadletters", "list", "--config", cfg, "--format", "json")
	var dls []struct {
		Job       int64  `json:"job"`
		Rule      string `json:"rule"`
		Attempts  int    `json:"attempts"`
		LastError string `json:"last_error"`
	}
	if err := json.Unmarshal([]byte(out), &dls); err != nil || len(dls) != 1 || dls[0].Job != 42 || dls[0].Attempts != 3 || dls[0].LastError != "webhook answered 500" {
		t.Errorf("deadletters list --format json: %v\n%s", err, out)
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
	targets := writeFile(t, "targets.json", `{"Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:alerts","DeadLetterConfig":{"Arn":"arn:aws:sqs:us-east-1:123456789012:dlq"}}]}`)
	sched := writeFile(t, "sched.json", `{"Name":"nightly","Arn":"arn:aws:events:us-east-1:1:rule/nightly","ScheduleExpression":"cron(0 15 * * ? *)"}`)
	schedTargets := writeFile(t, "sched-targets.json", `{"Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:nightly"}]}`)
	out, errOut, code := pipelineCLI(t, "", "rules", "import", rule, targets, sched, schedTargets)
	if code != exitOK || !strings.Contains(out, `queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/alerts"`) || !strings.Contains(out, `cron: "cron(0 15 * * ? *)"`) {
		t.Errorf("rules import: %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "warning: rule gd: target q: DeadLetterConfig") {
		t.Errorf("no DeadLetterConfig warning: %s", errOut)
	}
	// The output is a loadable config.
	cfg := writeFile(t, "imported.yaml", out)
	if _, errOut, code := pipelineCLI(t, "", "config", "check", "--for", "process", cfg); code != exitOK {
		t.Errorf("imported rules do not check: %s", errOut)
	}

	// --merge adds them to an existing file, in place, comments kept.
	existing := "# our vigil\nserver:\n  api_keys: [env:VIGIL_API_KEY]\nrules:\n  - name: ssh\n    event_pattern: {\"source\": [\"aws.ec2\"]}\n    targets: [{type: webhook, url: \"http://127.0.0.1:9/hook\"}]  # the pager\n"
	merged := writeFile(t, "vigil.yaml", existing)
	if _, errOut, code := pipelineCLI(t, "", "rules", "import", "--merge", merged, rule, targets, sched, schedTargets); code != exitOK || !strings.Contains(errOut, "added 2 rules and 1 schedule to") {
		t.Fatalf("--merge: %d %s", code, errOut)
	}
	b, _ := os.ReadFile(merged)
	if !strings.HasPrefix(string(b), existing) || !strings.Contains(string(b), `- name: "gd"`) || !strings.Contains(string(b), "schedules:\n  - {name: \"nightly\"") {
		t.Errorf("merged file:\n%s", b)
	}
	if out, errOut, code := pipelineCLI(t, "", "config", "check", merged); code != exitOK {
		t.Errorf("merged file does not check: %s %s", out, errOut)
	}
	// Importing the same rules again is refused, and the file is unchanged.
	if _, errOut, code := pipelineCLI(t, "", "rules", "import", "--merge", merged, rule, targets); code != exitFailure || !strings.Contains(errOut, `already has a rule named "gd"`) {
		t.Errorf("second --merge: %d %s", code, errOut)
	}
	// A result that would not pass the check (a rule with no target) is
	// not written.
	before, _ := os.ReadFile(merged)
	lone := writeFile(t, "lone.json", `{"Name":"lone","EventPattern":"{\"source\":[\"x\"]}"}`)
	if _, errOut, code := pipelineCLI(t, "", "rules", "import", "--merge", merged, lone); code != exitFailure || !strings.Contains(errOut, "was not changed") || !strings.Contains(errOut, "a rule needs at least one target") {
		t.Errorf("--merge of a rule without targets: %d %s", code, errOut)
	}
	if after, _ := os.ReadFile(merged); string(after) != string(before) {
		t.Error("the file changed although the merge was refused")
	}
}

// TestInitWritesAConfigThatChecks: vigil init writes examples/vigil.yaml,
// which passes vigil config check as written, and never overwrites a file
// by accident.
func TestInitWritesAConfigThatChecks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vigil.yaml")
	out, errOut, code := runCLI(t, "", "init", path)
	if code != exitOK || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := pipelineCLI(t, "", "config", "check", path); code != exitOK {
		t.Errorf("the file vigil init writes does not check: %s %s", out, errOut)
	}
	want, err := os.ReadFile("../../examples/vigil.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(want) {
		t.Error("vigil init wrote something else than examples/vigil.yaml")
	}
	if _, errOut, code := runCLI(t, "", "init", path); code != exitFailure || !strings.Contains(errOut, "already exists") {
		t.Errorf("init over a file: %d %s", code, errOut)
	}
	if _, _, code := runCLI(t, "", "init", "--force", path); code != exitOK {
		t.Errorf("init --force: %d", code)
	}
}
