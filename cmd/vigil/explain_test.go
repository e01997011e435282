package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/explain/llm/llmtest"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs/mcpdocstest"
	"github.com/vigilhq/vigil/internal/shareddata"
)

func clearExplainEnv(t *testing.T) {
	for _, k := range []string{"VIGIL_LANG", "VIGIL_ENGINE", "VIGIL_MODEL", "VIGIL_BASE_URL", "OPENAI_BASE_URL", "VIGIL_MCP_URL", "VIGIL_CACHE_DIR", "OPENAI_API_KEY"} {
		t.Setenv(k, "")
	}
}

const healthAnswer = `{"summary":"AWS Health reports that an access key of account 123456789012 was exposed.","problem":["Anyone who has the key can call AWS as its user."],
"response":["Deactivate the key now, then rotate it."],"steps":[{"text":"Read the event details.","command":""}],
"links":[{"title":"Manage access keys","url":"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"},{"title":"Invented","url":"https://docs.aws.amazon.com/nowhere.html"}]}`

func TestExplainCLIWithLLM(t *testing.T) {
	file := filepath.Join(shareddata.Dir(t, "events"), "health_event.aws_risk_credentials_exposed.json")
	search := llmtest.CallTools(llmtest.Call{Name: "aws___search_documentation", Input: `{"search_phrase":"AWS_RISK_CREDENTIALS_EXPOSED exposed access key"}`})
	for _, kind := range []string{"openai", "bedrock"} {
		t.Run(kind, func(t *testing.T) {
			clearExplainEnv(t)
			docs := mcpdocstest.Start(t, mcpdocstest.Options{})
			args := []string{"explain", "--engine", kind, "--lang", "en", "--format", "json", "--mcp-url", docs.URL, "--cache-dir", t.TempDir()}
			var model *llmtest.Server
			if kind == "openai" {
				model = llmtest.OpenAI(t, search, llmtest.Say(healthAnswer))
				t.Setenv("MY_KEY", "sk-cli-secret")
				args = append(args, "--base-url", model.URL, "--model", "llama3.1", "--api-key-env", "MY_KEY")
			} else {
				model = llmtest.Bedrock(t, search, llmtest.Say(healthAnswer))
				llmtest.AWSEnv(t, model.URL)
			}
			out, errOut, code := runCLI(t, "", append(args, file)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.Contains(out+errOut, "sk-cli-secret") {
				t.Error("the API key was printed")
			}
			var x struct {
				Engine   string   `json:"engine"`
				Notes    []string `json:"notes"`
				Sections []struct {
					Links []struct{ URL, Source string }
				} `json:"sections"`
				LLM struct {
					Docs       string
					Violations []struct{ Kind, Value string }
				} `json:"llm"`
			}
			if err := json.Unmarshal([]byte(out), &x); err != nil {
				t.Fatal(err)
			}
			if x.Engine != kind || x.LLM.Docs != "consulted" || len(x.LLM.Violations) != 1 || x.LLM.Violations[0].Value != "https://docs.aws.amazon.com/nowhere.html" {
				t.Errorf("%+v", x)
			}
			if kind == "openai" && model.Requests()[0].Header.Get("Authorization") != "Bearer sk-cli-secret" {
				t.Error("the key from --api-key-env was not sent")
			}
			if strings.Contains(out, "nowhere.html\",") {
				t.Error("the invented link is in the output")
			}
		})
	}
}

func TestExplainCLIErrors(t *testing.T) {
	file := filepath.Join(shareddata.Dir(t, "events"), "health_event.aws_risk_credentials_exposed.json")
	clearExplainEnv(t)
	llmtest.AWSEnv(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--engine", "openai"}, exitUsage, "model is not set"},
		{[]string{"--engine", "openai", "--model", "gpt-4o-mini"}, exitUsage, "no API key for api.openai.com"},
		{[]string{"--engine", "bedrock"}, exitUsage, "region is not set"},
		{[]string{"--engine", "gemini"}, exitUsage, `invalid argument "gemini" for "--engine" flag: use builtin, bedrock or openai`},
		{[]string{"--docs", "maybe"}, exitUsage, "auto, on or off"},
		{[]string{"--engine", "openai", "--model", "m", "--base-url", "http://127.0.0.1:1/v1", "--mcp-url", "off", "--timeout", "5s"}, exitFailure, "openai m"},
	} {
		_, errOut, code := runCLI(t, "", append(append([]string{"explain"}, c.args...), file)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	// --fallback prints the built-in explanation when the model fails.
	out, errOut, code := runCLI(t, "", "explain", "--engine", "openai", "--model", "m", "--base-url", "http://127.0.0.1:1/v1", "--mcp-url", "off", "--fallback", file)
	if code != exitOK || !strings.Contains(out, "could not be reached") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
}
