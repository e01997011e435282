package kb

import (
	"context"
	"log/slog"
	"slices"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
)

// SectionPolicies is the section of an explanation that quotes the
// organisation's policy documents about the explained finding's control.
const SectionPolicies explain.SectionKind = "policies"

// maxPolicyHits bounds the sections quoted for one explanation.
const maxPolicyHits = 3

// CitingEngine returns engine adding to each explanation of a Security Hub
// control finding the sections of the policy documents about that control
// (a document that names it in its text or lists it in its front matter
// `controls:`), each quoted with its document and heading. An explanation
// never fails because the documents cannot be searched: it is given
// without them and the failure is logged. With no base it returns engine.
func CitingEngine(engine explain.Engine, b *Base, log *slog.Logger) explain.Engine {
	if b == nil || engine == nil {
		return engine
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &citingEngine{Engine: engine, b: b, log: log}
}

// Uncited returns the engine CitingEngine wrapped, or e itself.
func Uncited(e explain.Engine) explain.Engine {
	if c, ok := e.(*citingEngine); ok {
		return c.Engine
	}
	return e
}

type citingEngine struct {
	explain.Engine
	b   *Base
	log *slog.Logger
}

// Model is the wrapped engine's model, so that explanations are kept by
// the model that made them (explain.NewCacheKey).
func (c *citingEngine) Model() string {
	if m, ok := c.Engine.(interface{ Model() string }); ok {
		return m.Model()
	}
	return ""
}

func (c *citingEngine) Explain(ctx context.Context, ev *event.Event, opts explain.Options) (*explain.Explanation, error) {
	x, err := c.Engine.Explain(ctx, ev, opts)
	if err != nil || x == nil {
		return x, err
	}
	var controls []string
	for _, f := range x.Facts {
		if f.Code.Kind == explain.CodeControl && f.Code.Value != "" && !slices.Contains(controls, f.Code.Value) {
			controls = append(controls, f.Code.Value)
		}
	}
	var quotes []explain.Quote
	var seen []Citation
	for _, id := range controls {
		hits, err := c.b.Search(ctx, id, maxPolicyHits)
		if err != nil {
			c.log.Warn("policy documents not searched for an explanation", "control", id, "error", err.Error())
			break
		}
		for _, h := range hits {
			// A section without text (a document's title above its
			// first heading) has nothing to quote.
			if len(quotes) == maxPolicyHits || h.Snippet == "" || slices.Contains(seen, h.Citation) {
				continue
			}
			seen = append(seen, h.Citation)
			quotes = append(quotes, explain.Quote{Label: h.Path + " › " + h.Heading, Text: h.Snippet})
		}
	}
	if len(quotes) == 0 {
		return x, nil
	}
	y := *x
	y.Sections = append(slices.Clip(x.Sections), explain.Section{Kind: SectionPolicies, Title: policiesTitle(x.Lang), Quotes: quotes})
	return &y, nil
}

// policiesTitle is the title of SectionPolicies.
func policiesTitle(l lang.Lang) string {
	if l == lang.JA {
		return "社内規程"
	}
	return "Your organisation's policies"
}
