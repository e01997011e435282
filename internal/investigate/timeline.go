package investigate

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// TimelineQuery selects a window of an entity's timeline.
type TimelineQuery struct {
	// Since and Until bound eventTime, both included; zero is unbounded.
	Since, Until time.Time
	// Limit is the most events returned, oldest first; 1,000 by default.
	Limit int
	// Lang overrides the service's language for the reasons (en, ja).
	Lang string
}

// DefaultLimit is the most events or related entities returned when the
// query does not say.
const DefaultLimit = 1000

// Timeline is an entity's calls in a window, in time order.
type Timeline struct {
	Entity string          `json:"entity"`
	Kind   Kind            `json:"kind"`
	Events []TimelineEvent `json:"events"`
	// Truncated says there are more events in the window than Limit.
	Truncated bool `json:"truncated,omitempty"`
}

// TimelineEvent is one call, with its labels and why each was given.
type TimelineEvent struct {
	Time        time.Time         `json:"time"`
	EventID     string            `json:"eventID"`
	EventName   string            `json:"eventName"`
	EventSource string            `json:"eventSource"`
	Region      string            `json:"region"`
	SourceIP    string            `json:"sourceIPAddress"`
	UserAgent   string            `json:"userAgent"`
	ErrorCode   string            `json:"errorCode"`
	Principal   string            `json:"principal"`
	AccessKeyID string            `json:"accessKeyId"`
	Resources   []string          `json:"resources"`
	Labels      []string          `json:"labels"`
	Why         map[string]string `json:"why"`

	row *eventRow
}

// eventRow is a stored call.
type eventRow struct {
	ekey, t                       int64
	eventID                       string
	principal, base, akey, ip, ua int64
	region, source, name, errCode string
	flags                         Flags
	resources                     string
}

const eventCols = `e.ekey, e.event_id, e.t, e.principal, e.base, e.akey, e.ip, e.ua, e.region, e.source, e.name, e.error, e.flags, e.resources`

func scanEvent(rows store.Rows) (*eventRow, error) {
	r := &eventRow{}
	var flags int64
	err := rows.Scan(&r.ekey, &r.eventID, &r.t, &r.principal, &r.base, &r.akey, &r.ip, &r.ua, &r.region, &r.source, &r.name, &r.errCode, &flags, &r.resources)
	r.flags = Flags(flags)
	return r, err
}

// Timeline returns the calls of e in the window: made by it (a user, a
// role with all its sessions, a session, root, a service), with it (an
// access key), from it (an IP address), or on it (any resource).
func (s *Service) Timeline(ctx context.Context, e Entity, q TimelineQuery) (*Timeline, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	since, until := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.Since.IsZero() {
		since = q.Since.UnixMicro()
	}
	if !q.Until.IsZero() {
		until = q.Until.UnixMicro()
	}
	if since > until {
		return nil, &queryError{fmt.Sprintf("timeline: since %s is after until %s", q.Since.UTC().Format(time.RFC3339), q.Until.UTC().Format(time.RFC3339))}
	}
	var query string
	var args []any
	switch e.Kind {
	case KindUser, KindRole, KindRoot:
		query = `SELECT ` + eventCols + ` FROM inv_events e WHERE e.base = ? AND e.t >= ? AND e.t <= ? ORDER BY e.t, e.ekey LIMIT ?`
	case KindSession, KindFederatedUser, KindIdentityCenterUser, KindService, KindAccount:
		// Result columns 3 and 1 are t and ekey: each side is read in
		// that order from its index and the two are merged.
		query = `SELECT ` + eventCols + ` FROM inv_events e WHERE e.principal = ? AND e.principal <> e.base AND e.t >= ? AND e.t <= ?
			UNION ALL SELECT ` + eventCols + ` FROM inv_events e WHERE e.base = ? AND e.principal = e.base AND e.t >= ? AND e.t <= ?
			ORDER BY 3, 1 LIMIT ?`
		args = []any{e.id(), since, until, e.id(), since, until, q.Limit + 1}
	case KindAccessKey:
		query = `SELECT ` + eventCols + ` FROM inv_events e WHERE e.akey = ? AND e.t >= ? AND e.t <= ? ORDER BY e.t, e.ekey LIMIT ?`
	case KindIP:
		query = `SELECT ` + eventCols + ` FROM inv_events e WHERE e.ip = ? AND e.t >= ? AND e.t <= ? ORDER BY e.t, e.ekey LIMIT ?`
	case KindUserAgent, KindRegion, KindAPI:
		return nil, &queryError{fmt.Sprintf("timeline: %s is a %s; give an ARN (principal or resource), an access key id or an IP address", e.Name, e.Kind)}
	default:
		query = `SELECT ` + eventCols + ` FROM inv_event_resources r JOIN inv_events e ON e.t = r.t AND e.ekey = r.ekey WHERE r.res = ? AND r.t >= ? AND r.t <= ? ORDER BY r.t, r.ekey LIMIT ?`
	}
	known, err := s.known(ctx, e)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, fmt.Errorf("timeline: %s %q: %w", e.Kind, e.Name, errNotLoaded)
	}
	if args == nil {
		args = []any{e.id(), since, until, q.Limit + 1}
	}
	rows, err := s.st.Q().Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	var evs []*eventRow
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		evs = append(evs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	tl := &Timeline{Entity: e.Name, Kind: e.Kind, Events: []TimelineEvent{}}
	if len(evs) > q.Limit {
		evs, tl.Truncated = evs[:q.Limit], true
	}
	names := newNamer()
	for _, r := range evs {
		names.want(r.principal, r.akey, r.ip, r.ua)
	}
	lab, err := s.labeller(ctx, evs, names, s.messages(q.Lang))
	if err != nil {
		return nil, err
	}
	if err := names.resolve(ctx, s.st.Q()); err != nil {
		return nil, err
	}
	for _, r := range evs {
		ev := TimelineEvent{
			Time:        time.UnixMicro(r.t).UTC(),
			EventID:     r.eventID,
			EventName:   r.name,
			EventSource: r.source,
			Region:      r.region,
			SourceIP:    names.name(r.ip),
			UserAgent:   names.name(r.ua),
			ErrorCode:   r.errCode,
			Principal:   names.name(r.principal),
			AccessKeyID: names.name(r.akey),
			Resources:   []string{},
			Labels:      []string{},
			Why:         map[string]string{},
			row:         r,
		}
		if r.resources != "" {
			ev.Resources = strings.Split(r.resources, "\n")
		}
		tl.Events = append(tl.Events, ev)
	}
	lab.label(tl.Events, names)
	return tl, nil
}

// known reports whether any stored record names e.
func (s *Service) known(ctx context.Context, e Entity) (bool, error) {
	var n int64
	err := s.st.Q().QueryRow(ctx, `SELECT n FROM inv_entities WHERE id = ?`, e.id()).Scan(&n)
	if err == store.ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// namer resolves entity ids to names in one query per few hundred.
type namer struct {
	ids   map[int64]bool
	names map[int64]Entity
}

func newNamer() *namer { return &namer{ids: map[int64]bool{}, names: map[int64]Entity{}} }

func (n *namer) want(ids ...int64) {
	for _, id := range ids {
		if id != 0 {
			if _, ok := n.names[id]; !ok {
				n.ids[id] = true
			}
		}
	}
}

func (n *namer) resolve(ctx context.Context, q store.Querier) error {
	ids := make([]any, 0, len(n.ids))
	for id := range n.ids {
		ids = append(ids, id)
	}
	n.ids = map[int64]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		rows, err := q.Query(ctx, `SELECT id, kind, name FROM inv_entities WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var kind, name string
			if err := rows.Scan(&id, &kind, &name); err != nil {
				rows.Close()
				return err
			}
			n.names[id] = Entity{Kind(kind), name}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (n *namer) name(id int64) string { return n.names[id].Name }

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}
