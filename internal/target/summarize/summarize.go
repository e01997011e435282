// Package summarize is the summarize target type: it explains the event it
// receives with the process's engine, in its language, and keeps the
// explanation with the event in the database (GET /explanations/{id}).
package summarize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// Config is a summarize target's own fields.
type Config struct {
	// Lang is the explanation's language (default: explain.lang).
	Lang string `yaml:"lang"`
	// Docs overrides explain.docs for this target: auto, on or off.
	Docs string `yaml:"docs"`
}

// Type registers the summarize target type.
var Type = target.Type{Name: "summarize", Config: &Config{}, New: New}

// errNotAnEvent says a summarize target was given a transformed input.
var errNotAnEvent = errors.New("summarize: the target received something other than an event; remove its input, input_path or input_transformer")

// New builds a summarize target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	t := s.Target
	if t.Input != "" || t.InputPath != "" || t.InputTransformer != nil {
		return nil, s.Errorf("", "a summarize target explains the event itself: remove input, input_path and input_transformer")
	}
	if len(t.GroupBy) > 0 {
		return nil, s.Errorf("group_by", "a summarize target explains events one at a time: remove group_by")
	}
	if err := target.CheckLang(c.Lang); err != nil {
		return nil, s.Errorf("lang", "%v", err)
	}
	if _, err := explain.ParseDocsPolicy(c.Docs); err != nil {
		return nil, s.Errorf("docs", "%v", err)
	}
	opts := target.ExplainOptions(d.Config, c.Lang, c.Docs, "")
	return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
		raw := bytes.TrimSpace(dl.Payload)
		if len(raw) == 0 || raw[0] != '{' {
			return false, errNotAnEvent
		}
		ev, err := event.Parse(raw)
		if err != nil {
			return false, err // an unreadable event does not get better
		}
		x, err := d.Explain.Explain(ctx, ev, opts)
		if err != nil {
			return retryable(err), err
		}
		if d.Store == nil {
			return false, nil // nowhere to keep it (vigil process --deliver)
		}
		var body bytes.Buffer
		if err := explain.Render(&body, x, explain.JSON); err != nil {
			return false, err
		}
		rec := &store.Explanation{EventID: ev.ID, Rule: dl.Rule, Target: dl.Target, Lang: string(opts.Lang), Engine: x.Engine, CreatedAt: time.Now(), Body: body.Bytes()}
		if err := store.PutExplanation(ctx, d.Store.Q(), rec); err != nil {
			return true, fmt.Errorf("summarize: storing the explanation of %s: %w", ev.ID, err)
		}
		d.Logger.Debug("explained", "event_id", ev.ID, "rule", dl.Rule, "target", dl.Target, "engine", x.Engine, "title", x.Title)
		return false, nil
	}), nil
}

// retryable tells whether a failed explanation may succeed later. A model
// that throttles, fails on its side or cannot be reached may answer later;
// one that refuses the request (a bad key, an unknown model: a 4xx other
// than 408 and 429) or a destination the network policy forbids will not,
// and goes to the dead letters at once instead of using the retry budget.
func retryable(err error) bool {
	if errors.Is(err, netguard.ErrRefused) {
		return false
	}
	var t interface{ Temporary() bool } // the model's errors (llm/chat.Error)
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}
