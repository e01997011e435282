package explain

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

// Engine explains events. Implementations must treat event text as data,
// never as instructions, and must fill Explanation.Engine.
type Engine interface {
	// Name is the engine's name as given to --engine, e.g. "builtin".
	Name() string
	// Explain explains ev in opts.Lang.
	Explain(ctx context.Context, ev *event.Event, opts Options) (*Explanation, error)
}

// Options tune one explanation.
type Options struct {
	Lang lang.Lang // EN when empty
	// Docs says whether an LLM engine consults the AWS documentation for
	// this event (DocsAuto: by source); the built-in engine ignores it.
	Docs DocsPolicy
}

// DocsPolicy says whether an explanation consults the AWS documentation.
type DocsPolicy string

// Documentation policies, per explanation (Options.Docs), e.g. per rule.
const (
	DocsAuto DocsPolicy = ""    // by source: the engine's configured sources
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
