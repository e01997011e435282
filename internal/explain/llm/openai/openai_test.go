package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/explain/llm/chat"
	"github.com/vigilhq/vigil/internal/explain/llm/llmtest"
	"github.com/vigilhq/vigil/internal/explain/llm/openai"
)

const key = "sk-test-0123456789abcdef"

type tools struct{ calls []chat.ToolCall }

func (tb *tools) Tools() []chat.Tool {
	return []chat.Tool{{Name: "aws___read_documentation", Description: "read", InputSchema: json.RawMessage(`{"type":"object","properties":{"url":{"type":"string"}}}`)}}
}

func (tb *tools) Call(_ context.Context, c chat.ToolCall) (string, bool) {
	tb.calls = append(tb.calls, c)
	return "page text", false
}

func TestChatWithTools(t *testing.T) {
	srv := llmtest.OpenAI(t,
		llmtest.CallTools(llmtest.Call{ID: "c1", Name: "aws___read_documentation", Input: `{"url":"https://docs.aws.amazon.com/x.html"}`}),
		func(r *llmtest.Request) llmtest.Reply {
			last := r.Messages[len(r.Messages)-1]
			if last.Role != "tool" || last.ToolResults[0].ID != "c1" || last.ToolResults[0].Text != "page text" {
				t.Errorf("tool result: %+v", last)
			}
			if a := r.Messages[len(r.Messages)-2]; a.Role != "assistant" || len(a.ToolCalls) != 1 || a.ToolCalls[0].ID != "c1" {
				t.Errorf("assistant tool call not replayed: %+v", a)
			}
			return llmtest.Reply{Text: "final"}
		})
	m, err := openai.New(openai.Options{BaseURL: srv.URL + "/", Model: "llama3.1", APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	tb := &tools{}
	resp, tr, err := chat.Run(context.Background(), m, chat.Request{System: "sys", MaxTokens: 100,
		Messages: []chat.Message{{Role: chat.User, Text: "hi"}}}, tb, chat.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Text != "final" || tr.Turns != 2 || len(tb.calls) != 1 || string(tb.calls[0].Input) != `{"url":"https://docs.aws.amazon.com/x.html"}` {
		t.Errorf("%+v %+v %+v", resp, tr, tb.calls)
	}
	r0 := srv.Requests()[0]
	if r0.Header.Get("Authorization") != "Bearer "+key || r0.System != "sys" || r0.MaxTokens != 100 || len(r0.Tools) != 1 {
		t.Errorf("request %+v", r0)
	}
	if strings.Contains(m.Name(), key) {
		t.Error("the name carries the key")
	}
}

func TestErrorsNeverCarryTheKey(t *testing.T) {
	for _, c := range []struct {
		status int
		retry  bool
	}{{http.StatusUnauthorized, false}, {http.StatusTooManyRequests, true}, {http.StatusBadGateway, true}} {
		srv := llmtest.OpenAI(t, func(*llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Status: c.status, Text: "Incorrect API key provided: " + key}
		})
		m, err := openai.New(openai.Options{BaseURL: srv.URL, Model: "gpt-4o-mini", APIKey: key})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Converse(context.Background(), &chat.Request{Messages: []chat.Message{{Role: chat.User, Text: "x"}}})
		var le *chat.Error
		if !errors.As(err, &le) || le.Status != c.status || le.Retry != c.retry {
			t.Errorf("%d: %#v", c.status, err)
			continue
		}
		if strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("%d: %q", c.status, err)
		}
	}
}

func TestMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"not json":   "<html>bad gateway</html>",
		"no choices": `{"choices":[]}`,
	} {
		srv := llmtest.OpenAI(t, func(*llmtest.Request) llmtest.Reply { return llmtest.Reply{RawBody: body} })
		m, _ := openai.New(openai.Options{BaseURL: srv.URL, Model: "m"})
		if _, err := m.Converse(context.Background(), &chat.Request{Messages: []chat.Message{{Role: chat.User, Text: "x"}}}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Arguments that are not JSON reach the tool as a JSON string, for it to reject.
	srv := llmtest.OpenAI(t, func(*llmtest.Request) llmtest.Reply {
		return llmtest.Reply{ToolCalls: []llmtest.Call{{ID: "c", Name: "aws___read_documentation", Input: `{"url": oops`}}}
	})
	m, _ := openai.New(openai.Options{BaseURL: srv.URL, Model: "m"})
	resp, err := m.Converse(context.Background(), &chat.Request{Messages: []chat.Message{{Role: chat.User, Text: "x"}}})
	if err != nil || len(resp.Message.ToolCalls) != 1 || !json.Valid(resp.Message.ToolCalls[0].Input) {
		t.Errorf("%+v %v", resp, err)
	}
}

func TestOptions(t *testing.T) {
	for _, c := range []struct {
		o    openai.Options
		want string
	}{
		{openai.Options{}, "model is not set"},
		{openai.Options{Model: "m", BaseURL: "ftp://x"}, "not an http(s) URL"},
		{openai.Options{Model: "m", BaseURL: "https://user:" + key + "@example.com/v1"}, "must not carry credentials"},
		{openai.Options{Model: "gpt-4o"}, "no API key"},
	} {
		_, err := openai.New(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), key) {
			t.Errorf("%+v: %v", c.o.BaseURL, err)
		}
	}
}
