package explain

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/explain/llm/bedrock"
	"github.com/vigilhq/vigil/internal/explain/llm/openai"
)

// Config chooses and configures an engine. The zero Config is the built-in
// engine; the LLM engines read only the fields that concern them.
type Config struct {
	// Engine is "builtin" (the default), "bedrock" or "openai".
	Engine string
	// Model is the Bedrock model id or inference profile (default
	// bedrock.DefaultModel, jp.amazon.nova-2-lite-v1:0), or the
	// OpenAI-compatible model name (required).
	Model string
	// Region is the Bedrock region; the AWS SDK's default chain when empty.
	Region string
	// Endpoint overrides the Bedrock Runtime endpoint, or is the base URL
	// of an OpenAI-compatible API (default https://api.openai.com/v1).
	Endpoint string
	// APIKey is the OpenAI-compatible API key. It is never logged nor
	// written into an error or an explanation.
	APIKey string
	// MaxTokens bounds each model answer; 2048 when 0.
	MaxTokens int
	// Timeout bounds one explanation, tool calls included; 2 minutes when 0.
	Timeout time.Duration
	// Fallback makes a model failure (unreachable, refused, malformed)
	// return the built-in explanation with a note instead of an error. A
	// malformed or endless answer always falls back.
	Fallback bool

	// DocsURL is the AWS documentation MCP server (Streamable HTTP);
	// https://knowledge-mcp.global.api.aws (the AWS Knowledge MCP server)
	// when empty.
	DocsURL string
	// NoDocs turns the documentation lookup off for every event.
	NoDocs bool
	// CacheDir keeps documentation lookups on disk across runs; no disk
	// cache when empty.
	CacheDir string
	// DocsBackoff is the first wait after the documentation server's
	// rate-limit error; 15 s when 0.
	DocsBackoff time.Duration
	// DocsMinInterval spaces requests to the documentation server; 0 sends
	// them as they come and relies on the backoff. The AWS Knowledge MCP
	// server allows about one request per 15 s per client: a busy pipeline
	// sets 15 s, and explanations that cannot wait say they used built-in
	// knowledge instead.
	DocsMinInterval time.Duration
	// DocsSources are the kinds of event whose explanations consult the
	// documentation under DocsAuto: Security Hub and AWS Health when nil
	// (other sources, such as CloudWatch alarms with in-house runbooks, are
	// summarised only).
	DocsSources []event.Kind

	// HTTPClient is used for the OpenAI-compatible API and the MCP server
	// when not nil. (Bedrock uses the AWS SDK's client.)
	HTTPClient *http.Client
	// Logger receives warnings (documentation server trouble) and debug
	// messages; none when nil. Event text and secrets are never logged.
	Logger *slog.Logger
}

// DefaultDocsSources are the kinds of event that consult the AWS
// documentation by default, as the system vigil replaces did.
var DefaultDocsSources = []event.Kind{event.KindSecurityHub, event.KindHealth}

// DocsPolicy says whether an explanation consults the AWS documentation.
type DocsPolicy string

// Documentation policies, per explanation (Options.Docs), e.g. per rule.
const (
	DocsAuto DocsPolicy = ""    // by source: Config.DocsSources
	DocsOn   DocsPolicy = "on"  // consult the documentation
	DocsOff  DocsPolicy = "off" // summarise only
)

// ParseDocsPolicy accepts auto (or ""), on or off.
func ParseDocsPolicy(s string) (DocsPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return DocsAuto, nil
	case "on", "true", "yes":
		return DocsOn, nil
	case "off", "false", "no":
		return DocsOff, nil
	}
	return "", fmt.Errorf("docs policy %q is not supported: use auto, on or off", s)
}

// New returns the engine with the given name, configured with defaults and
// the environment (AWS credentials and region for bedrock). Use NewEngine
// to configure an LLM engine.
func New(name string) (Engine, error) {
	return NewEngine(context.Background(), Config{Engine: name})
}

// NewEngine returns the engine cfg describes. It checks the configuration
// but contacts nothing; an LLM engine holds a documentation session, so
// close it (it implements io.Closer) when done.
func NewEngine(ctx context.Context, cfg Config) (Engine, error) {
	name := strings.ToLower(strings.TrimSpace(cfg.Engine))
	var (
		m   llm.Model
		err error
	)
	switch name {
	case "", "builtin":
		return Builtin{}, nil
	case "bedrock":
		m, err = bedrock.New(ctx, bedrock.Options{Model: cfg.Model, Region: cfg.Region, Endpoint: cfg.Endpoint})
	case "openai":
		m, err = openai.New(openai.Options{BaseURL: cfg.Endpoint, Model: cfg.Model, APIKey: cfg.APIKey, HTTPClient: cfg.HTTPClient})
	default:
		return nil, fmt.Errorf("engine %q is unknown: use builtin, bedrock or openai", cfg.Engine)
	}
	if err != nil {
		return nil, err
	}
	return newLLM(name, m, cfg), nil
}
