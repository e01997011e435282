// Package chat is the provider-neutral part of vigil's LLM engines: a
// conversation (messages with text, tool calls and tool results), the Model
// interface that each wire format implements (llm/bedrock for Amazon
// Bedrock Converse, llm/openai for OpenAI-compatible chat completions), and
// a bounded tool loop that only ever runs the tools it offered.
//
// Nothing here knows about events or explanations; package llm builds
// the prompt, offers the read-only documentation tools and checks the answer.
package chat

import (
	"context"
	"encoding/json"
	"fmt"
)

// Role is who wrote a message.
type Role string

// Roles. Tool results travel in a user message, as Bedrock Converse has
// them; the OpenAI wire format turns them into "tool" messages.
const (
	User      Role = "user"
	Assistant Role = "assistant"
)

// Message is one turn of a conversation.
type Message struct {
	Role Role
	// Text is the message's prose; for an assistant message with tool calls
	// it may be empty.
	Text string
	// ToolCalls are the tools an assistant message asks to run.
	ToolCalls []ToolCall
	// ToolResults answer the tool calls of the previous assistant message.
	ToolResults []ToolResult
}

// ToolCall is a model's request to run a tool.
type ToolCall struct {
	ID    string
	Name  string
	Input json.RawMessage // a JSON object
}

// ToolResult is the answer to one ToolCall.
type ToolResult struct {
	CallID  string
	Name    string // the tool's name; the OpenAI wire format does not need it, logs do
	Text    string
	IsError bool
}

// Tool describes a tool offered to the model.
type Tool struct {
	Name        string
	Description string
	// InputSchema is a JSON Schema object for the tool's input.
	InputSchema json.RawMessage
}

// Request is one call to a model.
type Request struct {
	System    string
	Messages  []Message
	Tools     []Tool
	MaxTokens int // 0: the model's default
	// Temperature is sent when not nil; explanations use 0 for repeatable
	// answers.
	Temperature *float32
}

// StopReason says why a model stopped.
type StopReason string

// Stop reasons, normalised across wire formats.
const (
	StopEnd       StopReason = "end"        // a complete answer
	StopToolUse   StopReason = "tool_use"   // the answer asks for tools
	StopMaxTokens StopReason = "max_tokens" // cut at the token limit
	StopFiltered  StopReason = "filtered"   // refused by a content filter or guardrail
	StopOther     StopReason = "other"
)

// Usage counts tokens, when the model reports them.
type Usage struct {
	InputTokens, OutputTokens int
}

// Response is a model's answer to one Request.
type Response struct {
	Message Message // Role is Assistant
	Stop    StopReason
	Usage   Usage
}

// Model is one wire format to one model.
type Model interface {
	// Name names the engine and model for notes and errors, e.g.
	// "bedrock jp.amazon.nova-2-lite-v1:0". It never contains a secret.
	Name() string
	// Converse sends req and returns the model's answer. Errors name the
	// endpoint and model and never contain credentials.
	Converse(ctx context.Context, req *Request) (*Response, error)
}

// Error is an error the model's endpoint returned.
type Error struct {
	Model string // Model.Name()
	// Status is the HTTP status code, 0 when no response was received.
	Status int
	// Retry tells whether trying again later can help (throttling, 5xx,
	// network failures).
	Retry bool
	Err   error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %v", e.Model, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Model, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later can help (Retry): callers
// that must not import this package classify errors by this method.
func (e *Error) Temporary() bool { return e.Retry }
