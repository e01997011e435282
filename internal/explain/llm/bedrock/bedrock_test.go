package bedrock_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain/llm/bedrock"
	"github.com/vigilhq/vigil/internal/explain/llm/chat"
	"github.com/vigilhq/vigil/internal/explain/llm/llmtest"
)

func awsEnv(t *testing.T, endpoint string) { llmtest.AWSEnv(t, endpoint) }

// newModel builds a model from the environment's AWS configuration, as the
// engine constructor does with its provider.
func newModel(t *testing.T, o bedrock.Options) (*bedrock.Model, error) {
	t.Helper()
	cfg, err := awsx.Load(context.Background(), awsx.Options{})
	if errors.Is(err, awsx.ErrNoRegion) {
		cfg, err = aws.Config{}, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return bedrock.New(cfg, o)
}

type tools struct{ calls []chat.ToolCall }

func (tb *tools) Tools() []chat.Tool {
	return []chat.Tool{{Name: "aws___search_documentation", Description: "search", InputSchema: json.RawMessage(`{"type":"object","properties":{"search_phrase":{"type":"string"}},"required":["search_phrase"]}`)}}
}

func (tb *tools) Call(_ context.Context, c chat.ToolCall) (string, bool) {
	tb.calls = append(tb.calls, c)
	return `[{"url":"https://docs.aws.amazon.com/x.html","title":"X"}]`, false
}

func TestConverseWithTools(t *testing.T) {
	srv := llmtest.Bedrock(t,
		llmtest.CallTools(llmtest.Call{ID: "t1", Name: "aws___search_documentation", Input: `{"search_phrase":"EC2.7"}`}),
		func(r *llmtest.Request) llmtest.Reply {
			// The tool result came back as a toolResult block for t1.
			last := r.Messages[len(r.Messages)-1]
			if len(last.ToolResults) != 1 || last.ToolResults[0].ID != "t1" || !strings.Contains(last.ToolResults[0].Text, "docs.aws.amazon.com/x.html") {
				t.Errorf("tool result not sent back: %+v", last)
			}
			return llmtest.Reply{Text: "done"}
		})
	awsEnv(t, srv.URL)
	m, err := newModel(t, bedrock.Options{Model: "jp.amazon.nova-2-lite-v1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	tb := &tools{}
	temp := float32(0)
	resp, tr, err := chat.Run(context.Background(), m, chat.Request{System: "sys", MaxTokens: 512, Temperature: &temp,
		Messages: []chat.Message{{Role: chat.User, Text: "hello"}}}, tb, chat.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Text != "done" || resp.Stop != chat.StopEnd || tr.Turns != 2 || len(tb.calls) != 1 {
		t.Errorf("resp %+v transcript %+v", resp, tr)
	}
	if string(tb.calls[0].Input) != `{"search_phrase":"EC2.7"}` {
		t.Errorf("tool input %s", tb.calls[0].Input)
	}
	reqs := srv.Requests()
	r0 := reqs[0]
	if r0.Path != "/model/jp.amazon.nova-2-lite-v1:0/converse" {
		t.Errorf("path %q", r0.Path)
	}
	if r0.System != "sys" || r0.MaxTokens != 512 || len(r0.Tools) != 1 || !strings.Contains(string(r0.ToolSchemas["aws___search_documentation"]), "search_phrase") {
		t.Errorf("request %+v", r0)
	}
	if !strings.Contains(r0.Header.Get("Authorization"), "Credential=AKIAVIGILTESTKEY0001/") || !strings.Contains(r0.Header.Get("Authorization"), "/ap-northeast-1/bedrock/aws4_request") {
		t.Errorf("not signed for bedrock in the region: %q", r0.Header.Get("Authorization"))
	}
	// The second request replays the assistant's toolUse.
	if m := reqs[1].Messages[1]; m.Role != "assistant" || len(m.ToolCalls) != 1 || m.ToolCalls[0].ID != "t1" {
		t.Errorf("assistant turn not replayed: %+v", m)
	}
	if !strings.Contains(m.Name(), "jp.amazon.nova-2-lite-v1:0") || !strings.Contains(m.Name(), "ap-northeast-1") {
		t.Errorf("name %q", m.Name())
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		status int
		typ    string
		retry  bool
	}{
		{http.StatusTooManyRequests, "ThrottlingException", true},
		{http.StatusBadRequest, "ValidationException", false},
		{http.StatusForbidden, "AccessDeniedException", false},
		{http.StatusInternalServerError, "InternalServerException", true},
	} {
		srv := llmtest.Bedrock(t, func(*llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Status: c.status, ErrorType: c.typ, Text: "nope"}
		})
		awsEnv(t, srv.URL)
		m, err := newModel(t, bedrock.Options{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Converse(context.Background(), &chat.Request{Messages: []chat.Message{{Role: chat.User, Text: "x"}}})
		var le *chat.Error
		if !errors.As(err, &le) || le.Status != c.status || le.Retry != c.retry {
			t.Errorf("%s: %#v", c.typ, err)
			continue
		}
		if !strings.Contains(err.Error(), c.typ) || strings.Contains(err.Error(), "test-secret") {
			t.Errorf("%s: error %q", c.typ, err)
		}
	}
}

func TestMalformedResponse(t *testing.T) {
	srv := llmtest.Bedrock(t, func(*llmtest.Request) llmtest.Reply { return llmtest.Reply{RawBody: "<html>proxy error</html>"} })
	awsEnv(t, srv.URL)
	m, err := newModel(t, bedrock.Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Converse(context.Background(), &chat.Request{Messages: []chat.Message{{Role: chat.User, Text: "x"}}}); err == nil {
		t.Error("a response that is not JSON was accepted")
	}
}

func TestMissingRegionAndCredentials(t *testing.T) {
	awsEnv(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "")
	if _, err := newModel(t, bedrock.Options{}); err == nil || !strings.Contains(err.Error(), "region is not set") {
		t.Errorf("err %v", err)
	}
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	m, err := newModel(t, bedrock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Check(ctx); err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("err %v", err)
	}
}
