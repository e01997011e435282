package summarize_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain/llm/llmtest"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/shareddata"
	"github.com/vigilhq/vigil/internal/target"
)

// waitExplained polls GET /explanations/{id} until the summarize target has
// written one (bounded).
func waitExplained(t *testing.T, base, id, query string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, b := pipelinetest.Do(t, "GET", base+"/explanations/"+id+query, nil)
		if code == http.StatusOK {
			return b
		}
		if code != http.StatusNotFound || time.Now().After(deadline) {
			t.Fatalf("GET /explanations/%s: %d %s", id, code, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sample(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "events"), "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const builtinConfig = `
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
explain: {lang: ja}
rules:
  - name: securityhub-failed
    event_pattern: {"source": ["aws.securityhub"], "detail": {"findings": {"Compliance": {"Status": ["FAILED"]}}}}
    targets:
      - {id: explain-en, type: summarize, lang: en}
      - {id: explain-ja, type: summarize}
`

// TestSummarizeTargetKeepsExplanations: a matched event is explained by
// each summarize target in its language and kept; GET /explanations serves
// them as JSON and Markdown.
func TestSummarizeTargetKeepsExplanations(t *testing.T) {
	base := pipelinetest.Serve(t, builtinConfig)
	ev := sample(t)
	if code, b := pipelinetest.Do(t, "POST", base+"/events", ev); code != http.StatusOK {
		t.Fatalf("POST /events: %d %s", code, b)
	}
	const id = "1622bd23-7237-fdec-8fb0-a019cccfd3cb"
	var got []struct {
		Rule, Target, Lang, Engine string
		Explanation                struct {
			Title string `json:"title"`
			Lang  string `json:"lang"`
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d explanations", len(got))
		}
		if err := json.Unmarshal(waitExplained(t, base, id, ""), &got); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	langs := map[string]string{}
	for _, x := range got {
		if x.Rule != "securityhub-failed" || x.Engine != "builtin" || !strings.Contains(x.Explanation.Title, "EC2.7") {
			t.Errorf("explanation %+v", x)
		}
		langs[x.Target] = x.Lang
	}
	if langs["explain-en"] != "en" || langs["explain-ja"] != "ja" {
		t.Errorf("languages by target: %v", langs)
	}
	md := string(waitExplained(t, base, id, "?format=markdown"))
	if !strings.Contains(md, "## 概要") || !strings.Contains(md, "## Overview") || !strings.Contains(md, "EC2.7") {
		t.Errorf("markdown:\n%s", md)
	}
	if code, _ := pipelinetest.Do(t, "GET", base+"/explanations/no-such-event", nil); code != http.StatusNotFound {
		t.Errorf("unknown event: %d", code)
	}
}

// TestInvocationsExplain: /invocations answers with the configured
// language's explanation (the AgentCore contract).
func TestInvocationsExplain(t *testing.T) {
	base := pipelinetest.Serve(t, builtinConfig)
	code, b := pipelinetest.Do(t, "POST", base+"/invocations", sample(t))
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, b)
	}
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatal(err)
	}
	var body struct {
		AlertSource string `json:"alert_source"`
		Result      string `json:"result"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	if resp.StatusCode != 200 || body.AlertSource != "securityhub" || !strings.Contains(body.Result, "## 概要") || !strings.Contains(body.Result, "EC2.7") {
		t.Fatalf("%+v %+v", resp, body)
	}
}

// TestSummarizeWithModel: explain.engine openai sends the event to the
// configured model; the grounded answer is what is kept.
func TestSummarizeWithModel(t *testing.T) {
	answer := `{"summary": "Security Hub reports EBS encryption by default is off in account 111111111111 (control EC2.7).",
"problem": ["New volumes are created unencrypted."], "response": ["Turn on EBS encryption by default."],
"steps": [{"text": "Turn it on.", "command": "aws ec2 enable-ebs-encryption-by-default --region us-east-1"},
          {"text": "Check instance i-0123456789abcdef0 too."}], "links": []}`
	model := llmtest.OpenAI(t, llmtest.Say(answer))
	t.Setenv("VIGIL_TEST_MODEL_KEY", "sk-test")
	base := pipelinetest.Serve(t, fmt.Sprintf(`
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
explain:
  engine: openai
  model: test-model
  base_url: %q
  api_key: env:VIGIL_TEST_MODEL_KEY
  docs: "off"
  strict: true
rules:
  - name: sh
    event_pattern: {"source": ["aws.securityhub"]}
    targets: [{id: explain, type: summarize}]
`, model.URL))
	if code, b := pipelinetest.Do(t, "POST", base+"/events", sample(t)); code != http.StatusOK {
		t.Fatalf("POST /events: %d %s", code, b)
	}
	md := string(waitExplained(t, base, "1622bd23-7237-fdec-8fb0-a019cccfd3cb", "?format=markdown"))
	if !strings.Contains(md, "enable-ebs-encryption-by-default") {
		t.Errorf("the model's steps are missing:\n%s", md)
	}
	if strings.Contains(md, "i-0123456789abcdef0") {
		t.Errorf("an instance id the event does not name survived the grounding check:\n%s", md)
	}
	if len(model.Requests()) == 0 {
		t.Fatal("the model was never asked")
	}
}

func TestOptions(t *testing.T) {
	cfg, err := config.Parse("v.yaml", []byte("explain: {lang: ja, docs: \"on\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	o := target.ExplainOptions(cfg, "", "off", "")
	if o.Lang != "ja" || o.Docs != "off" {
		t.Errorf("%+v", o)
	}
	if o := target.ExplainOptions(cfg, "en", "", "ja"); o.Lang != "en" || o.Docs != "on" {
		t.Errorf("target lang over notifier's: %+v", o)
	}
	if o := target.ExplainOptions(cfg, "", "", "en"); o.Lang != "en" {
		t.Errorf("notifier lang over explain.lang: %+v", o)
	}
}

// TestOneExplanationPerEvent: several targets explaining the same event in
// the same language cost one model call, and the explanation is kept.
func TestOneExplanationPerEvent(t *testing.T) {
	answer := `{"summary": "EBS encryption by default is off (control EC2.7).", "problem": ["New volumes are unencrypted."], "response": ["Turn it on."], "steps": [], "links": []}`
	model := llmtest.OpenAI(t, llmtest.Say(answer))
	t.Setenv("VIGIL_TEST_MODEL_KEY", "sk-test")
	base := pipelinetest.Serve(t, fmt.Sprintf(`
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
explain: {engine: openai, model: test-model, base_url: %q, api_key: env:VIGIL_TEST_MODEL_KEY, docs: "off", strict: true}
rules:
  - name: sh
    event_pattern: {"source": ["aws.securityhub"]}
    targets: [{type: summarize}, {type: summarize}, {type: summarize}]
  - name: again
    event_pattern: {"source": ["aws.securityhub"]}
    targets: [{type: summarize}]
`, model.URL))
	if code, b := pipelinetest.Do(t, "POST", base+"/events", sample(t)); code != http.StatusOK {
		t.Fatalf("POST /events: %d %s", code, b)
	}
	var got []struct{ Rule, Target string }
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d explanations kept", len(got))
		}
		json.Unmarshal(waitExplained(t, base, "1622bd23-7237-fdec-8fb0-a019cccfd3cb", ""), &got)
		time.Sleep(20 * time.Millisecond)
	}
	ids := map[string]bool{}
	for _, g := range got {
		ids[g.Rule+"/"+g.Target] = true
	}
	for _, want := range []string{"sh/summarize", "sh/summarize-2", "sh/summarize-3", "again/summarize"} {
		if !ids[want] {
			t.Errorf("no explanation kept by %s (targets without ids are named by type and position): %v", want, ids)
		}
	}
	if n := len(model.Requests()); n != 1 {
		t.Errorf("the model was asked %d times for one event, want 1", n)
	}
}
