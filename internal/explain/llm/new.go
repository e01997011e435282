package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/explain/llm/bedrock"
	"github.com/vigilhq/vigil/internal/explain/llm/chat"
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
	// Region is the Bedrock region; the AWS provider's default when empty.
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
	// documentation under explain.DocsAuto: DefaultDocsSources when nil.
	DocsSources []event.Kind
}

// Deps are what an engine uses that the process owns: passed in by the
// composition root, never fetched.
type Deps struct {
	// Logger receives warnings (documentation server trouble) and debug
	// messages; none when nil. Event text and secrets are never logged.
	Logger *slog.Logger
	// AWS provides the AWS configuration for Bedrock (region,
	// credentials, endpoint). Required for the bedrock engine only.
	AWS *awsx.Provider
	// HTTPClient is used for the OpenAI-compatible API and the MCP server
	// when not nil. (Bedrock uses the AWS configuration's client.)
	HTTPClient *http.Client
}

// DefaultDocsSources are the kinds of event that consult the AWS
// documentation by default, as the system vigil replaces did.
var DefaultDocsSources = []event.Kind{event.KindSecurityHub, event.KindHealth}

// Engine is an explanation engine that a process builds once and closes
// when it stops.
type Engine interface {
	explain.Engine
	// Close ends the documentation session, if any.
	Close() error
	// Collectors are the engine's Prometheus collectors (grounding
	// violations, refused tool calls, documentation lookups, answers), for
	// the server to register. The built-in engine has them too, at zero.
	Collectors() []prometheus.Collector
}

// New returns the engine cfg describes: the built-in engine, or an LLM
// engine that explains with Amazon Bedrock or an OpenAI-compatible API. It
// checks the configuration but contacts nothing; call it once per process
// and Close the engine when done.
func New(ctx context.Context, cfg Config, deps Deps) (Engine, error) {
	name := strings.ToLower(strings.TrimSpace(cfg.Engine))
	var (
		m   chat.Model
		err error
	)
	switch name {
	case "", "builtin":
		return &builtin{metrics: newMetrics("")}, nil
	case "bedrock":
		m, err = newBedrock(ctx, cfg, deps)
	case "openai":
		m, err = openai.New(openai.Options{BaseURL: cfg.Endpoint, Model: cfg.Model, APIKey: cfg.APIKey, HTTPClient: deps.HTTPClient})
	default:
		return nil, fmt.Errorf("engine %q is unknown: use builtin, bedrock or openai", cfg.Engine)
	}
	if err != nil {
		return nil, err
	}
	return newLLM(name, m, cfg, deps), nil
}

func newBedrock(ctx context.Context, cfg Config, deps Deps) (chat.Model, error) {
	if deps.AWS == nil {
		return nil, errors.New("bedrock: no AWS configuration was given to the engine")
	}
	ac, err := deps.AWS.Region(ctx, cfg.Region)
	if errors.Is(err, awsx.ErrNoRegion) {
		return nil, bedrock.ErrNoRegion
	}
	if err != nil {
		return nil, fmt.Errorf("bedrock: loading the AWS configuration: %w", err)
	}
	return bedrock.New(ac, bedrock.Options{Model: cfg.Model, Endpoint: cfg.Endpoint})
}

// builtin is the built-in engine as an Engine: nothing to close, counters
// that stay at zero.
type builtin struct {
	explain.Builtin
	*metrics
}

func (*builtin) Close() error { return nil }
