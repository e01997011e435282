// Package summarize explains events for the pipeline. It owns the process's
// explanation engine, chosen by the configuration's explain: section
// (built-in, Amazon Bedrock or an OpenAI-compatible API), which notify
// targets and POST /invocations share, and the summarize target type, which
// explains the event it receives and keeps the explanation with the event in
// the database. Import it for its side effect of registering the target.
package summarize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
)

func init() {
	route.Register("summarize", newTarget)
}

// DefaultDocsInterval spaces requests to the AWS Knowledge MCP server, which
// allows about one request per 15 seconds per client.
const DefaultDocsInterval = 15 * time.Second

var (
	enginesMu sync.Mutex
	engines   = map[*config.Config]explain.Engine{}
)

// Engine returns the explanation engine cfg chooses, built once per
// configuration and shared by every target of the process. Model failures
// fall back to the built-in explanation with a note unless explain.strict is
// set.
func Engine(ctx context.Context, cfg *config.Config) (explain.Engine, error) {
	enginesMu.Lock()
	defer enginesMu.Unlock()
	if e, ok := engines[cfg]; ok {
		return e, nil
	}
	x := cfg.Explain
	ec := explain.Config{
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
		Logger:          slog.Default(),
	}
	if ec.DocsMinInterval == 0 {
		ec.DocsMinInterval = DefaultDocsInterval
	}
	if x.APIKey != "" {
		key, err := x.APIKey.Resolve(ctx)
		if err != nil {
			return nil, fmt.Errorf("explain.api_key: %w", err)
		}
		ec.APIKey = key
	}
	e, err := explain.NewEngine(ctx, ec)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	engines[cfg] = e
	return e, nil
}

// Options returns the explanation options for a target: its lang, else
// fallback (a notifier's), else explain.lang; its docs, else explain.docs.
func Options(cfg *config.Config, t *config.Target, fallback string) explain.Options {
	lang := cfg.Explain.Lang
	if fallback != "" {
		lang = fallback
	}
	docs := cfg.Explain.Docs
	if t != nil {
		if t.Lang != "" {
			lang = t.Lang
		}
		if t.Docs != "" {
			docs = t.Docs
		}
	}
	o := explain.Options{Lang: explain.EN}
	if l, err := explain.ParseLang(lang); err == nil && lang != "" {
		o.Lang = l
	}
	if d, err := explain.ParseDocsPolicy(docs); err == nil {
		o.Docs = d
	}
	return o
}

// Explain parses an event and explains it with the configured engine.
func Explain(ctx context.Context, cfg *config.Config, raw []byte, o explain.Options) (*explain.Explanation, *event.Event, error) {
	ev, err := event.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	eng, err := Engine(ctx, cfg)
	if err != nil {
		return nil, ev, err
	}
	x, err := eng.Explain(ctx, ev, o)
	return x, ev, err
}

// errNotAnEvent says a summarize target was given a transformed input.
var errNotAnEvent = errors.New("summarize: the target received something other than an event; remove its input, input_path or input_transformer")

func newTarget(cfg *config.Config, t *config.Target, path string) (route.Sender, error) {
	if t.Input != "" || t.InputPath != "" || t.InputTransformer != nil {
		return nil, cfg.Errorf(path, "a summarize target explains the event itself: remove input, input_path and input_transformer")
	}
	if len(t.GroupBy) > 0 {
		return nil, cfg.Errorf(path+".group_by", "a summarize target explains events one at a time: remove group_by")
	}
	opts := Options(cfg, t, "")
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		raw := bytes.TrimSpace(d.Payload)
		if len(raw) == 0 || raw[0] != '{' {
			return false, errNotAnEvent
		}
		x, ev, err := Explain(ctx, cfg, raw, opts)
		if err != nil {
			// A failing model is worth retrying; an unreadable event is not.
			return ev != nil, err
		}
		var body bytes.Buffer
		if err := explain.Render(&body, x, explain.JSON); err != nil {
			return false, err
		}
		st, err := store.Shared(ctx, cfg.Database)
		if err != nil {
			return true, fmt.Errorf("summarize: %w", err)
		}
		rec := &store.Explanation{EventID: ev.ID, Rule: d.Rule, Target: d.Target, Lang: string(opts.Lang), Engine: x.Engine, CreatedAt: time.Now(), Body: body.Bytes()}
		if err := store.PutExplanation(ctx, st.Q(), rec); err != nil {
			return true, fmt.Errorf("summarize: storing the explanation of %s: %w", ev.ID, err)
		}
		slog.DebugContext(ctx, "explained", "event_id", ev.ID, "rule", d.Rule, "target", d.Target, "engine", x.Engine, "title", x.Title)
		return false, nil
	}), nil
}
