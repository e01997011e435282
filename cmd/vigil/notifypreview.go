package main

import (
	"context"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/target"
	targetnotify "github.com/vigilhq/vigil/internal/target/notify"
)

// notifyPreview is the message a notify target would send, as vigil process
// shows it.
type notifyPreview struct {
	Notifier string `json:"notifier"`
	Lang     string `json:"lang"`
	// Engine is the engine that wrote the explanation here, "" when the
	// message is not an explanation (a transformed input): always the
	// built-in one, since a dry run never calls a model.
	Engine  string `json:"engine,omitempty"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// previewNotify returns the message the notify target of out would send
// for its payload, in the notifier's language, made the way the target
// makes it (one event explained, a transformed input sent as text), or nil
// when out is not a notify target that receives something.
func previewNotify(ctx context.Context, cfg *config.Config, rule string, out *route.Output) (*notifyPreview, error) {
	if out.Type != "notify" || !out.Deliver {
		return nil, nil
	}
	var c targetnotify.Config
	if err := out.TargetConfig().Spec.Decode(&c, "notify target"); err != nil {
		return nil, nil // the pipeline has checked it
	}
	nc := cfg.Notifier(c.Notifier)
	if nc == nil {
		return nil, nil
	}
	opts := target.ExplainOptions(cfg, c.Lang, c.Docs, lang.Lang(nc.Lang))
	builtin := func(ctx context.Context, raw []byte) (*explain.Explanation, *event.Event, error) {
		ev, err := event.Parse(raw)
		if err != nil {
			return nil, nil, err
		}
		x, err := explain.Builtin{}.Explain(ctx, ev, opts)
		return x, ev, err
	}
	d := target.Delivery{Rule: rule, Target: out.Target, Attempt: 1, Payload: out.Payload}
	m, err := targetnotify.Message(ctx, d, opts.Lang, builtin)
	if err != nil {
		return nil, err
	}
	p := &notifyPreview{Notifier: c.Notifier, Lang: string(opts.Lang), Subject: m.Title(), Text: m.Text}
	if p.Text == "" && m.Explanation != nil {
		p.Text, p.Engine = string(explain.RenderText(m.Explanation)), explain.Builtin{}.Name()
	}
	p.Text = strings.TrimRight(p.Text, "\n")
	return p, nil
}
