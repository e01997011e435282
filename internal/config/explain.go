package config

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Explain chooses how vigil explains events: for summarize and notify
// targets, and for POST /invocations.
type Explain struct {
	// Engine is builtin (the default: offline, deterministic), bedrock or
	// openai (any OpenAI-compatible chat-completions API).
	Engine string `yaml:"engine"`
	// Lang is the default language of explanations: en (the default) or ja.
	// A notifier's or a target's lang takes precedence.
	Lang string `yaml:"lang"`
	// Model is the Bedrock model id (default jp.amazon.nova-2-lite-v1:0) or
	// the OpenAI-compatible model name (required for openai).
	Model string `yaml:"model"`
	// Region is the Bedrock region (default: the AWS SDK's).
	Region string `yaml:"region"`
	// BaseURL is the OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1
	// for Ollama; for bedrock it overrides the Bedrock Runtime endpoint.
	BaseURL string `yaml:"base_url"`
	// APIKey refers to the OpenAI-compatible API key (env:NAME or
	// secretsmanager:ID[#key]).
	APIKey secrets.Ref `yaml:"api_key"`
	// MaxTokens bounds each model answer (default 2048).
	MaxTokens int `yaml:"max_tokens"`
	// Timeout bounds one explanation, documentation lookups included
	// (default 2m).
	Timeout Duration `yaml:"timeout"`
	// Strict makes a model failure fail the delivery (it is retried) instead
	// of sending the built-in explanation with a note.
	Strict bool `yaml:"strict"`
	// Docs is when an LLM engine consults the AWS documentation over MCP:
	// auto (the default: Security Hub and AWS Health), on or off. A target's
	// docs overrides it.
	Docs string `yaml:"docs"`
	// DocsURL is the documentation MCP server (default: the AWS Knowledge
	// MCP server, https://knowledge-mcp.global.api.aws).
	DocsURL string `yaml:"docs_url"`
	// CacheDir keeps documentation lookups on disk across restarts.
	CacheDir string `yaml:"cache_dir"`
	// DocsInterval spaces requests to the documentation server (default
	// 15s: the AWS Knowledge MCP server allows about one request per 15 s).
	DocsInterval Duration `yaml:"docs_interval"`
}

func checkDocs(s string) error {
	switch s {
	case "", "auto", "on", "off":
		return nil
	}
	return fmt.Errorf("want auto, on or off, got %q", s)
}

func (c *Config) validateExplain(bad func(path, format string, args ...any)) {
	x := &c.Explain
	switch x.Engine {
	case "", "builtin", "bedrock":
	case "openai":
		if x.Model == "" {
			bad("explain.model", "required with engine openai: the model name, e.g. gpt-4o-mini or llama3.1")
		}
	default:
		bad("explain.engine", "want builtin, bedrock or openai, got %q", x.Engine)
	}
	if err := checkLang(x.Lang); err != nil {
		bad("explain.lang", "%v", err)
	}
	if err := checkDocs(x.Docs); err != nil {
		bad("explain.docs", "%v", err)
	}
	if x.APIKey != "" {
		if err := x.APIKey.Check(); err != nil {
			bad("explain.api_key", "%v", err)
		}
	}
	if x.MaxTokens < 0 {
		bad("explain.max_tokens", "must not be negative, got %d", x.MaxTokens)
	}
}
