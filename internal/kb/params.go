package kb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// PlaybookParams is what the policy documents say about one playbook's
// parameters (front matter remediate: {PLAYBOOK: {...}}).
type PlaybookParams struct {
	Playbook string
	// Params is one JSON object: the documents' parameters merged in path
	// order, a later document's key winning.
	Params json.RawMessage
	// Citations are the documents that set a key, in path order; the
	// heading is each document's title.
	Citations []Citation
}

// PlaybookParams returns the parameters the documents give playbook, or
// nil when none does.
func (b *Base) PlaybookParams(ctx context.Context, playbook string) (*PlaybookParams, error) {
	if err := b.fresh(ctx); err != nil {
		return nil, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	var paths []string
	for p, d := range b.man.Docs {
		if _, ok := d.Remediate[playbook]; ok {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	slices.Sort(paths)
	out := &PlaybookParams{Playbook: playbook, Params: json.RawMessage(`{}`)}
	for _, p := range paths {
		d := b.man.Docs[p]
		merged, err := Merge(out.Params, d.Remediate[playbook])
		if err != nil {
			return nil, fmt.Errorf("%s: front matter: remediate.%s: %w", p, playbook, err)
		}
		out.Params = merged
		out.Citations = append(out.Citations, Citation{Path: p, Heading: d.Title, Title: d.Title})
	}
	return out, nil
}

// Merge returns defaults with override's keys put over it: the
// organisation's documents win over the configured defaults. Both are JSON
// objects (or empty).
func Merge(defaults, override json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	for _, part := range []json.RawMessage{defaults, override} {
		if len(part) == 0 || string(part) == "null" {
			continue
		}
		var o map[string]json.RawMessage
		if err := json.Unmarshal(part, &o); err != nil {
			return nil, fmt.Errorf("parameters must be a JSON object: %v", err)
		}
		for k, v := range o {
			m[k] = v
		}
	}
	return json.Marshal(m)
}
