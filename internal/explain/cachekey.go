package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

// Version identifies vigil's built-in knowledge, prose and safety rules.
// It is part of CacheKey: it changes whenever the same event could be
// explained differently by the same engine (a catalog, a message, a rule
// for commands or links), so that an explanation stored by an older vigil
// is not served after an upgrade.
const Version = "5"

// CacheKey is everything a stored explanation depends on. An explanation
// is computed once per key, stored (as JSON: Explanation marshals and
// unmarshals without loss for every renderer), and shared by every target
// and reader of that event.
type CacheKey struct {
	EventID string
	Lang    lang.Lang
	// Engine is the engine's model when it has one ("bedrock <model>
	// (<region>)"), else its name ("builtin").
	Engine  string
	Docs    DocsPolicy
	Version string
}

// NewCacheKey returns the key of explaining ev with engine and opts; the
// language defaults as Explain's does. A key with an empty EventID is not
// to be cached: the event cannot be told from another.
func NewCacheKey(ev *event.Event, engine Engine, opts Options) CacheKey {
	name := engine.Name()
	if m, ok := engine.(interface{ Model() string }); ok && m.Model() != "" {
		name = m.Model()
	}
	l := opts.Lang
	if l == "" {
		l = lang.EN
	}
	docs := opts.Docs
	if docs == "" {
		docs = "auto"
	}
	return CacheKey{EventID: ev.ID, Lang: l, Engine: name, Docs: docs, Version: Version}
}

// String returns the key as one stable string, e.g.
// "v3|builtin|ja|auto|<event id>", for a map or a database column.
func (k CacheKey) String() string {
	var b strings.Builder
	b.Grow(16 + len(k.Engine) + len(k.EventID))
	b.WriteString("v")
	b.WriteString(k.Version)
	for _, s := range []string{k.Engine, string(k.Lang), string(k.Docs), k.EventID} {
		b.WriteByte('|')
		b.WriteString(s)
	}
	return b.String()
}
