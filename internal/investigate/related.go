package investigate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Related is what an entity is related to.
type Related struct {
	Entity  string          `json:"entity"`
	Kind    Kind            `json:"kind"`
	Related []RelatedEntity `json:"related"`
	// Truncated says there are more related entities than the limit.
	Truncated bool `json:"truncated,omitempty"`
}

// RelatedEntity is one relation of the entity asked about, read from it:
// "ENTITY <relation> <entity>" (user/alice has-key AKIA…; AKIA… key-of
// user/alice).
type RelatedEntity struct {
	Entity    string    `json:"entity"`
	Kind      Kind      `json:"kind"`
	Relation  string    `json:"relation"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int64     `json:"count"`
}

// Related returns the entities e is related to, by relation and then most
// recent first; at most limit (DefaultLimit when 0).
func (s *Service) Related(ctx context.Context, e Entity, limit int) (*Related, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	known, err := s.known(ctx, e)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, fmt.Errorf("related: %s %q: %w", e.Kind, e.Name, errNotLoaded)
	}
	out := &Related{Entity: e.Name, Kind: e.Kind, Related: []RelatedEntity{}}
	id := e.id()
	q := s.st.Q()
	scan := func(inverse bool) func(store.Rows) error {
		return func(rows store.Rows) error {
			var rel, kind, name string
			var first, last, n int64
			if err := rows.Scan(&rel, &kind, &name, &first, &last, &n); err != nil {
				return err
			}
			r := Relation(rel)
			name2 := string(r)
			if inverse {
				name2 = r.Inverse()
			}
			out.Related = append(out.Related, RelatedEntity{Entity: name, Kind: Kind(kind), Relation: name2,
				FirstSeen: time.UnixMicro(first).UTC(), LastSeen: time.UnixMicro(last).UTC(), Count: n})
			return nil
		}
	}
	err = each(ctx, q, `SELECT r.rel, x.kind, x.name, r.first_us, r.last_us, r.n FROM inv_relations r JOIN inv_entities x ON x.id = r.b WHERE r.a = ? ORDER BY r.rel, r.b LIMIT ?`,
		[]any{id, limit + 1}, scan(false))
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	err = each(ctx, q, `SELECT r.rel, x.kind, x.name, r.first_us, r.last_us, r.n FROM inv_relations r JOIN inv_entities x ON x.id = r.a WHERE r.b = ? LIMIT ?`,
		[]any{id, limit + 1}, scan(true))
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	slices.SortFunc(out.Related, func(a, b RelatedEntity) int {
		return cmp.Or(cmp.Compare(a.Relation, b.Relation), b.LastSeen.Compare(a.LastSeen), cmp.Compare(a.Entity, b.Entity))
	})
	if len(out.Related) > limit {
		out.Related, out.Truncated = out.Related[:limit], true
	}
	return out, nil
}
