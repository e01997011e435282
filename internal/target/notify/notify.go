// Package notify is the notify target type: it explains the event it
// receives (with the process's engine, in the notifier's language) and
// sends it to a configured notifier. Follow-ups about the same incident
// (the same Security Hub or GuardDuty finding, the same alarm, the same
// notification group) share a thread: Slack replies in the first message's
// thread, email marks them as replies.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	nnotify "github.com/vigilhq/vigil/internal/notify"
	nwebhook "github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/target"
)

// Config is a notify target's own fields.
type Config struct {
	// Notifier names the notifier (in notifiers:) the target sends to.
	Notifier string `yaml:"notifier"`
	// Lang overrides the notifier's language for this target.
	Lang string `yaml:"lang"`
	// Docs overrides explain.docs: auto, on or off.
	Docs string `yaml:"docs"`
}

// Type registers the notify target type.
var Type = target.Type{Name: "notify", Config: &Config{}, New: New}

// New builds a notify target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	if c.Notifier == "" {
		return nil, s.Errorf("notifier", "required: the name of a notifier in notifiers:")
	}
	n := d.Notifiers[c.Notifier]
	if n == nil {
		return nil, s.Errorf("notifier", "no notifier is named %q", c.Notifier)
	}
	if err := target.CheckLang(c.Lang); err != nil {
		return nil, s.Errorf("lang", "%v", err)
	}
	if _, err := explain.ParseDocsPolicy(c.Docs); err != nil {
		return nil, s.Errorf("docs", "%v", err)
	}
	opts := target.ExplainOptions(d.Config, c.Lang, c.Docs, n.Lang)
	var publicURL string
	if d.Config != nil {
		publicURL = d.Config.Server.PublicURL
	}
	explainOne := func(ctx context.Context, raw []byte) (*explain.Explanation, *event.Event, error) {
		ev, err := event.Parse(raw)
		if err != nil {
			return nil, nil, err
		}
		x, err := d.Explain.Explain(ctx, ev, opts)
		return x, ev, err
	}
	return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
		m, err := Message(ctx, dl, opts.Lang, explainOne)
		if err != nil {
			return true, err // the engine failed: a later attempt may do better
		}
		m.Links = timelineLinks(publicURL, dl.Payload, opts.Lang)
		return n.Notifier.Notify(nwebhook.WithAttempt(ctx, dl.Attempt), m)
	}), nil
}

// maxGroupLines bounds the events a grouped notification lists.
const maxGroupLines = 30

// Message turns a delivery into a notification: one event is explained by
// explainOne (the configured engine); a group's flush (a JSON array) is
// listed one event a line, each line from the built-in engine; anything
// else (a transformed input) is sent as text.
func Message(ctx context.Context, d target.Delivery, lng lang.Lang, explainOne func(context.Context, []byte) (*explain.Explanation, *event.Event, error)) (nnotify.Message, error) {
	m := nnotify.Message{ID: d.ID, Lang: lng}
	p := bytes.TrimSpace(d.Payload)
	switch {
	case d.Group != "":
		var items []json.RawMessage
		if err := json.Unmarshal(p, &items); err != nil {
			return m, fmt.Errorf("notify: grouped payload: %w", err)
		}
		// The group is the incident.
		m.Thread = "group/" + d.Group
		var lines []string
		first := ""
		for i, raw := range items {
			if i == maxGroupLines {
				lines = append(lines, fmt.Sprintf(nnotify.Label(lng, "more"), len(items)-i))
				break
			}
			x, _, err := explainRaw(ctx, raw, lng)
			if err != nil {
				lines = append(lines, "• "+oneLine(string(raw)))
				continue
			}
			if first == "" {
				first = x.Title
			}
			lines = append(lines, "• "+line(x))
		}
		m.Subject = fmt.Sprintf(nnotify.Label(lng, "group"), len(items), first)
		m.Text = strings.Join(lines, "\n")
	case len(p) > 0 && p[0] == '{':
		x, ev, err := explainOne(ctx, p)
		if err != nil && ev != nil {
			// The event is fine but the engine failed (explain.strict).
			return m, err
		}
		if err != nil {
			m.Text = string(p) // not an event: send what the target received
			return m, nil
		}
		m.Explanation = x
		m.Thread = incidentKey(x, ev)
	default:
		var s string
		if json.Unmarshal(p, &s) != nil {
			s = string(p)
		}
		m.Text = s
	}
	return m, nil
}

func explainRaw(ctx context.Context, raw []byte, lng lang.Lang) (*explain.Explanation, *event.Event, error) {
	ev, err := event.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	x, err := explain.Builtin{}.Explain(ctx, ev, explain.Options{Lang: lng})
	return x, ev, err
}

// incidentKey names what an event is about, so its follow-ups share a
// thread: the finding, else the alarm or rule and the resources.
func incidentKey(x *explain.Explanation, ev *event.Event) string {
	if len(x.Facts) > 0 {
		f := x.Facts[0]
		if f.FindingID != "" {
			return "finding/" + f.FindingID
		}
		if f.Code.Value != "" {
			k := string(f.Kind) + "/" + string(f.Code.Kind) + "/" + f.Code.Value
			for _, r := range f.Resources {
				k += "/" + r.ID
			}
			return k
		}
	}
	if len(ev.Resources) > 0 {
		return ev.Source + "/" + strings.Join(ev.Resources, ",")
	}
	return "event/" + ev.ID
}

func line(x *explain.Explanation) string {
	s := x.Title
	if x.Severity != "" {
		s = "[" + string(x.Severity) + "] " + s
	}
	if len(x.Facts) > 0 && len(x.Facts[0].Resources) > 0 {
		s += " — " + x.Facts[0].Resources[0].ID
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s, _ = nnotify.TruncateRunes(s, 200)
	return s
}
