// Package target plugs vigil's notifiers into the pipeline: it builds each
// configured notifier (notifiers: in the configuration) and registers the
// notify target type, which explains the event it receives (with the engine
// of the configuration's explain: section, in the notifier's language) and
// sends it. The server package imports it for its side effect.
//
// A notify target's follow-ups about the same incident (the same Security
// Hub or GuardDuty finding, the same alarm, the same notification group)
// share a thread: Slack replies in the first message's thread, email marks
// them as replies.
package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/email"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/notify/sns"
	"github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/summarize"
)

func init() {
	route.Register("notify", newNotifyTarget)
}

// Built is a notifier built from the configuration, with its language.
type Built struct {
	Name     string
	Lang     explain.Lang
	Notifier notify.Notifier
}

// Build returns the notifier named name, checking its settings; errors
// carry the configuration file's line.
func Build(cfg *config.Config, name, path string) (*Built, error) {
	nc := cfg.Notifier(name)
	if nc == nil {
		return nil, cfg.Errorf(path, "no notifier is named %q", name)
	}
	i := 0
	for ; i < len(cfg.Notifiers) && cfg.Notifiers[i].Name != name; i++ {
	}
	p := fmt.Sprintf("notifiers[%d]", i)
	lang := explain.EN
	if nc.Lang == "ja" {
		lang = explain.JA
	}
	b := &Built{Name: name, Lang: lang}
	switch {
	case nc.Slack != nil:
		s := nc.Slack
		n := &slack.Notifier{Token: s.Token, Channel: s.Channel, WebhookURL: s.WebhookURL, APIURL: s.APIURL}
		if s.Token != "" {
			n.Threads = &lazyThreads{dsn: cfg.Database}
		}
		b.Notifier = n
	case nc.Email != nil:
		e := nc.Email
		n := &email.Notifier{Addr: e.SMTP, Security: e.Security, Username: e.Username, Password: e.Password, From: e.From, To: e.To, Cc: e.Cc}
		if err := n.Check(); err != nil {
			return nil, cfg.Errorf(p+".email", "%v", err)
		}
		b.Notifier = n
	case nc.SNS != nil:
		n := &sns.Notifier{TopicARN: nc.SNS.TopicARN}
		if err := n.Check(); err != nil {
			return nil, cfg.Errorf(p+".sns", "%v", err)
		}
		b.Notifier = n
	case nc.Webhook != nil:
		w := nc.Webhook
		n := &webhook.Notifier{URL: w.URL, SigningKey: w.SigningKey, Timeout: w.Timeout.D(), AllowLinkLocal: w.AllowLinkLocal}
		headers := w.Headers
		var once sync.Once
		var herr error
		b.Notifier = notify.Func(func(ctx context.Context, m notify.Message) (bool, error) {
			// Header secrets are read at first use, so a configuration
			// check needs none of them.
			once.Do(func() {
				if len(headers) == 0 {
					return
				}
				h := map[string]string{}
				for k, ref := range headers {
					v, err := ref.Resolve()
					if err != nil {
						herr = fmt.Errorf("webhook header %s: %w", k, err)
						return
					}
					h[k] = v
				}
				n.Headers = h
			})
			if herr != nil {
				return false, herr
			}
			return webhook.JSON{Notifier: n}.Notify(ctx, m)
		})
	default:
		return nil, cfg.Errorf(p, "set exactly one of slack, email, sns and webhook")
	}
	return b, nil
}

func newNotifyTarget(cfg *config.Config, t *config.Target, path string) (route.Sender, error) {
	if t.Notifier == "" {
		return nil, cfg.Errorf(path+".notifier", "required: the name of a notifier in notifiers:")
	}
	b, err := Build(cfg, t.Notifier, path+".notifier")
	if err != nil {
		return nil, err
	}
	opts := summarize.Options(cfg, t, string(b.Lang))
	explainOne := func(ctx context.Context, raw []byte) (*explain.Explanation, *event.Event, error) {
		return summarize.Explain(ctx, cfg, raw, opts)
	}
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		m, err := Message(ctx, d, opts.Lang, explainOne)
		if err != nil {
			return true, err // the engine failed: a later attempt may do better
		}
		if w, ok := b.Notifier.(notify.Func); ok {
			return w(webhook.WithAttempt(ctx, d.Attempt), m)
		}
		return b.Notifier.Notify(ctx, m)
	}), nil
}

// maxGroupLines bounds the events a grouped notification lists.
const maxGroupLines = 30

// Message turns a delivery into a notification: one event is explained by
// explainOne (the configured engine); a group (a JSON array) is listed one
// event a line, each line from the built-in engine; anything else (a
// transformed input) is sent as text.
func Message(ctx context.Context, d route.Delivery, lang explain.Lang, explainOne func(context.Context, []byte) (*explain.Explanation, *event.Event, error)) (notify.Message, error) {
	m := notify.Message{ID: d.ID, Lang: lang}
	p := bytes.TrimSpace(d.Payload)
	switch {
	case len(p) > 0 && p[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(p, &items); err != nil {
			return m, fmt.Errorf("notify: grouped payload: %w", err)
		}
		// group/<group id>/<first event key>: the group is the incident.
		if rest, ok := strings.CutPrefix(d.ID, "group/"); ok {
			gid, _, _ := strings.Cut(rest, "/")
			m.Thread = "group/" + gid
		}
		var lines []string
		first := ""
		for i, raw := range items {
			if i == maxGroupLines {
				lines = append(lines, fmt.Sprintf(notify.Label(lang, "more"), len(items)-i))
				break
			}
			x, _, err := explainRaw(ctx, raw, lang)
			if err != nil {
				lines = append(lines, "• "+oneLine(string(raw)))
				continue
			}
			if first == "" {
				first = x.Title
			}
			lines = append(lines, "• "+line(x))
		}
		m.Subject = fmt.Sprintf(notify.Label(lang, "group"), len(items), first)
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

func explainRaw(ctx context.Context, raw []byte, lang explain.Lang) (*explain.Explanation, *event.Event, error) {
	ev, err := event.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	x, err := explain.Builtin{}.Explain(ctx, ev, explain.Options{Lang: lang})
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
	s, _ = notify.TruncateRunes(s, 200)
	return s
}

// lazyThreads opens vigil's database on first use to keep Slack threads
// there, shared by every replica; until it can, it keeps them in memory.
type lazyThreads struct {
	dsn  string
	once sync.Once
	ts   slack.ThreadStore
}

func (l *lazyThreads) get(ctx context.Context) slack.ThreadStore {
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		st, err := store.Shared(ctx, l.dsn)
		if err == nil {
			l.ts, err = slack.StoreThreads(ctx, st, 0)
		}
		if err != nil {
			l.ts = &memThreads{m: map[string]string{}}
		}
	})
	return l.ts
}

func (l *lazyThreads) Thread(ctx context.Context, channel, key string) (string, bool, error) {
	return l.get(ctx).Thread(ctx, channel, key)
}

func (l *lazyThreads) SetThread(ctx context.Context, channel, key, ts string) error {
	return l.get(ctx).SetThread(ctx, channel, key, ts)
}

type memThreads struct {
	mu sync.Mutex
	m  map[string]string
}

func (t *memThreads) Thread(_ context.Context, channel, key string) (string, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts, ok := t.m[channel+"\x00"+key]
	return ts, ok, nil
}

func (t *memThreads) SetThread(_ context.Context, channel, key, ts string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.m[channel+"\x00"+key]; !ok {
		t.m[channel+"\x00"+key] = ts
	}
	return nil
}
