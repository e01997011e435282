package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain/llm"
)

// DefaultDocsInterval spaces requests to the AWS Knowledge MCP server, which
// allows about one request per 15 seconds per client.
const DefaultDocsInterval = 15 * time.Second

// ExplainConfig turns the configuration's explain: section into the
// engine's configuration; the API key is read with resolve.
func ExplainConfig(ctx context.Context, x config.Explain, resolve func(context.Context, string) (string, error)) (llm.Config, error) {
	ec := llm.Config{
		Engine:          x.Engine,
		Model:           x.Model,
		Region:          x.Region,
		Endpoint:        x.BaseURL,
		MaxTokens:       x.MaxTokens,
		Timeout:         x.Timeout.D(),
		Fallback:        !x.Strict,
		DocsURL:         x.DocsURL,
		NoDocs:          x.Docs == "off",
		CacheDir:        x.CacheDir,
		DocsMinInterval: x.DocsInterval.D(),
	}
	if ec.DocsMinInterval == 0 {
		ec.DocsMinInterval = DefaultDocsInterval
	}
	if x.APIKey != "" {
		key, err := resolve(ctx, string(x.APIKey))
		if err != nil {
			return ec, fmt.Errorf("explain.api_key: %w", err)
		}
		ec.APIKey = key
	}
	return ec, nil
}
