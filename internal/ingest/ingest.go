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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/event"
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
	q        *jobs.Queue
	log      *slog.Logger
	table    atomic.Pointer[route.Table]
	silences atomic.Pointer[route.Silences]
	reqs     chan *request
	metrics  *metrics
	wg       sync.WaitGroup
	stopOnce sync.Once
	stop     chan struct{}
}

type request struct {
	evs     []*store.Event
	routes  []*route.Decision
	parsed  []*event.Event
	results []Result
	idx     []int // index in results of each ev
	done    chan error
}

// Options configures an Ingester.
type Options struct {
	Logger *slog.Logger
	// Committers is how many transactions may run at once: 1 for SQLite
	// (one writer), a few for PostgreSQL. 0 picks by database.
	Committers int
	// MaxBatch bounds the events in one transaction; 0 means 512.
	MaxBatch int
}

// New returns an Ingester that stores into st and enqueues into q, routing
// with table. Call Close when done.
func New(st *store.Store, q *jobs.Queue, table *route.Table, opts Options) *Ingester {
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
	in := &Ingester{st: st, q: q, log: opts.Logger, reqs: make(chan *request, 4096), metrics: newMetrics(), stop: make(chan struct{})}
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
func (in *Ingester) Accept(ctx context.Context, input string, raws [][]byte) []Result {
	now := time.Now()
	req := &request{results: make([]Result, len(raws)), done: make(chan error, 1)}
	table := in.table.Load()
	sil := in.silences.Load()
	for i, raw := range raws {
		in.metrics.received.WithLabelValues(input).Inc()
		ev, err := Parse(raw)
		if err != nil {
			in.reject(input, &req.results[i], err)
			continue
		}
		dec, err := table.Route(ev, now, sil)
		if err != nil {
			in.reject(input, &req.results[i], &Error{Code: "MalformedDetail", Err: err})
			continue
		}
		req.results[i].EventID = ev.ID
		req.evs = append(req.evs, &store.Event{Key: dec.Key, ID: ev.ID, Source: ev.Source, DetailType: ev.DetailType, Input: input, ReceivedAt: now, Raw: ev.Raw})
		req.routes = append(req.routes, dec)
		req.parsed = append(req.parsed, ev)
		req.idx = append(req.idx, i)
	}
	if len(req.evs) == 0 {
		return req.results
	}
	select {
	case <-in.stop:
		return in.failAll(req, ErrClosed)
	default:
	}
	select {
	case in.reqs <- req:
	case <-ctx.Done():
		return in.failAll(req, ctx.Err())
	case <-in.stop:
		return in.failAll(req, ErrClosed)
	}
	// Once submitted, wait for the commit even if ctx ends: the caller
	// must learn whether the event is stored.
	if err := <-req.done; err != nil {
		return in.failAll(req, err)
	}
	return req.results
}

func (in *Ingester) failAll(req *request, err error) []Result {
	for _, i := range req.idx {
		if req.results[i].Err == nil {
			req.results[i].Err = err
		}
	}
	return req.results
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
		n := len(first.evs)
	more:
		for n < maxBatch {
			select {
			case r := <-in.reqs:
				batch = append(batch, r)
				n += len(r.evs)
			default:
				break more
			}
		}
		in.commit(batch)
	}
}

func (in *Ingester) commit(batch []*request) {
	var evs []*store.Event
	for _, r := range batch {
		evs = append(evs, r.evs...)
	}
	ctx, cancel := context.WithTimeout(store.Priority(context.Background()), 30*time.Second)
	defer cancel()
	var matches []string
	err := in.st.InTx(ctx, func(tx store.Tx) error {
		isNew, err := store.InsertEvents(ctx, tx, evs)
		if err != nil {
			return fmt.Errorf("storing events: %w", err)
		}
		var params []river.InsertManyParams
		k := 0
		matches = matches[:0]
		for _, r := range batch {
			for j, ev := range r.evs {
				dec := r.routes[j]
				res := &r.results[r.idx[j]]
				if !isNew[k] {
					res.Duplicate = true
					res.Decision = nil
					k++
					continue
				}
				k++
				res.Decision = dec
				for _, m := range dec.Matched {
					matches = append(matches, m.Rule)
					for _, o := range m.Targets {
						if !o.Deliver || m.SilencedBy != "" {
							continue
						}
						p, err := in.jobFor(ctx, tx, ev, m.Rule, &o)
						if err != nil {
							return err
						}
						if p != nil {
							params = append(params, *p)
						}
					}
				}
			}
		}
		return in.q.InsertTx(ctx, tx, params)
	})
	if err != nil {
		in.log.Error("committing events failed", "events", len(evs), "error", err.Error())
	} else {
		for _, r := range batch {
			for j, ev := range r.evs {
				res := r.results[r.idx[j]]
				if res.Duplicate {
					in.metrics.duplicates.WithLabelValues(ev.Input).Inc()
					in.log.Debug("duplicate event dropped", "event_id", ev.ID, "dedup_key", ev.Key)
					continue
				}
				in.metrics.accepted.WithLabelValues(ev.Input).Inc()
				in.log.Info("event accepted", "event_id", ev.ID, "source", ev.Source, "detail_type", ev.DetailType, "input", ev.Input, "rules", ruleNames(res.Decision))
			}
		}
		for _, m := range matches {
			in.metrics.matched.WithLabelValues(m).Inc()
		}
	}
	for _, r := range batch {
		r.done <- err
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

// jobFor returns the delivery job for one target output, or joins the
// event to its notification group (returning the group's flush job when one
// must be scheduled).
func (in *Ingester) jobFor(ctx context.Context, tx store.Tx, ev *store.Event, rule string, o *route.Output) (*river.InsertManyParams, error) {
	t := o.TargetConfig()
	p := jobs.Policy{MaxAttempts: t.Retry.MaxAttempts, MaxAge: t.Retry.MaxAge.D(), MinBackoff: t.Retry.MinBackoff.D(), MaxBackoff: t.Retry.MaxBackoff.D()}
	if o.Group == "" {
		j := jobs.DeliverJob(jobs.DeliverArgs{
			EventKey: ev.Key, EventID: ev.ID, Rule: rule, Target: o.Target, Payload: o.Payload,
			AcceptedAt: ev.ReceivedAt, NotAfter: ev.ReceivedAt.Add(p.MaxAge), Policy: p,
		})
		return &j, nil
	}
	schedule, g, err := store.JoinGroup(ctx, tx,
		&store.Group{ID: o.Group, Rule: rule, Target: o.Target, Key: o.GroupKey},
		&store.GroupMember{EventKey: ev.Key, EventID: ev.ID, AddedAt: ev.ReceivedAt, Payload: o.Payload},
		t.RepeatInterval.D())
	if err != nil {
		return nil, fmt.Errorf("joining notification group: %w", err)
	}
	if !schedule {
		return nil, nil
	}
	at := g.OpenedAt.Add(t.GroupWait.D())
	if !g.LastFlushAt.IsZero() {
		at = g.LastFlushAt.Add(t.GroupInterval.D())
	}
	if at.Before(ev.ReceivedAt) {
		at = ev.ReceivedAt
	}
	j := jobs.FlushJob(jobs.FlushArgs{
		GroupID: o.Group, GroupKey: o.GroupKey, Rule: rule, Target: o.Target,
		Interval: t.GroupInterval.D(), Policy: p, FirstAt: at,
	}, at)
	return &j, nil
}

// Parse validates raw as an event and gives it an id when it has none
// (EventBridge always sets one; a hand-made event may not), so that it can
// be deduplicated and referred to.
func Parse(raw []byte) (*event.Event, error) {
	if len(raw) > event.MaxSize {
		return nil, &Error{Code: "EntrySizeTooLarge", Err: fmt.Errorf("event is %d bytes; the limit is %d (256 KB)", len(raw), event.MaxSize)}
	}
	ev, err := event.Parse(raw)
	if err != nil {
		code := "MalformedDetail"
		if errors.Is(err, event.ErrTooLarge) {
			code = "EntrySizeTooLarge"
		}
		return nil, &Error{Code: code, Err: err}
	}
	if ev.ID == "" {
		id := NewID()
		trimmed := bytes.TrimLeft(raw, " \t\r\n")
		withID := make([]byte, 0, len(trimmed)+len(id)+10)
		withID = append(withID, `{"id":"`...)
		withID = append(withID, id...)
		withID = append(withID, '"')
		rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
		if len(rest) > 0 && rest[0] != '}' {
			withID = append(withID, ',')
		}
		withID = append(withID, rest...)
		ev2, err := event.Parse(withID)
		if err != nil {
			return nil, &Error{Code: "MalformedDetail", Err: err}
		}
		ev = ev2
	}
	return ev, nil
}

// NewID returns a random UUID (version 4), the form of EventBridge event ids.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type metrics struct {
	received, accepted, duplicates *prometheus.CounterVec
	rejected                       *prometheus.CounterVec
	matched                        *prometheus.CounterVec
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
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.received, m.accepted, m.duplicates, m.rejected, m.matched}
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
