package investigate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhq/vigil/internal/store"
)

// The dimensions of a baseline (inv_seen.dim).
const (
	dimIP = 1 + iota
	dimUserAgent
	dimRegion
	dimAPI
)

const (
	usPerHour = int64(3600e6)
	usPerDay  = 24 * usPerHour
)

// writeRecords stores recs (src[i] is the file record i came from, 0 for
// live records) in tx and returns how many were new. Records already
// stored, by eventID, are skipped, and only new ones are counted in the
// aggregates, so loading a file twice changes nothing.
func writeRecords(ctx context.Context, kind store.Kind, tx store.Tx, recs []*Record, src []int64) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	const cols = 15
	args := make([]any, 0, len(recs)*cols)
	keys := make([]int64, len(recs))
	for i, r := range recs {
		keys[i] = hashID(r.EventID)
		var akey, ip, ua int64
		if r.AccessKey != "" {
			akey = Entity{KindAccessKey, r.AccessKey}.id()
		}
		if r.IP != "" {
			ip = Entity{KindIP, r.IP}.id()
		}
		if r.UserAgent != "" {
			ua = Entity{KindUserAgent, r.UserAgent}.id()
		}
		var res string
		if len(r.Resources) > 0 {
			names := make([]string, len(r.Resources))
			for j, e := range r.Resources {
				names[j] = e.Name
			}
			res = strings.Join(names, "\n")
		}
		var s int64
		if src != nil {
			s = src[i]
		}
		args = append(args, r.Time, keys[i], r.Base.id(), r.Principal.id(), akey, ip, ua, int64(r.Flags),
			r.Region, r.Source, r.Name, r.ErrorCode, res, r.EventID, s)
	}
	// A record already stored is skipped. On SQLite, INSERT OR IGNORE
	// rather than ON CONFLICT DO NOTHING: a multi-row statement that may
	// abort half-way keeps a statement journal of every page it changes,
	// and with OR IGNORE no constraint can abort it.
	head, tail := `INSERT INTO inv_events (t, ekey, base, principal, akey, ip, ua, flags, region, source, name, error, resources, event_id, src)`,
		`ON CONFLICT (t, ekey) DO NOTHING RETURNING t, ekey`
	if kind == store.SQLite {
		head, tail = `INSERT OR IGNORE`+head[len(`INSERT`):], `RETURNING t, ekey`
	}
	inserted := make(map[[2]int64]bool, len(recs))
	err := bulkQuery(ctx, tx, head, cols, tail, args, func(rows store.Rows) error {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		inserted[k] = true
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storing records: %w", err)
	}
	if len(inserted) == 0 {
		return 0, nil
	}
	a := newAggregates()
	n := 0
	for i, r := range recs {
		// A record repeated within recs is new only the first time.
		k := [2]int64{r.Time, keys[i]}
		if !inserted[k] {
			continue
		}
		delete(inserted, k)
		a.add(r, keys[i])
		n++
	}
	if err := a.write(ctx, tx); err != nil {
		return 0, err
	}
	return n, nil
}

// span is first, last and count of something seen.
type span struct {
	first, last, n int64
}

func (s *span) see(t int64) {
	if s.n == 0 || t < s.first {
		s.first = t
	}
	if t > s.last {
		s.last = t
	}
	s.n++
}

type relKey struct {
	a   int64
	rel Relation
	b   int64
}

type seenKey struct {
	base, day int64
	dim       int
	val       int64
}

type hourKey struct{ base, hour int64 }

type posting struct{ res, t, ekey int64 }

// aggregates are what a batch of new records adds to the entity,
// relation and baseline tables, summed in memory so each row is written
// once per batch.
type aggregates struct {
	// named is the entities the current record named so far: each
	// entity counts once per record, however often it is named.
	named     []int64
	entities  map[int64]*entitySpan
	relations map[relKey]*span
	seen      map[seenKey]*span
	hours     map[hourKey]int64
	postings  []posting
}

type entitySpan struct {
	Entity
	span
}

func newAggregates() *aggregates {
	return &aggregates{
		entities:  map[int64]*entitySpan{},
		relations: map[relKey]*span{},
		seen:      map[seenKey]*span{},
		hours:     map[hourKey]int64{},
	}
}

func (a *aggregates) entity(e Entity, t int64) int64 {
	id := e.id()
	if slices.Contains(a.named, id) {
		return id
	}
	a.named = append(a.named, id)
	s := a.entities[id]
	if s == nil {
		s = &entitySpan{Entity: e}
		a.entities[id] = s
	}
	s.see(t)
	return id
}

func (a *aggregates) relate(from int64, rel Relation, to int64, t int64) {
	if from == 0 || to == 0 || from == to {
		return
	}
	k := relKey{from, rel, to}
	s := a.relations[k]
	if s == nil {
		s = &span{}
		a.relations[k] = s
	}
	s.see(t)
}

func (a *aggregates) saw(base, t int64, dim int, val int64) {
	k := seenKey{base, floorDiv(t, usPerDay), dim, val}
	s := a.seen[k]
	if s == nil {
		s = &span{}
		a.seen[k] = s
	}
	s.see(t)
}

// add counts one new record.
func (a *aggregates) add(r *Record, ekey int64) {
	t := r.Time
	a.named = a.named[:0]
	p := a.entity(r.Principal, t)
	base := p
	if r.Base != r.Principal {
		base = a.entity(r.Base, t)
	}
	// Relations that hold for the principal hold for its baseline
	// principal too, so a role's related entities cover its sessions.
	both := func(rel Relation, to int64) {
		a.relate(p, rel, to, t)
		if base != p {
			a.relate(base, rel, to, t)
		}
	}
	bothFrom := func(from int64, rel Relation) {
		a.relate(from, rel, p, t)
		if base != p {
			a.relate(from, rel, base, t)
		}
	}
	var key int64
	if r.AccessKey != "" {
		key = a.entity(Entity{KindAccessKey, r.AccessKey}, t)
	}
	if r.IP != "" {
		ip := a.entity(Entity{KindIP, r.IP}, t)
		both(RelCalledFrom, ip)
		a.relate(key, RelCalledFrom, ip, t)
		a.saw(base, t, dimIP, ip)
	}
	if r.UserAgent != "" {
		ua := a.entity(Entity{KindUserAgent, r.UserAgent}, t)
		both(RelUsedAgent, ua)
		a.saw(base, t, dimUserAgent, ua)
	}
	if r.Region != "" {
		reg := a.entity(Entity{KindRegion, r.Region}, t)
		both(RelCalledIn, reg)
		a.saw(base, t, dimRegion, reg)
	}
	if r.Account != "" {
		both(RelInAccount, a.entity(Entity{KindAccount, r.Account}, t))
	}
	a.saw(base, t, dimAPI, a.entity(apiEntity(r.Source, r.Name), t))
	a.hours[hourKey{base, floorDiv(t, usPerHour)}]++
	for _, res := range r.Resources {
		id := a.entity(res, t)
		bothFrom(id, RelTouchedBy)
		a.postings = append(a.postings, posting{id, t, ekey})
	}
	for _, l := range r.Links {
		a.relate(a.entity(l.From, t), l.Rel, a.entity(l.To, t), t)
	}
}

// apiEntity names an API call: "ec2.amazonaws.com:DescribeInstances".
func apiEntity(source, name string) Entity {
	return Entity{KindAPI, source + ":" + name}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// write upserts the aggregates, each table's rows in key order so that
// concurrent writers (a load beside the live worker, on PostgreSQL) lock
// rows in the same order and cannot deadlock.
func (a *aggregates) write(ctx context.Context, tx store.Tx) error {
	minOf := func(col string) string {
		return col + ` = CASE WHEN excluded.` + col + ` < x.` + col + ` THEN excluded.` + col + ` ELSE x.` + col + ` END`
	}
	maxOf := func(col string) string {
		return col + ` = CASE WHEN excluded.` + col + ` > x.` + col + ` THEN excluded.` + col + ` ELSE x.` + col + ` END`
	}

	ids := make([]int64, 0, len(a.entities))
	for id := range a.entities {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	args := make([]any, 0, len(ids)*6)
	for _, id := range ids {
		e := a.entities[id]
		args = append(args, id, string(e.Kind), e.Name, e.first, e.last, e.n)
	}
	if err := bulkExec(ctx, tx, `INSERT INTO inv_entities AS x (id, kind, name, first_us, last_us, n)`, 6,
		`ON CONFLICT (id) DO UPDATE SET `+minOf("first_us")+`, `+maxOf("last_us")+`, n = x.n + excluded.n`, args); err != nil {
		return fmt.Errorf("storing entities: %w", err)
	}

	rels := make([]relKey, 0, len(a.relations))
	for k := range a.relations {
		rels = append(rels, k)
	}
	slices.SortFunc(rels, func(x, y relKey) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.rel, y.rel), cmp.Compare(x.b, y.b))
	})
	args = args[:0]
	for _, k := range rels {
		s := a.relations[k]
		args = append(args, k.a, string(k.rel), k.b, s.first, s.last, s.n)
	}
	if err := bulkExec(ctx, tx, `INSERT INTO inv_relations AS x (a, rel, b, first_us, last_us, n)`, 6,
		`ON CONFLICT (a, rel, b) DO UPDATE SET `+minOf("first_us")+`, `+maxOf("last_us")+`, n = x.n + excluded.n`, args); err != nil {
		return fmt.Errorf("storing relations: %w", err)
	}

	seen := make([]seenKey, 0, len(a.seen))
	for k := range a.seen {
		seen = append(seen, k)
	}
	slices.SortFunc(seen, func(x, y seenKey) int {
		return cmp.Or(cmp.Compare(x.base, y.base), cmp.Compare(x.day, y.day), cmp.Compare(x.dim, y.dim), cmp.Compare(x.val, y.val))
	})
	args = args[:0]
	for _, k := range seen {
		s := a.seen[k]
		args = append(args, k.base, k.day, k.dim, k.val, s.n, s.first)
	}
	if err := bulkExec(ctx, tx, `INSERT INTO inv_seen AS x (base, day, dim, val, n, first_us)`, 6,
		`ON CONFLICT (base, day, dim, val) DO UPDATE SET n = x.n + excluded.n, `+minOf("first_us"), args); err != nil {
		return fmt.Errorf("storing baselines: %w", err)
	}

	hours := make([]hourKey, 0, len(a.hours))
	for k := range a.hours {
		hours = append(hours, k)
	}
	slices.SortFunc(hours, func(x, y hourKey) int {
		return cmp.Or(cmp.Compare(x.base, y.base), cmp.Compare(x.hour, y.hour))
	})
	args = args[:0]
	for _, k := range hours {
		args = append(args, k.base, k.hour, a.hours[k])
	}
	if err := bulkExec(ctx, tx, `INSERT INTO inv_hours AS x (base, hour, n)`, 3,
		`ON CONFLICT (base, hour) DO UPDATE SET n = x.n + excluded.n`, args); err != nil {
		return fmt.Errorf("storing hourly volumes: %w", err)
	}

	if len(a.postings) > 0 {
		slices.SortFunc(a.postings, func(x, y posting) int {
			return cmp.Or(cmp.Compare(x.res, y.res), cmp.Compare(x.t, y.t), cmp.Compare(x.ekey, y.ekey))
		})
		args = args[:0]
		for _, p := range a.postings {
			args = append(args, p.res, p.t, p.ekey)
		}
		if err := bulkExec(ctx, tx, `INSERT INTO inv_event_resources (res, t, ekey)`, 3, `ON CONFLICT DO NOTHING`, args); err != nil {
			return fmt.Errorf("storing resource references: %w", err)
		}
	}
	return nil
}
