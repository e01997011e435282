package target

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/vigilhq/vigil/internal/notify/channel"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
)

// Deps are what the composition root gives every target type. A type takes
// what it needs when it builds a target and nothing else; building must not
// contact anything (a configuration check builds every target), so AWS
// clients and secrets are resolved at the first delivery.
type Deps struct {
	// Config is the whole configuration (reports, notifiers by name).
	Config *config.Config
	// Store is the database; nil when the pipeline is stateless or only
	// checking the configuration.
	Store *store.Store
	// AWS hands out AWS configurations.
	AWS *awsx.Provider
	// Secrets resolves secret references and redacts their values.
	Secrets *secrets.Resolver
	// Net makes the targets' own connections (webhook, forward to a URL)
	// under the process's network policy; the default policy when nil.
	Net *netguard.Guard
	// Explain is the process's explanation engine: each event is explained
	// once per language and documentation policy, and shared.
	Explain explain.Engine
	// Notifiers are the configured notifiers by name.
	Notifiers map[string]*channel.Named
	// Remediation requests remediations (remediate targets); nil when the
	// pipeline has no database or is only checking the configuration.
	Remediation Remediation
	// Logger receives the targets' log lines.
	Logger *slog.Logger
	// Check is set when the targets are only being checked.
	Check bool
}

// Type is a target type: its name, a zero value of its configuration (for
// the list of its fields in error messages) and the function that builds a
// target of the type from its configuration.
type Type struct {
	Name string
	// Config points at a zero value of the type's configuration struct.
	Config any
	// New checks the target's configuration (decode it with Spec.Decode)
	// and builds its Sender.
	New func(d Deps, t *Spec) (Sender, error)
}

// Spec is one configured target as its type sees it.
type Spec struct {
	// Rule is the rule's name.
	Rule string
	// Target holds the fields every type shares (id, input shaping,
	// retry, grouping).
	Target *config.Target
	what   string
}

// Decode decodes the type's own fields into v strictly: a field v does not
// have is an error at its line that lists v's fields.
func (s *Spec) Decode(v any) error { return s.Target.Spec.Decode(v, s.what) }

// Errorf returns an error about the type's field (e.g. "url") with the
// file's line.
func (s *Spec) Errorf(field, format string, args ...any) error {
	return s.Target.Spec.Errorf(field, format, args...)
}

// Registry holds the target types the composition root registered and the
// dependencies it gives them.
type Registry struct {
	deps  Deps
	types map[string]Type
}

// NewRegistry returns a registry that builds targets with deps.
func NewRegistry(deps Deps, types ...Type) *Registry {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Registry{deps: deps, types: map[string]Type{}}
	for _, t := range types {
		if _, dup := r.types[t.Name]; dup {
			panic("target: type registered twice: " + t.Name)
		}
		r.types[t.Name] = t
	}
	return r
}

// Types returns the registered type names, sorted.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.types))
	for n := range r.types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Build checks the configuration of target t of rule and builds its
// Sender. Errors carry the file's line.
func (r *Registry) Build(rule string, t *config.Target) (Sender, error) {
	typ, ok := r.types[t.Type]
	if !ok {
		if t.Type == "" {
			return nil, t.Spec.Errorf("type", "required (%s)", strings.Join(r.Types(), ", "))
		}
		return nil, t.Spec.Errorf("type", "unknown target type %q (known: %s)", t.Type, strings.Join(r.Types(), ", "))
	}
	s := &Spec{Rule: rule, Target: t, what: fmt.Sprintf("a %s target", t.Type)}
	if err := r.foreignFields(s, typ); err != nil {
		return nil, err
	}
	return typ.New(r.deps, s)
}

// foreignFields reports a field that belongs to another target type, with
// the type it belongs to: a webhook target with notifier: is a notify
// target written wrong, not a typo.
func (r *Registry) foreignFields(s *Spec, typ Type) error {
	own := config.Fields(typ.Config)
	for _, k := range s.Target.Spec.Keys() {
		if own[k] {
			continue
		}
		var owners []string
		for _, other := range r.Types() {
			if config.Fields(r.types[other].Config)[k] {
				owners = append(owners, other)
			}
		}
		if len(owners) > 0 {
			return s.Errorf(k, "%s targets do not take %s (it belongs to %s targets); %s targets take: %s",
				typ.Name, k, strings.Join(owners, " and "), typ.Name, strings.Join(fieldList(own), ", "))
		}
	}
	return nil
}

func fieldList(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return []string{"no fields of its own"}
	}
	return out
}
