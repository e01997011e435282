package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Handler returns a slog.Handler that writes through h with every secret
// value rs handed out taken out of each record: the message, string and
// error attributes, and any other value as it would be written. A peer's
// answer quoted in a log line (a webhook's echo of its request, an SMTP
// server's reply) thus never carries a credential into the logs.
func (rs *Resolver) Handler(h slog.Handler) slog.Handler {
	if rs == nil {
		return h
	}
	return &redactHandler{h: h, rs: rs}
}

type redactHandler struct {
	h  slog.Handler
	rs *Resolver
}

func (r *redactHandler) active() bool {
	r.rs.mu.Lock()
	defer r.rs.mu.Unlock()
	return len(r.rs.forms) > 0
}

func (r *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	if !r.active() {
		return r.h.Handle(ctx, rec)
	}
	out := slog.NewRecord(rec.Time, rec.Level, r.rs.Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = r.attr(a)
	}
	return &redactHandler{h: r.h.WithAttrs(out), rs: r.rs}
}

func (r *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: r.h.WithGroup(name), rs: r.rs}
}

func (r *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.rs.Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, x := range g {
			out[i] = r.attr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, r.rs.Redact(x.Error()))
		case []string:
			out := make([]string, len(x))
			for i, s := range x {
				out[i] = r.rs.Redact(s)
			}
			return slog.Any(a.Key, out)
		case fmt.Stringer:
			return slog.String(a.Key, r.rs.Redact(x.String()))
		default:
			// Written as JSON by the JSON handler: check that form.
			if b, err := json.Marshal(x); err == nil {
				if red := r.rs.Redact(string(b)); red != string(b) {
					return slog.String(a.Key, red)
				}
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
