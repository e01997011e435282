// Package llmtest runs local model servers for tests: one that speaks the
// Amazon Bedrock Converse REST JSON wire format as the AWS SDK sends it
// (POST /model/{modelId}/converse), one that speaks OpenAI-compatible chat
// completions (POST /chat/completions). Each plays a script: one Turn per
// request, given the request decoded to a common form, so tests can check
// what the model was sent (system prompt, data, tools offered) and answer
// with text, tool calls, malformed output or errors.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Request is a model request as the server received it.
type Request struct {
	Path     string
	Header   http.Header
	Body     []byte
	System   string
	Messages []Message
	// Tools are the names of the tools offered, in order.
	Tools []string
	// ToolSchemas are their input schemas.
	ToolSchemas map[string]json.RawMessage
	MaxTokens   int
}

// Message is one message of a received conversation.
type Message struct {
	Role        string // user, assistant, tool (OpenAI)
	Text        string
	ToolCalls   []Call
	ToolResults []Result
}

// Call is a tool call, sent or received.
type Call struct {
	ID, Name string
	Input    string // a JSON object
}

// Result is a tool result the server received.
type Result struct {
	ID, Text string
	IsError  bool
}

// Reply is a scripted answer.
type Reply struct {
	Text      string
	ToolCalls []Call
	// Status, when not 0 or 200, answers with that HTTP status and an error
	// body in the wire format, Text being the message.
	Status int
	// ErrorType is the Bedrock error type for Status, e.g. ThrottlingException.
	ErrorType string
	// RawBody, when set, is sent as the whole 200 body, e.g. to test a
	// response that is not JSON.
	RawBody string
}

// Turn answers one request.
type Turn func(req *Request) Reply

// Say returns a Turn that answers text.
func Say(text string) Turn { return func(*Request) Reply { return Reply{Text: text} } }

// CallTools returns a Turn that asks for tool calls.
func CallTools(calls ...Call) Turn {
	return func(*Request) Reply { return Reply{ToolCalls: calls} }
}

// Server is a running scripted model server.
type Server struct {
	URL string

	t      testing.TB
	mu     sync.Mutex
	script []Turn
	reqs   []*Request
}

// Requests returns the requests received so far.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.reqs...)
}

func (s *Server) next(r *Request) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
	if len(s.script) == 0 {
		s.t.Errorf("llmtest: request %d has no scripted turn left", len(s.reqs))
		return Reply{}, false
	}
	turn := s.script[0]
	s.script = s.script[1:]
	return turn(r), true
}

func start(t testing.TB, h func(s *Server) http.HandlerFunc, script []Turn) *Server {
	t.Helper()
	s := &Server{t: t, script: script}
	hs := httptest.NewServer(h(s))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// ---- Bedrock Converse ----

type brContent struct {
	Text    *string `json:"text,omitempty"`
	ToolUse *struct {
		ToolUseID string          `json:"toolUseId"`
		Name      string          `json:"name"`
		Input     json.RawMessage `json:"input"`
	} `json:"toolUse,omitempty"`
	ToolResult *struct {
		ToolUseID string `json:"toolUseId"`
		Content   []struct {
			Text string `json:"text"`
		} `json:"content"`
		Status string `json:"status"`
	} `json:"toolResult,omitempty"`
}

type brRequest struct {
	Messages []struct {
		Role    string      `json:"role"`
		Content []brContent `json:"content"`
	} `json:"messages"`
	System []struct {
		Text string `json:"text"`
	} `json:"system"`
	InferenceConfig *struct {
		MaxTokens int `json:"maxTokens"`
	} `json:"inferenceConfig"`
	ToolConfig *struct {
		Tools []struct {
			ToolSpec struct {
				Name        string `json:"name"`
				InputSchema struct {
					JSON json.RawMessage `json:"json"`
				} `json:"inputSchema"`
			} `json:"toolSpec"`
		} `json:"tools"`
	} `json:"toolConfig"`
}

// Bedrock starts a server that speaks Bedrock Converse. Point the SDK at it
// with AWS_ENDPOINT_URL_BEDROCK_RUNTIME or the client's BaseEndpoint.
func Bedrock(t testing.TB, script ...Turn) *Server {
	return start(t, func(s *Server) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/model/") || !strings.HasSuffix(r.URL.Path, "/converse") {
				brError(w, http.StatusNotFound, "UnknownOperationException", "no such operation: "+r.Method+" "+r.URL.Path)
				return
			}
			if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
				brError(w, http.StatusForbidden, "UnrecognizedClientException", "the request is not signed")
				return
			}
			var br brRequest
			if err := json.Unmarshal(body, &br); err != nil {
				brError(w, http.StatusBadRequest, "ValidationException", "malformed request: "+err.Error())
				return
			}
			req := &Request{Path: r.URL.Path, Header: r.Header.Clone(), Body: body, ToolSchemas: map[string]json.RawMessage{}}
			for _, sb := range br.System {
				req.System += sb.Text
			}
			if br.InferenceConfig != nil {
				req.MaxTokens = br.InferenceConfig.MaxTokens
			}
			if br.ToolConfig != nil {
				for _, tl := range br.ToolConfig.Tools {
					req.Tools = append(req.Tools, tl.ToolSpec.Name)
					req.ToolSchemas[tl.ToolSpec.Name] = tl.ToolSpec.InputSchema.JSON
				}
			}
			for _, m := range br.Messages {
				msg := Message{Role: m.Role}
				for _, c := range m.Content {
					switch {
					case c.Text != nil:
						msg.Text += *c.Text
					case c.ToolUse != nil:
						msg.ToolCalls = append(msg.ToolCalls, Call{ID: c.ToolUse.ToolUseID, Name: c.ToolUse.Name, Input: string(c.ToolUse.Input)})
					case c.ToolResult != nil:
						res := Result{ID: c.ToolResult.ToolUseID, IsError: c.ToolResult.Status == "error"}
						for _, tc := range c.ToolResult.Content {
							res.Text += tc.Text
						}
						msg.ToolResults = append(msg.ToolResults, res)
					}
				}
				req.Messages = append(req.Messages, msg)
			}
			reply, ok := s.next(req)
			if !ok {
				brError(w, http.StatusInternalServerError, "InternalServerException", "script exhausted")
				return
			}
			if reply.Status != 0 && reply.Status != http.StatusOK {
				brError(w, reply.Status, reply.ErrorType, reply.Text)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			if reply.RawBody != "" {
				io.WriteString(w, reply.RawBody)
				return
			}
			var content []map[string]any
			if reply.Text != "" {
				content = append(content, map[string]any{"text": reply.Text})
			}
			stop := "end_turn"
			for i, c := range reply.ToolCalls {
				id := c.ID
				if id == "" {
					id = fmt.Sprintf("tooluse_%d_%d", len(s.Requests()), i)
				}
				content = append(content, map[string]any{"toolUse": map[string]any{"toolUseId": id, "name": c.Name, "input": json.RawMessage(c.Input)}})
				stop = "tool_use"
			}
			json.NewEncoder(w).Encode(map[string]any{
				"output":     map[string]any{"message": map[string]any{"role": "assistant", "content": content}},
				"stopReason": stop,
				"usage":      map[string]any{"inputTokens": len(body) / 4, "outputTokens": len(reply.Text) / 4, "totalTokens": (len(body) + len(reply.Text)) / 4},
				"metrics":    map[string]any{"latencyMs": 1},
			})
		}
	}, script)
}

func brError(w http.ResponseWriter, status int, typ, msg string) {
	if typ == "" {
		typ = "ValidationException"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// ---- OpenAI chat completions ----

type oaRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role       string  `json:"role"`
		Content    *string `json:"content"`
		ToolCallID string  `json:"tool_call_id"`
		ToolCalls  []struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			Function struct {
				Name      string `json:"name"`
				Arguments string `json:"arguments"`
			} `json:"function"`
		} `json:"tool_calls"`
	} `json:"messages"`
	Tools []struct {
		Type     string `json:"type"`
		Function struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
	MaxTokens int `json:"max_tokens"`
}

// OpenAI starts a server that speaks chat completions; its URL is the base
// URL (no /v1).
func OpenAI(t testing.TB, script ...Turn) *Server {
	return start(t, func(s *Server) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Method != http.MethodPost || r.URL.Path != "/chat/completions" {
				oaError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
				return
			}
			var or oaRequest
			if err := json.Unmarshal(body, &or); err != nil {
				oaError(w, http.StatusBadRequest, "malformed request: "+err.Error())
				return
			}
			req := &Request{Path: r.URL.Path, Header: r.Header.Clone(), Body: body, MaxTokens: or.MaxTokens, ToolSchemas: map[string]json.RawMessage{}}
			for _, tl := range or.Tools {
				if tl.Type != "function" {
					oaError(w, http.StatusBadRequest, "tools[].type must be function")
					return
				}
				req.Tools = append(req.Tools, tl.Function.Name)
				req.ToolSchemas[tl.Function.Name] = tl.Function.Parameters
			}
			for _, m := range or.Messages {
				text := ""
				if m.Content != nil {
					text = *m.Content
				}
				switch m.Role {
				case "system":
					req.System += text
				case "tool":
					res := Result{ID: m.ToolCallID, Text: text, IsError: strings.HasPrefix(text, "ERROR: ")}
					req.Messages = append(req.Messages, Message{Role: "tool", ToolResults: []Result{res}})
				default:
					msg := Message{Role: m.Role, Text: text}
					for _, tc := range m.ToolCalls {
						msg.ToolCalls = append(msg.ToolCalls, Call{ID: tc.ID, Name: tc.Function.Name, Input: tc.Function.Arguments})
					}
					req.Messages = append(req.Messages, msg)
				}
			}
			reply, ok := s.next(req)
			if !ok {
				oaError(w, http.StatusInternalServerError, "script exhausted")
				return
			}
			if reply.Status != 0 && reply.Status != http.StatusOK {
				oaError(w, reply.Status, reply.Text)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			if reply.RawBody != "" {
				io.WriteString(w, reply.RawBody)
				return
			}
			msg := map[string]any{"role": "assistant", "content": reply.Text}
			finish := "stop"
			if len(reply.ToolCalls) > 0 {
				var tcs []map[string]any
				for i, c := range reply.ToolCalls {
					id := c.ID
					if id == "" {
						id = fmt.Sprintf("call_%d_%d", len(s.Requests()), i)
					}
					tcs = append(tcs, map[string]any{"id": id, "type": "function", "function": map[string]any{"name": c.Name, "arguments": c.Input}})
				}
				msg["tool_calls"] = tcs
				if reply.Text == "" {
					msg["content"] = nil
				}
				finish = "tool_calls"
			}
			json.NewEncoder(w).Encode(map[string]any{
				"id": "chatcmpl-test", "object": "chat.completion", "model": or.Model,
				"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
				"usage":   map[string]any{"prompt_tokens": len(body) / 4, "completion_tokens": len(reply.Text) / 4},
			})
		}
	}, script)
}

func oaError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}

// Env is what AWSEnv needs of a test.
type Env interface {
	Setenv(key, value string)
	TempDir() string
}

// AWSEnv points the AWS SDK at a Bedrock server at endpoint with static
// test credentials in ap-northeast-1, and hides every other AWS setting of
// the machine (profiles, config files, instance metadata, CA bundle).
func AWSEnv(t Env, endpoint string) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIAVIGILTESTKEY0001", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "ap-northeast-1", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "", "AWS_ENDPOINT_URL": "",
		"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": endpoint, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "",
	} {
		t.Setenv(k, v)
	}
}
