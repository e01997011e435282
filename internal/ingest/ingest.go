// Package ingest is the one path every input (HTTP, SQS, Lambda, vigil
// process) takes into vigil: parse and validate the event, decide its
// routing, and commit the event with its delivery jobs in one transaction
// before anything is acknowledged.
//
// Commits are batched: concurrent callers' events share a transaction
// (group commit), which is what lets one SQLite file accept thousands of
// events a second while every acknowledged event is on disk.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
)

// Result is the outcome for one submitted event.
type Result struct {
	// EventID is the event's id (assigned when the event had none).
	EventID string
	// Duplicate is true when the event was already stored (same id, or same
	// Security Hub finding version); it is acknowledged and not routed
	// again.
	Duplicate bool
	// Decision is the routing decision (nil for duplicates and errors).
	Decision *route.Decision
	// Err is set when the event was not accepted; *Error for bad input.
	Err error
}

// Error is a rejected event: bad input, never retried as is.
type Error struct {
	// Code is a PutEvents-style error code (MalformedDetail,
	// InvalidArgument, ...).
	Code string
	Err  error
}

// Error returns the reason.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Ingester accepts events. It is safe for concurrent use.
type Ingester struct {
	st       *store.Store
	d        *deliver.Deliverer
	q        *jobs.Queue
	log      *slog.Logger
	table    atomic.Pointer[route.Table]
	silences atomic.Pointer[route.Silences]
	reqs     chan *request
	metrics  *metrics
	wg       sync.WaitGroup
	stopOnce sync.Once
	stop     chan struct{}
	hooks    []Hook
}

// request is one Accept call's valid events, waiting for a committer.
type request struct {
	items []*item
	done  chan struct{} // closed when every item has its outcome
}

// item is one event on its way into the database; res is its caller's
// Result, which the committer fills in.
type item struct {
	ev     *store.Event
	dec    *route.Decision
	parsed *event.Event
	res    *Result
}

// Options configures an Ingester.
type Options struct {
	Logger *slog.Logger
	// Committers is how many transactions may run at once: 1 for SQLite
	// (one writer), a few for PostgreSQL. 0 picks by database.
	Committers int
	// MaxBatch bounds the events in one transaction; 0 means 512.
	MaxBatch int
	// Hooks see every new (not duplicate) event inside the transaction
	// that stores it, and return jobs to commit with it: work that must
	// happen because the event was accepted (investigation records a
	// CloudTrail call) without slowing the accept path down.
	Hooks []Hook
}

// Hook is called for each new event in the transaction that stores it; the
// jobs it returns are committed with the event.
type Hook func(ctx context.Context, tx store.Tx, ev *event.Event, stored *store.Event) ([]river.InsertManyParams, error)

// New returns an Ingester that stores into st and enqueues deliveries with
// d on q, routing with table. Call Close when done.
func New(st *store.Store, q *jobs.Queue, d *deliver.Deliverer, table *route.Table, opts Options) *Ingester {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Committers == 0 {
		opts.Committers = 1
		if st.Kind() == store.Postgres {
			opts.Committers = 4
		}
	}
	if opts.MaxBatch == 0 {
		opts.MaxBatch = 512
	}
	in := &Ingester{st: st, q: q, d: d, hooks: opts.Hooks, log: opts.Logger, reqs: make(chan *request, 4096), metrics: newMetrics(), stop: make(chan struct{})}
	in.table.Store(table)
	for range opts.Committers {
		in.wg.Add(1)
		go in.committer(opts.MaxBatch)
	}
	return in
}

// SetTable replaces the rule set (configuration reload).
func (in *Ingester) SetTable(t *route.Table) { in.table.Store(t) }

// Table returns the current rule set.
func (in *Ingester) Table() *route.Table { return in.table.Load() }

// SetSilences replaces the silences applied to new events.
func (in *Ingester) SetSilences(s *route.Silences) { in.silences.Store(s) }

// Collectors returns the ingest metrics for Prometheus.
func (in *Ingester) Collectors() []prometheus.Collector { return in.metrics.collectors() }

// Close stops the committers after the requests already submitted are
// committed.
func (in *Ingester) Close() {
	in.stopOnce.Do(func() { close(in.stop) })
	in.wg.Wait()
}

// ErrClosed is returned for events submitted after Close.
var ErrClosed = errors.New("ingest: shutting down")

// Accept parses, routes and durably stores raws (each one event), and
// returns one Result per event, in order. It returns when every accepted
// event is committed. input names the source for logs and metrics (http,
// sqs, lambda).
//
// One event never costs another its place: an event the database refuses
// is rejected alone (see commit), and the others are stored.
func (in *Ingester) Accept(ctx context.Context, input string, raws [][]byte) []Result {
	now := time.Now()
	results := make([]Result, len(raws))
	req := &request{done: make(chan struct{})}
	table := in.table.Load()
	sil := in.silences.Load()
	for i, raw := range raws {
		in.metrics.received.WithLabelValues(input).Inc()
		ev, err := Parse(raw)
		if err != nil {
			in.reject(input, &results[i], err)
			continue
		}
		dec, err := table.Route(ev, now, sil)
		if err == nil {
			err = checkStorable(dec)
		}
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) {
				err = &Error{Code: "MalformedDetail", Err: err}
			}
			in.reject(input, &results[i], err)
			continue
		}
		results[i].EventID = ev.ID
		req.items = append(req.items, &item{
			ev:  &store.Event{Key: dec.Key, ID: ev.ID, Source: ev.Source, DetailType: ev.DetailType, Input: input, ReceivedAt: now, Raw: ev.Raw},
			dec: dec, parsed: ev, res: &results[i],
		})
	}
	if len(req.items) == 0 {
		return results
	}
	select {
	case <-in.stop:
		return failAll(req, results, ErrClosed)
	default:
	}
	select {
	case in.reqs <- req:
	case <-ctx.Done():
		return failAll(req, results, ctx.Err())
	case <-in.stop:
		return failAll(req, results, ErrClosed)
	}
	// Once submitted, wait for the commit even if ctx ends: the caller
	// must learn whether the event is stored.
	<-req.done
	return results
}

func failAll(req *request, results []Result, err error) []Result {
	for _, it := range req.items {
		it.res.Err = err
	}
	return results
}

func (in *Ingester) reject(input string, r *Result, err error) {
	var ie *Error
	if !errors.As(err, &ie) {
		err = &Error{Code: "InvalidArgument", Err: err}
		errors.As(err, &ie)
	}
	r.Err = err
	in.metrics.rejected.WithLabelValues(input, ie.Code).Inc()
}

// committer takes whatever requests are waiting (up to maxBatch events) and
// commits them in one transaction. It never waits for more to arrive: under
// light load each event commits at once, under heavy load batches grow by
// themselves.
func (in *Ingester) committer(maxBatch int) {
	defer in.wg.Done()
	for {
		var first *request
		select {
		case first = <-in.reqs:
		case <-in.stop:
			// Drain what was submitted before Close.
			for {
				select {
				case r := <-in.reqs:
					in.commit([]*request{r})
				default:
					return
				}
			}
		}
		batch := []*request{first}
		n := len(first.items)
	more:
		for n < maxBatch {
			select {
			case r := <-in.reqs:
				batch = append(batch, r)
				n += len(r.items)
			default:
				break more
			}
		}
		in.commit(batch)
	}
}

// commit stores the batch's events and tells each request's caller.
func (in *Ingester) commit(batch []*request) {
	var items []*item
	for _, r := range batch {
		items = append(items, r.items...)
	}
	in.commitItems(items)
	for _, r := range batch {
		close(r.done)
	}
}

// commitItems commits items in one transaction. When the database refuses
// a value (store.IsDataError: a NUL in a text column, a key over an index's
// limit, a constraint a hook's table sets), the group is split in halves
// and each is committed on its own, down to the single event at fault,
// which is rejected as bad input: every other event is stored, and the
// refused one is not retried by its sender forever. Any other failure
// (the database unreachable) fails the whole group, to be sent again.
func (in *Ingester) commitItems(items []*item) {
	err := in.tx(items)
	if err == nil {
		in.accepted(items)
		return
	}
	for _, it := range items {
		it.res.Duplicate, it.res.Decision = false, nil
	}
	if store.IsDataError(err) {
		if len(items) > 1 {
			half := len(items) / 2
			in.commitItems(items[:half])
			in.commitItems(items[half:])
			return
		}
		it := items[0]
		in.log.Warn("the database refused an event", "event_id", it.ev.ID, "input", it.ev.Input, "error", err.Error())
		in.reject(it.ev.Input, it.res, &Error{Code: "InvalidArgument", Err: fmt.Errorf("event: the database cannot store this event: %w", err)})
		return
	}
	in.log.Error("committing events failed", "events", len(items), "error", err.Error())
	for _, it := range items {
		it.res.Err = err
	}
}

// tx stores items and their jobs in one transaction.
func (in *Ingester) tx(items []*item) error {
	evs := make([]*store.Event, len(items))
	for i, it := range items {
		evs[i] = it.ev
	}
	ctx, cancel := context.WithTimeout(store.Priority(context.Background()), 30*time.Second)
	defer cancel()
	return in.st.InTx(ctx, func(tx store.Tx) error {
		isNew, err := store.InsertEvents(ctx, tx, evs)
		if err != nil {
			return fmt.Errorf("storing events: %w", err)
		}
		var params []river.InsertManyParams
		for k, it := range items {
			if !isNew[k] {
				it.res.Duplicate, it.res.Decision = true, nil
				continue
			}
			it.res.Duplicate, it.res.Decision = false, it.dec
			for _, h := range in.hooks {
				ps, err := h(ctx, tx, it.parsed, it.ev)
				if err != nil {
					return err
				}
				params = append(params, ps...)
			}
			for _, m := range it.dec.Matched {
				for _, o := range m.Targets {
					if !o.Deliver || m.SilencedBy != "" {
						continue
					}
					p, err := in.d.Enqueue(ctx, tx, it.ev, m.Rule, &o)
					if err != nil {
						return err
					}
					if p != nil {
						params = append(params, *p)
					}
				}
			}
		}
		return in.q.InsertTx(ctx, tx, params)
	})
}

// accepted counts and logs a committed group. The log lines are built only
// when their level is enabled, and as typed attributes: boxing their values
// was a tenth of the allocations of an accepted event.
func (in *Ingester) accepted(items []*item) {
	ctx := context.Background()
	debug, info := in.log.Enabled(ctx, slog.LevelDebug), in.log.Enabled(ctx, slog.LevelInfo)
	for _, it := range items {
		ev := it.ev
		if it.res.Duplicate {
			in.metrics.duplicates.WithLabelValues(ev.Input).Inc()
			if debug {
				in.log.LogAttrs(ctx, slog.LevelDebug, "duplicate event dropped", slog.String("event_id", ev.ID), slog.String("dedup_key", ev.Key))
			}
			continue
		}
		in.metrics.accepted.WithLabelValues(ev.Input).Inc()
		if info {
			in.log.LogAttrs(ctx, slog.LevelInfo, "event accepted", slog.String("event_id", ev.ID), slog.String("source", ev.Source), slog.String("detail_type", ev.DetailType), slog.String("input", ev.Input), slog.Any("rules", ruleNames(it.res.Decision)))
		}
		for _, m := range it.dec.Matched {
			in.metrics.matched.WithLabelValues(m.Rule).Inc()
			if m.SilencedBy != "" {
				// Stored, but its targets get nothing: say so, or a
				// forgotten silence looks like a broken rule.
				in.metrics.silenced.WithLabelValues(m.Rule).Inc()
				in.log.Info("event silenced", "event_id", ev.ID, "rule", m.Rule, "silence", m.SilencedBy)
			}
		}
	}
}

func ruleNames(d *route.Decision) []string {
	if d == nil {
		return nil
	}
	out := make([]string, len(d.Matched))
	for i, m := range d.Matched {
		out[i] = m.Rule
	}
	return out
}

type metrics struct {
	received, accepted, duplicates *prometheus.CounterVec
	rejected                       *prometheus.CounterVec
	matched, silenced              *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_events_received_total", Help: "Events received, by input (http, sqs, lambda).",
		}, []string{"input"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_events_accepted_total", Help: "Events stored (new, not duplicates), by input.",
		}, []string{"input"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_events_duplicate_total", Help: "Events dropped as duplicates of stored ones, by input.",
		}, []string{"input"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_events_rejected_total", Help: "Events rejected as invalid, by input and error code.",
		}, []string{"input", "code"}),
		matched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_rule_matches_total", Help: "Stored events each rule matched.",
		}, []string{"rule"}),
		silenced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_events_silenced_total", Help: "Stored events a rule matched but delivered to none of its targets because a silence muted it, by rule.",
		}, []string{"rule"}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.received, m.accepted, m.duplicates, m.rejected, m.matched, m.silenced}
}

// LoadSilences reads the silences that have not ended from the database
// and applies them to new events.
func (in *Ingester) LoadSilences(ctx context.Context) error {
	ss, err := store.ListSilences(ctx, in.st.Q(), time.Now())
	if err != nil {
		return err
	}
	rs := make([]*route.Silence, len(ss))
	for i, s := range ss {
		rs[i] = &route.Silence{ID: s.ID, Rule: s.Rule, Pattern: []byte(s.Pattern), StartsAt: s.StartsAt, EndsAt: s.EndsAt}
	}
	c, err := route.CompileSilences(rs)
	if err != nil {
		return err
	}
	in.SetSilences(c)
	return nil
}

// WatchSilences reloads silences every interval until ctx ends, so that
// `vigil silence add` (which writes to the database) takes effect in every
// running replica.
func (in *Ingester) WatchSilences(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := in.LoadSilences(ctx); err != nil && ctx.Err() == nil {
				in.log.Warn("reloading silences failed", "error", err.Error())
			}
		}
	}
}
