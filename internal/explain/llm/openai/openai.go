// Package openai implements chat.Model with the OpenAI-compatible chat
// completions wire format (POST {base}/chat/completions), as served by
// OpenAI, Ollama, vLLM and others, tools included through "tools" and
// "tool_calls".
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/explain/llm/chat"
)

// DefaultBaseURL is used when no base URL is configured.
const DefaultBaseURL = "https://api.openai.com/v1"

// maxResponse bounds how much of a response body is read.
const maxResponse = 8 << 20

// Options configure a chat completions model.
type Options struct {
	// BaseURL is the API root, e.g. http://localhost:11434/v1 for Ollama;
	// DefaultBaseURL when empty. /chat/completions is appended.
	BaseURL string
	// Model is the model name; required.
	Model string
	// APIKey is sent as a bearer token when not empty. It never appears in
	// errors or Name.
	APIKey string
	// HTTPClient is used when not nil; a client with a 5-minute timeout
	// otherwise (callers bound each call with its context).
	HTTPClient *http.Client
}

// Model is a chat completions model.
type Model struct {
	endpoint string
	host     string
	model    string
	apiKey   string
	hc       *http.Client
}

// New checks o and returns a model. It does not call the endpoint.
func New(o Options) (*Model, error) {
	if strings.TrimSpace(o.Model) == "" {
		return nil, errors.New("openai: model is not set: give a model name (--model), e.g. gpt-4o-mini, or llama3.1 for Ollama")
	}
	base := strings.TrimRight(strings.TrimSpace(o.BaseURL), "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q is not an http(s) URL", base)
	}
	if u.User != nil {
		return nil, errors.New("openai: base URL must not carry credentials: pass the API key through the environment")
	}
	if o.APIKey == "" && u.Hostname() == "api.openai.com" {
		return nil, errors.New("openai: no API key for api.openai.com: set OPENAI_API_KEY (or the variable named by --api-key-env)")
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Minute}
	}
	return &Model{endpoint: base + "/chat/completions", host: u.Host, model: o.Model, apiKey: o.APIKey, hc: hc}, nil
}

// Name returns "openai MODEL (HOST)".
func (m *Model) Name() string { return "openai " + m.model + " (" + m.host + ")" }

// The wire format, as much of it as vigil uses.
type (
	chatRequest struct {
		Model       string        `json:"model"`
		Messages    []chatMessage `json:"messages"`
		Tools       []chatTool    `json:"tools,omitempty"`
		MaxTokens   int           `json:"max_tokens,omitempty"`
		Temperature *float32      `json:"temperature,omitempty"`
	}
	chatMessage struct {
		Role       string         `json:"role"`
		Content    *string        `json:"content"`
		ToolCalls  []chatToolCall `json:"tool_calls,omitempty"`
		ToolCallID string         `json:"tool_call_id,omitempty"`
	}
	chatTool struct {
		Type     string       `json:"type"`
		Function chatFunction `json:"function"`
	}
	chatFunction struct {
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters,omitempty"`
	}
	chatToolCall struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	chatResponse struct {
		Choices []struct {
			Message struct {
				Content   *string        `json:"content"`
				Refusal   *string        `json:"refusal"`
				ToolCalls []chatToolCall `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage *struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
		Error *apiError `json:"error"`
	}
	apiError struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	}
)

func str(s string) *string { return &s }

// Converse calls chat completions once.
func (m *Model) Converse(ctx context.Context, req *chat.Request) (*chat.Response, error) {
	cr := chatRequest{Model: m.model, MaxTokens: req.MaxTokens, Temperature: req.Temperature}
	if req.System != "" {
		cr.Messages = append(cr.Messages, chatMessage{Role: "system", Content: str(req.System)})
	}
	for _, msg := range req.Messages {
		// Tool results are "tool" messages that must directly follow the
		// assistant message that asked for them.
		for _, r := range msg.ToolResults {
			text := r.Text
			if r.IsError {
				text = "ERROR: " + text
			}
			cr.Messages = append(cr.Messages, chatMessage{Role: "tool", ToolCallID: r.CallID, Content: str(text)})
		}
		if msg.Role == chat.Assistant {
			cm := chatMessage{Role: "assistant"}
			if msg.Text != "" || len(msg.ToolCalls) == 0 {
				cm.Content = str(msg.Text)
			}
			for _, c := range msg.ToolCalls {
				tc := chatToolCall{ID: c.ID, Type: "function"}
				tc.Function.Name = c.Name
				tc.Function.Arguments = string(c.Input)
				if tc.Function.Arguments == "" {
					tc.Function.Arguments = "{}"
				}
				cm.ToolCalls = append(cm.ToolCalls, tc)
			}
			cr.Messages = append(cr.Messages, cm)
		} else if msg.Text != "" {
			cr.Messages = append(cr.Messages, chatMessage{Role: "user", Content: str(msg.Text)})
		}
	}
	for _, t := range req.Tools {
		params := t.InputSchema
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object"}`)
		}
		cr.Tools = append(cr.Tools, chatTool{Type: "function", Function: chatFunction{Name: t.Name, Description: t.Description, Parameters: params}})
	}
	body, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("openai: encoding the request: %w", err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, m.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &chat.Error{Model: m.Name(), Err: err}
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	if m.apiKey != "" {
		hr.Header.Set("Authorization", "Bearer "+m.apiKey)
	}
	res, err := m.hc.Do(hr)
	if err != nil {
		return nil, &chat.Error{Model: m.Name(), Retry: ctx.Err() == nil, Err: m.scrub(err)}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return nil, &chat.Error{Model: m.Name(), Status: res.StatusCode, Retry: true, Err: fmt.Errorf("reading the response: %w", err)}
	}
	var out chatResponse
	decodeErr := json.Unmarshal(raw, &out)
	if res.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(raw))
		if decodeErr == nil && out.Error != nil && out.Error.Message != "" {
			msg = out.Error.Message
		}
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return nil, &chat.Error{Model: m.Name(), Status: res.StatusCode,
			Retry: res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500, Err: errors.New(m.redact(msg))}
	}
	if decodeErr != nil {
		return nil, &chat.Error{Model: m.Name(), Status: res.StatusCode, Err: fmt.Errorf("the response is not chat completions JSON: %w", decodeErr)}
	}
	if out.Error != nil {
		return nil, &chat.Error{Model: m.Name(), Status: res.StatusCode, Err: errors.New(m.redact(out.Error.Message))}
	}
	if len(out.Choices) == 0 {
		return nil, &chat.Error{Model: m.Name(), Status: res.StatusCode, Err: errors.New("the response has no choices")}
	}
	ch := out.Choices[0]
	resp := &chat.Response{Message: chat.Message{Role: chat.Assistant}, Stop: finishReason(ch.FinishReason)}
	if ch.Message.Content != nil {
		resp.Message.Text = *ch.Message.Content
	}
	if ch.Message.Refusal != nil && resp.Message.Text == "" {
		resp.Message.Text = *ch.Message.Refusal
		resp.Stop = chat.StopFiltered
	}
	for _, tc := range ch.Message.ToolCalls {
		args := strings.TrimSpace(tc.Function.Arguments)
		if args == "" {
			args = "{}"
		}
		if !json.Valid([]byte(args)) {
			// Kept as a string so the tool reports the bad input to the
			// model instead of the whole conversation failing.
			b, _ := json.Marshal(args)
			args = string(b)
		}
		resp.Message.ToolCalls = append(resp.Message.ToolCalls, chat.ToolCall{ID: tc.ID, Name: tc.Function.Name, Input: json.RawMessage(args)})
	}
	if out.Usage != nil {
		resp.Usage = chat.Usage{InputTokens: out.Usage.PromptTokens, OutputTokens: out.Usage.CompletionTokens}
	}
	return resp, nil
}

func finishReason(s string) chat.StopReason {
	switch s {
	case "stop":
		return chat.StopEnd
	case "tool_calls", "function_call":
		return chat.StopToolUse
	case "length":
		return chat.StopMaxTokens
	case "content_filter":
		return chat.StopFiltered
	}
	return chat.StopOther
}

// redact removes the API key from text that came back from the server, in
// case an endpoint echoes it.
func (m *Model) redact(s string) string {
	if m.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, m.apiKey, "[redacted]")
}

func (m *Model) scrub(err error) error {
	if m.apiKey == "" || !strings.Contains(err.Error(), m.apiKey) {
		return err
	}
	return errors.New(m.redact(err.Error()))
}
