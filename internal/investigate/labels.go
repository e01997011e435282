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

// The label vocabulary, in the order labels are listed.
const (
	LabelNewIP        = "new-ip"
	LabelNewUserAgent = "new-user-agent"
	LabelNewRegion    = "new-region"
	LabelNewAPI       = "new-api"
	LabelSensitive    = "sensitive"
	LabelFailedBurst  = "failed-burst"
	LabelVolumeSpike  = "volume-spike"
	LabelRoot         = "root"
	LabelNoMFA        = "no-mfa"
)

var newLabels = map[int]string{dimIP: LabelNewIP, dimUserAgent: LabelNewUserAgent, dimRegion: LabelNewRegion, dimAPI: LabelNewAPI}

// dimVal is one thing a principal used: an IP, a user agent, a region or
// an API.
type dimVal struct {
	dim int
	val int64
}

type seenDay struct{ day, n, first int64 }

// baseline is what a timeline's labels need of one baseline principal:
// when it was first seen, what it used per day, its calls per hour, and
// its denied calls.
type baseline struct {
	first  int64
	seen   map[dimVal][]seenDay
	byDay  map[int64][]dimCount // day → what was used that day
	hours  map[int64]int64
	bursts []burst
	// summaries caches the baseline of a day: the calls of the W days
	// before it and the usual values of each dimension.
	summaries map[int64]*daySummary
	// busiest caches the busiest hour of the baseline of an hour.
	busiest map[int64]int64
}

type dimCount struct {
	dimVal
	n int64
}

type daySummary struct {
	calls int64
	top   map[int][]dimCount
}

// burst is a run of denied calls dense enough to be a failed-burst.
type burst struct {
	from, to int64
	n        int
}

// labeller labels the events of one timeline.
type labeller struct {
	s     *Service
	msg   *messages
	bases map[int64]*baseline
}

// labeller reads the baselines of the principals evs count in: the days
// and hours before the earliest event, back to the baseline window.
func (s *Service) labeller(ctx context.Context, evs []*eventRow, names *namer, msg *messages) (*labeller, error) {
	l := &labeller{s: s, msg: msg, bases: map[int64]*baseline{}}
	if len(evs) == 0 {
		return l, nil
	}
	minT, maxT := evs[0].t, evs[0].t
	denied := false
	for _, r := range evs {
		minT, maxT = min(minT, r.t), max(maxT, r.t)
		if _, ok := l.bases[r.base]; !ok {
			l.bases[r.base] = &baseline{seen: map[dimVal][]seenDay{}, byDay: map[int64][]dimCount{}, hours: map[int64]int64{}, summaries: map[int64]*daySummary{}, busiest: map[int64]int64{}}
		}
		denied = denied || r.flags&FlagDenied != 0
	}
	ids := make([]any, 0, len(l.bases))
	for id := range l.bases {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	o := s.opts
	windowDays := int64(o.Baseline / (24 * time.Hour))
	fromDay, toDay := floorDiv(minT, usPerDay)-windowDays, floorDiv(maxT, usPerDay)
	fromHour, toHour := floorDiv(minT, usPerHour)-windowDays*24, floorDiv(maxT, usPerHour)
	q := s.st.Q()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 200)]
		ids = ids[len(chunk):]
		in := placeholders(len(chunk))
		// A principal's history starts at its first call (not at its
		// creation, which other records may name earlier).
		for _, id := range chunk {
			var first *int64
			if err := q.QueryRow(ctx, `SELECT min(t) FROM inv_events WHERE base = ?`, id).Scan(&first); err != nil {
				return nil, fmt.Errorf("timeline: reading principals: %w", err)
			}
			if first != nil {
				l.bases[id.(int64)].first = *first
			}
		}
		err := each(ctx, q, `SELECT base, day, dim, val, n, first_us FROM inv_seen WHERE base IN (`+in+`) AND day >= ? AND day <= ?`,
			append(slices.Clone(chunk), fromDay, toDay), func(rows store.Rows) error {
				var base, day, val, n, first int64
				var dim int
				if err := rows.Scan(&base, &day, &dim, &val, &n, &first); err != nil {
					return err
				}
				b := l.bases[base]
				k := dimVal{dim, val}
				b.seen[k] = append(b.seen[k], seenDay{day, n, first})
				b.byDay[day] = append(b.byDay[day], dimCount{k, n})
				names.want(val)
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("timeline: reading baselines: %w", err)
		}
		err = each(ctx, q, `SELECT base, hour, n FROM inv_hours WHERE base IN (`+in+`) AND hour >= ? AND hour <= ?`,
			append(slices.Clone(chunk), fromHour, toHour), func(rows store.Rows) error {
				var base, hour, n int64
				if err := rows.Scan(&base, &hour, &n); err != nil {
					return err
				}
				l.bases[base].hours[hour] = n
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("timeline: reading hourly volumes: %w", err)
		}
		if !denied {
			continue
		}
		win := o.BurstWindow.Microseconds()
		times := map[int64][]int64{}
		err = each(ctx, q, `SELECT base, t FROM inv_events WHERE base IN (`+in+`) AND (flags & 1) = 1 AND t >= ? AND t <= ? ORDER BY base, t`,
			append(slices.Clone(chunk), minT-win, maxT+win), func(rows store.Rows) error {
				var base, t int64
				if err := rows.Scan(&base, &t); err != nil {
					return err
				}
				times[base] = append(times[base], t)
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("timeline: reading denied calls: %w", err)
		}
		for base, ts := range times {
			l.bases[base].bursts = findBursts(ts, win, o.BurstCount)
		}
	}
	return l, nil
}

// each runs a query and calls fn for each row.
func each(ctx context.Context, q store.Querier, query string, args []any, fn func(store.Rows) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// findBursts returns the runs of sorted times ts in which at least count
// fall within window of each other, merged when they overlap.
func findBursts(ts []int64, window int64, count int) []burst {
	var out []burst
	r := 0
	for l := range ts {
		for r+1 < len(ts) && ts[r+1]-ts[l] <= window {
			r++
		}
		if r < l {
			r = l
		}
		if r-l+1 < count {
			continue
		}
		if n := len(out); n > 0 && ts[l] <= out[n-1].to {
			b := &out[n-1]
			b.n += countAfter(ts[l:r+1], b.to)
			b.to = ts[r]
			continue
		}
		out = append(out, burst{from: ts[l], to: ts[r], n: r - l + 1})
	}
	return out
}

// countAfter counts the times in sorted ts later than t.
func countAfter(ts []int64, t int64) int {
	i, _ := slices.BinarySearch(ts, t+1)
	return len(ts) - i
}

// label gives each event its labels and reasons.
func (l *labeller) label(evs []TimelineEvent, names *namer) {
	o := l.s.opts
	windowDays := int64(o.Baseline / (24 * time.Hour))
	for i := range evs {
		ev := &evs[i]
		r := ev.row
		b := l.bases[r.base]
		add := func(label, why string) {
			ev.Labels = append(ev.Labels, label)
			ev.Why[label] = why
		}
		history := b != nil && b.first < r.t && r.t-b.first >= o.MinHistory.Microseconds()
		if history {
			for _, dv := range []dimVal{
				{dimIP, r.ip},
				{dimUserAgent, r.ua},
				{dimRegion, Entity{KindRegion, r.region}.id()},
				{dimAPI, apiEntity(r.source, r.name).id()},
			} {
				if dv.val == 0 || b.seenBefore(dv, r.t, windowDays) {
					continue
				}
				add(newLabels[dv.dim], l.whyNew(b, dv.dim, r.t, windowDays, names))
			}
		}
		if entry, ok := l.s.sensitive.match(r.name, r.flags); ok {
			add(LabelSensitive, fmt.Sprintf(l.msg.sensitive, entry))
		}
		if r.flags&FlagDenied != 0 && b != nil {
			for _, bu := range b.bursts {
				if r.t >= bu.from && r.t <= bu.to {
					add(LabelFailedBurst, fmt.Sprintf(l.msg.failedBurst, bu.n, fmtTime(bu.from), fmtTime(bu.to), o.BurstCount, o.BurstWindow))
					break
				}
			}
		}
		if history {
			hour := floorDiv(r.t, usPerHour)
			n := b.hours[hour]
			busiest := b.busiestBefore(hour, windowDays)
			if n > int64(o.SpikeMinCalls) && float64(n) > o.SpikeFactor*float64(busiest) {
				add(LabelVolumeSpike, fmt.Sprintf(l.msg.volumeSpike, n, busiest, o.SpikeMinCalls, o.SpikeFactor))
			}
		}
		if r.flags&FlagRoot != 0 {
			add(LabelRoot, l.msg.root)
		}
		if r.flags&FlagNoMFA != 0 {
			if r.flags&FlagRoot != 0 && r.name != "ConsoleLogin" {
				add(LabelNoMFA, l.msg.noMFARoot)
			} else {
				add(LabelNoMFA, l.msg.noMFALogin)
			}
		}
	}
}

// busiestBefore is the most calls in one hour of the windowDays days
// before hour.
func (b *baseline) busiestBefore(hour, windowDays int64) int64 {
	if n, ok := b.busiest[hour]; ok {
		return n
	}
	var n int64
	for h, c := range b.hours {
		if h >= hour-windowDays*24 && h < hour {
			n = max(n, c)
		}
	}
	b.busiest[hour] = n
	return n
}

// seenBefore reports whether the principal used dv in the baseline
// window before t: on one of the windowDays days before t's day, or
// earlier on t's day.
func (b *baseline) seenBefore(dv dimVal, t, windowDays int64) bool {
	day := floorDiv(t, usPerDay)
	for _, s := range b.seen[dv] {
		if (s.day >= day-windowDays && s.day < day) || (s.day == day && s.first < t) {
			return true
		}
	}
	return false
}

// whyNew says what the baseline held instead.
func (l *labeller) whyNew(b *baseline, dim int, t, windowDays int64, names *namer) string {
	day := floorDiv(t, usPerDay)
	sum := b.summary(day, windowDays)
	if sum.calls == 0 {
		return fmt.Sprintf(l.msg.newNoBaseline, fmtTime(b.first))
	}
	var usual []string
	for _, c := range sum.top[dim] {
		name := names.name(c.val)
		if dim == dimAPI {
			_, name, _ = strings.Cut(name, ":")
		}
		usual = append(usual, name)
	}
	return fmt.Sprintf(l.msg.newSeen[dim], windowDays, sum.calls, strings.Join(usual, l.msg.and))
}

// summary is the baseline of calls on day: the windowDays days before it.
func (b *baseline) summary(day, windowDays int64) *daySummary {
	if s, ok := b.summaries[day]; ok {
		return s
	}
	counts := map[dimVal]int64{}
	s := &daySummary{top: map[int][]dimCount{}}
	for d := day - windowDays; d < day; d++ {
		for _, c := range b.byDay[d] {
			counts[c.dimVal] += c.n
			if c.dim == dimAPI {
				s.calls += c.n
			}
		}
	}
	for k, n := range counts {
		s.top[k.dim] = append(s.top[k.dim], dimCount{k, n})
	}
	for dim, list := range s.top {
		slices.SortFunc(list, func(a, b dimCount) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.val, b.val)) })
		s.top[dim] = list[:min(len(list), 3)]
	}
	b.summaries[day] = s
	return s
}

func fmtTime(us int64) string { return time.UnixMicro(us).UTC().Format(time.RFC3339) }
