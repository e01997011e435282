package llm

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/internal/explain/llm/chat"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/explain/llm/openai"
)

// NewModel returns the chat model cfg names (Engine, Model, Region,
// Endpoint, APIKey), for callers that run their own tool loop with
// chat.Run (vigil ask); nil for the built-in engine. It contacts nothing.
func NewModel(ctx context.Context, cfg Config, deps Deps) (chat.Model, error) {
	switch strings.ToLower(strings.TrimSpace(cfg.Engine)) {
	case "", "builtin":
		return nil, nil
	case "bedrock":
		return newBedrock(ctx, cfg, deps)
	case "openai":
		return openai.New(openai.Options{BaseURL: cfg.Endpoint, Model: cfg.Model, APIKey: cfg.APIKey, HTTPClient: deps.HTTPClient})
	}
	return nil, fmt.Errorf("engine %q is unknown: use builtin, bedrock or openai", cfg.Engine)
}

// Docs returns the engine's AWS documentation client (nil when lookups
// are off), so that other parts of the process share its session and its
// spacing of requests to a rate-limited server.
func (e *LLM) Docs() *mcpdocs.Client { return e.docs }
