// Package remediate is the remediate target type: the findings a rule
// matches go to the remediation workflow (internal/remediate), with the
// playbooks the target names or, when it names none, those the mapping
// picks (remediation.mapping and the built-in one). The target only
// requests remediations; the remediation policy decides whether anything
// changes.
package remediate

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigilhq/vigil/event"
	rem "github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/remediate/playbooks"
	"github.com/vigilhq/vigil/internal/target"
)

// Config is a remediate target's own fields.
type Config struct {
	// Playbooks to run on the target's findings; empty means the mapping
	// decides.
	Playbooks []string `yaml:"playbooks"`
}

// Type registers the remediate target type.
var Type = target.Type{Name: "remediate", Config: &Config{}, New: New}

// errNoWorkflow is what a remediate target answers in a pipeline without a
// database (vigil process, vigil lambda without --store).
var errNoWorkflow = errors.New("remediate targets need vigil's database: run them in vigil serve (or vigil lambda --store)")

// New builds a remediate target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	t := s.Target
	if t.Input != "" || t.InputPath != "" || t.InputTransformer != nil {
		return nil, s.Errorf("type", "a remediate target receives the whole event: remove input, input_path and input_transformer")
	}
	reg := playbooks.All()
	seen := map[string]bool{}
	for i, p := range c.Playbooks {
		if _, err := reg.Lookup(p); err != nil {
			return nil, s.Errorf(fmt.Sprintf("playbooks[%d]", i), "%v", err)
		}
		if seen[p] {
			return nil, s.Errorf(fmt.Sprintf("playbooks[%d]", i), "%q is listed twice", p)
		}
		seen[p] = true
	}
	rule := s.Rule
	return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
		if d.Remediation == nil {
			return false, errNoWorkflow
		}
		ev, err := event.Parse(dl.Payload)
		if err != nil {
			return false, fmt.Errorf("remediate: %w", err)
		}
		if _, err := rem.Findings(ev); err != nil {
			return false, err
		}
		if err := d.Remediation.RequestRemediations(ctx, ev, rule, c.Playbooks); err != nil {
			// The database, most likely: requesting again is harmless (a
			// finding is requested once).
			return true, err
		}
		return false, nil
	}), nil
}
