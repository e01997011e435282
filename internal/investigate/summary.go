package investigate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Summary is what vigil investigate entity prints: when the entity was
// first and last seen and, over the baseline window before it was last
// seen, its usual IPs, user agents, regions and APIs and its hourly
// volume.
type Summary struct {
	Entity    string    `json:"entity"`
	Kind      Kind      `json:"kind"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Count is how many stored records name the entity.
	Count int64 `json:"count"`
	// Baseline is the principal whose baseline the entity's calls count in
	// (a session's role), when not the entity itself.
	Baseline string `json:"baseline,omitempty"`
	// Chain is, for a session, who assumed it, who assumed that, and so
	// on.
	Chain []string `json:"chain,omitempty"`
	// From and To bound the window the usage is counted over.
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	IPs        []Usage   `json:"ips"`
	UserAgents []Usage   `json:"user_agents"`
	Regions    []Usage   `json:"regions"`
	APIs       []Usage   `json:"apis"`
	Hourly     Hourly    `json:"hourly"`
}

// Usage is how often something was used.
type Usage struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Hourly is a call volume per hour.
type Hourly struct {
	// ActiveHours is how many hours of the window had calls.
	ActiveHours int `json:"active_hours"`
	// Mean is the calls per active hour.
	Mean float64 `json:"mean"`
	// Busiest is the most calls in one hour, in the hour starting at
	// BusiestAt.
	Busiest   int64     `json:"busiest"`
	BusiestAt time.Time `json:"busiest_at"`
}

// usageTop is how many usual values are listed per dimension.
const usageTop = 5

// Entity summarises e.
func (s *Service) Entity(ctx context.Context, e Entity) (*Summary, error) {
	q := s.st.Q()
	var first, last, n int64
	err := q.QueryRow(ctx, `SELECT first_us, last_us, n FROM inv_entities WHERE id = ?`, e.id()).Scan(&first, &last, &n)
	if err == store.ErrNotFound {
		return nil, fmt.Errorf("entity: %s %q: %w", e.Kind, e.Name, errNotLoaded)
	}
	if err != nil {
		return nil, fmt.Errorf("entity: %w", err)
	}
	sum := &Summary{Entity: e.Name, Kind: e.Kind, FirstSeen: time.UnixMicro(first).UTC(), LastSeen: time.UnixMicro(last).UTC(), Count: n,
		IPs: []Usage{}, UserAgents: []Usage{}, Regions: []Usage{}, APIs: []Usage{}}
	from := last - s.opts.Baseline.Microseconds()
	sum.From = time.UnixMicro(max(from, first)).UTC()
	sum.To = sum.LastSeen
	if e.Kind == KindSession {
		if err := s.chain(ctx, e, sum); err != nil {
			return nil, err
		}
	}
	var col string
	switch e.Kind {
	case KindUser, KindRole, KindRoot:
		return sum, s.baselineUsage(ctx, e.id(), from, last, sum)
	case KindSession, KindFederatedUser, KindIdentityCenterUser, KindService, KindAccount:
		col = "principal"
	case KindAccessKey:
		col = "akey"
	case KindIP:
		col = "ip"
	default:
		// Resources, user agents, regions, APIs: what is related says
		// more than usage would.
		return sum, nil
	}
	return sum, s.eventUsage(ctx, col, e.id(), from, last, sum)
}

// chain follows assumed-by from a session to whoever started the chain.
func (s *Service) chain(ctx context.Context, e Entity, sum *Summary) error {
	cur := e.id()
	seen := map[int64]bool{cur: true}
	for range 10 {
		var kind, name string
		var next int64
		err := s.st.Q().QueryRow(ctx, `SELECT x.id, x.kind, x.name FROM inv_relations r JOIN inv_entities x ON x.id = r.b WHERE r.a = ? AND r.rel = ? ORDER BY r.last_us DESC LIMIT 1`,
			cur, string(RelAssumedBy)).Scan(&next, &kind, &name)
		if err == store.ErrNotFound {
			break
		}
		if err != nil {
			return fmt.Errorf("entity: %w", err)
		}
		sum.Chain = append(sum.Chain, name)
		if seen[next] || Kind(kind) != KindSession {
			break
		}
		seen[next] = true
		cur = next
	}
	var role string
	err := s.st.Q().QueryRow(ctx, `SELECT x.name FROM inv_relations r JOIN inv_entities x ON x.id = r.b WHERE r.a = ? AND r.rel = ? LIMIT 1`,
		e.id(), string(RelSessionOf)).Scan(&role)
	if err != nil && err != store.ErrNotFound {
		return fmt.Errorf("entity: %w", err)
	}
	sum.Baseline = role
	return nil
}

// baselineUsage reads a baseline principal's usage from its aggregates.
func (s *Service) baselineUsage(ctx context.Context, id, from, to int64, sum *Summary) error {
	q := s.st.Q()
	counts := map[dimVal]int64{}
	err := each(ctx, q, `SELECT dim, val, n FROM inv_seen WHERE base = ? AND day >= ? AND day <= ?`,
		[]any{id, floorDiv(from, usPerDay), floorDiv(to, usPerDay)}, func(rows store.Rows) error {
			var dim int
			var val, n int64
			if err := rows.Scan(&dim, &val, &n); err != nil {
				return err
			}
			counts[dimVal{dim, val}] += n
			return nil
		})
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	names := newNamer()
	for k := range counts {
		names.want(k.val)
	}
	if err := names.resolve(ctx, q); err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	by := map[int][]Usage{}
	for k, n := range counts {
		by[k.dim] = append(by[k.dim], Usage{names.name(k.val), n})
	}
	sum.IPs, sum.UserAgents, sum.Regions, sum.APIs = top(by[dimIP]), top(by[dimUserAgent]), top(by[dimRegion]), top(by[dimAPI])
	hours := map[int64]int64{}
	err = each(ctx, q, `SELECT hour, n FROM inv_hours WHERE base = ? AND hour >= ? AND hour <= ?`,
		[]any{id, floorDiv(from, usPerHour), floorDiv(to, usPerHour)}, func(rows store.Rows) error {
			var h, n int64
			if err := rows.Scan(&h, &n); err != nil {
				return err
			}
			hours[h] = n
			return nil
		})
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	sum.Hourly = hourly(hours)
	return nil
}

// principalCalls selects the calls of the principal of the first ?
// between the second and third (the same three again after them).
// inv_events_principal holds only the calls whose principal is not its
// own baseline principal (sessions, federated users of an IAM user): the
// others are found by base, so most calls (those of IAM users and root)
// are indexed once, not twice.
const principalCalls = `principal = ? AND principal <> base AND t >= ? AND t <= ?
	UNION ALL SELECT ip, ua, region, name, t FROM inv_events WHERE base = ? AND principal = base AND t >= ? AND t <= ?`

// eventUsage counts the usage of an entity without a baseline of its own
// from its calls in the window.
func (s *Service) eventUsage(ctx context.Context, col string, id, from, to int64, sum *Summary) error {
	q := s.st.Q()
	calls, args := `(SELECT ip, ua, region, name, t FROM inv_events WHERE `+col+` = ? AND t >= ? AND t <= ?) u`, []any{id, from, to}
	if col == "principal" {
		calls, args = `(SELECT ip, ua, region, name, t FROM inv_events WHERE `+principalCalls+`) u`, []any{id, from, to, id, from, to}
	}
	count := func(sel string) (map[string]int64, error) {
		out := map[string]int64{}
		err := each(ctx, q, `SELECT `+sel+`, count(*) FROM `+calls+` GROUP BY 1`,
			args, func(rows store.Rows) error {
				var k string
				var n int64
				if err := rows.Scan(&k, &n); err != nil {
					return err
				}
				out[k] = n
				return nil
			})
		return out, err
	}
	idCount := func(c string) (map[int64]int64, error) {
		out := map[int64]int64{}
		err := each(ctx, q, `SELECT `+c+`, count(*) FROM `+calls+` GROUP BY 1`,
			args, func(rows store.Rows) error {
				var k, n int64
				if err := rows.Scan(&k, &n); err != nil {
					return err
				}
				out[k] = n
				return nil
			})
		return out, err
	}
	ips, err := idCount("ip")
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	uas, err := idCount("ua")
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	regions, err := count("region")
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	apis, err := count("name")
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	hours, err := idCount("t / 3600000000")
	if err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	names := newNamer()
	for k := range ips {
		names.want(k)
	}
	for k := range uas {
		names.want(k)
	}
	if err := names.resolve(ctx, q); err != nil {
		return fmt.Errorf("entity: %w", err)
	}
	named := func(m map[int64]int64) []Usage {
		var out []Usage
		for k, n := range m {
			if k != 0 {
				out = append(out, Usage{names.name(k), n})
			}
		}
		return top(out)
	}
	plain := func(m map[string]int64) []Usage {
		var out []Usage
		for k, n := range m {
			out = append(out, Usage{k, n})
		}
		return top(out)
	}
	sum.IPs, sum.UserAgents, sum.Regions, sum.APIs = named(ips), named(uas), plain(regions), plain(apis)
	sum.Hourly = hourly(hours)
	return nil
}

func top(us []Usage) []Usage {
	slices.SortFunc(us, func(a, b Usage) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value)) })
	if us == nil {
		return []Usage{}
	}
	return us[:min(len(us), usageTop)]
}

func hourly(hours map[int64]int64) Hourly {
	var h Hourly
	var total int64
	for hour, n := range hours {
		if n == 0 {
			continue
		}
		h.ActiveHours++
		total += n
		if n > h.Busiest || (n == h.Busiest && time.UnixMicro(hour*usPerHour).Before(h.BusiestAt)) {
			h.Busiest, h.BusiestAt = n, time.UnixMicro(hour*usPerHour).UTC()
		}
	}
	if h.ActiveHours > 0 {
		h.Mean = float64(total) / float64(h.ActiveHours)
	}
	return h
}
