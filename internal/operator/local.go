package operator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/pattern"
)

// Local carries out the operator verbs on vigil's database and
// configuration. Each field is needed by some verbs only; a verb whose
// part is missing answers 501 saying what it needs.
type Local struct {
	// Store is the database: silences, dead letters, events, replay.
	Store *store.Store
	// Config returns the configuration in force: rules, and the rule
	// names a silence may name.
	Config func() *config.Config
	// Table returns the rule table: rules test, replay.
	Table func() *route.Table
	// Queue takes redriven and replayed jobs; jobs.New(Store) when nil.
	Queue *jobs.Queue
	// Deliverer turns a replayed event's routing into delivery jobs.
	Deliverer *deliver.Deliverer
	// SilencesChanged, when set, is called after a silence is added or
	// expired, so a running server applies it at once.
	SilencesChanged func(ctx context.Context) error
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

var _ API = (*Local)(nil)

func (l *Local) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Local) store() (*store.Store, error) {
	if l.Store == nil {
		return nil, unavailable("this needs vigil's database (--database or the configuration's database:)")
	}
	return l.Store, nil
}

func (l *Local) config() (*config.Config, error) {
	if l.Config == nil || l.Config() == nil {
		return nil, unavailable("this needs the configuration (--config)")
	}
	return l.Config(), nil
}

func (l *Local) queue() *jobs.Queue {
	if l.Queue != nil {
		return l.Queue
	}
	return jobs.New(l.Store, jobs.Options{})
}

func silenceOf(s *store.Silence, now time.Time) Silence {
	state := "active"
	switch {
	case now.Before(s.StartsAt):
		state = "pending"
	case !now.Before(s.EndsAt):
		state = "expired"
	}
	return Silence{ID: s.ID, State: state, Rule: s.Rule, Pattern: json.RawMessage(s.Pattern), StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(),
		CreatedBy: s.CreatedBy, Comment: s.Comment, CreatedAt: s.CreatedAt.UTC()}
}

// Silences implements API.
func (l *Local) Silences(ctx context.Context, all bool) ([]Silence, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	now := l.now()
	since := now
	if all {
		since = time.Time{}
	}
	ss, err := store.ListSilences(ctx, st.Q(), since)
	if err != nil {
		return nil, err
	}
	out := make([]Silence, len(ss))
	for i, s := range ss {
		out[i] = silenceOf(s, now)
	}
	return out, nil
}

// AddSilence implements API. The pattern must be valid, the rule (when
// given and the configuration is known) must exist, who and why must be
// said, and the silence must end after it starts.
func (l *Local) AddSilence(ctx context.Context, n NewSilence) (*Silence, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	switch {
	case len(n.Pattern) == 0:
		return nil, badRequest("pattern: required (an EventBridge event pattern)")
	case strings.TrimSpace(n.Comment) == "":
		return nil, badRequest("comment: required: say why the events are silenced")
	case strings.TrimSpace(n.CreatedBy) == "":
		return nil, badRequest("created_by: required: who adds the silence")
	}
	// A pattern may arrive as a JSON string holding the pattern.
	var s string
	if json.Unmarshal(n.Pattern, &s) == nil {
		n.Pattern = json.RawMessage(s)
	}
	if err := pattern.Validate(n.Pattern); err != nil {
		return nil, badRequest("pattern: %v", err)
	}
	if n.Rule != "" && l.Config != nil && l.Config() != nil {
		if err := CheckRule(l.Config(), n.Rule); err != nil {
			return nil, badRequest("rule: %v", err)
		}
	}
	now := l.now()
	if n.StartsAt.IsZero() {
		n.StartsAt = now
	}
	if n.EndsAt.IsZero() {
		return nil, badRequest("ends_at: required")
	}
	if !n.EndsAt.After(n.StartsAt) {
		return nil, badRequest("the silence ends (%s) before it starts (%s)", n.EndsAt.UTC().Format(time.RFC3339), n.StartsAt.UTC().Format(time.RFC3339))
	}
	x := &store.Silence{ID: ingest.NewID(), Rule: n.Rule, Pattern: string(n.Pattern), StartsAt: n.StartsAt, EndsAt: n.EndsAt,
		CreatedBy: n.CreatedBy, Comment: n.Comment, CreatedAt: now}
	if err := store.AddSilence(ctx, st.Q(), x); err != nil {
		return nil, err
	}
	l.silencesChanged(ctx)
	out := silenceOf(x, now)
	return &out, nil
}

func (l *Local) silencesChanged(ctx context.Context) {
	if l.SilencesChanged != nil {
		// The silence is stored; a failure here only delays it until the
		// server's next reload of silences (5 seconds).
		_ = l.SilencesChanged(ctx)
	}
}

// CheckRule fails when cfg has no rule called name, suggesting the
// nearest one or listing them.
func CheckRule(cfg *config.Config, name string) error {
	var names []string
	for _, r := range cfg.Rules {
		if r.Name == name {
			return nil
		}
		names = append(names, r.Name)
	}
	switch s := config.Suggest(name, names); {
	case s != "":
		return fmt.Errorf("no rule %q in the configuration (did you mean %s?)", name, s)
	case len(names) == 0:
		return fmt.Errorf("no rule %q: the configuration has no rules", name)
	case len(names) > 10:
		names = append(names[:10], "...")
	}
	return fmt.Errorf("no rule %q in the configuration (rules: %s)", name, strings.Join(names, ", "))
}

// ExpireSilence implements API.
func (l *Local) ExpireSilence(ctx context.Context, id string) error {
	st, err := l.store()
	if err != nil {
		return err
	}
	if err := store.ExpireSilence(ctx, st.Q(), id, l.now()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no silence with id %q", id)
		}
		return err
	}
	l.silencesChanged(ctx)
	return nil
}

// DeadLetters implements API.
func (l *Local) DeadLetters(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	dls, err := jobs.ListDeadLetters(ctx, st.Q(), jobs.DeadLetterFilter{Rule: f.Rule, Target: f.Target, All: f.All})
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, len(dls))
	for i, d := range dls {
		out[i] = deadLetterOf(d, false)
	}
	return out, nil
}

// DeadLetter implements API.
func (l *Local) DeadLetter(ctx context.Context, job int64) (*DeadLetter, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	d, err := jobs.GetDeadLetter(ctx, st.Q(), job)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("no dead letter for job %d", job)
	}
	if err != nil {
		return nil, err
	}
	out := deadLetterOf(d, true)
	return &out, nil
}

// deadLetterOf describes d; with details, what the delivery's arguments
// say too (dedup key, acceptance time, payload).
func deadLetterOf(d *jobs.DeadLetter, details bool) DeadLetter {
	x := DeadLetter{Job: d.JobID, Kind: d.Kind, Rule: d.Rule, Target: d.Target, EventID: d.EventID, Attempts: d.Attempts,
		LastError: d.LastError, FailedAt: d.FailedAt.UTC()}
	if !d.RedrivenAt.IsZero() {
		t := d.RedrivenAt.UTC()
		x.RedrivenAt, x.RedriveJob = &t, d.RedriveJob
	}
	if details {
		var a deliver.DeliverArgs
		if json.Unmarshal(d.Args, &a) == nil {
			x.DedupKey = a.EventKey
			if !a.AcceptedAt.IsZero() {
				t := a.AcceptedAt.UTC()
				x.AcceptedAt = &t
			}
			if json.Valid(a.Payload) {
				x.Payload = json.RawMessage(a.Payload)
			} else if a.Payload != nil {
				x.Payload, _ = json.Marshal(string(a.Payload))
			}
		}
	}
	return x
}

// Redrive implements API.
func (l *Local) Redrive(ctx context.Context, r RedriveRequest) ([]Redriven, error) {
	switch {
	case !r.All && len(r.Jobs) == 0:
		return nil, badRequest("give the dead letters' job ids, or all (narrowed by rule and target)")
	case r.All && len(r.Jobs) > 0:
		return nil, badRequest("give job ids or all, not both")
	case !r.All && (r.Rule != "" || r.Target != ""):
		return nil, badRequest("rule and target narrow all; with job ids, drop them")
	}
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	ids := r.Jobs
	if r.All {
		dls, err := jobs.ListDeadLetters(ctx, st.Q(), jobs.DeadLetterFilter{Rule: r.Rule, Target: r.Target})
		if err != nil {
			return nil, err
		}
		for _, d := range dls {
			ids = append(ids, d.JobID)
		}
	}
	q := l.queue()
	out := make([]Redriven, 0, len(ids))
	for _, id := range ids {
		nid, err := q.Redrive(ctx, id)
		res := Redriven{Job: id, NewJob: nid}
		switch {
		case errors.Is(err, store.ErrNotFound):
			res.Error = fmt.Sprintf("no dead letter for job %d", id)
		case err != nil:
			res.Error = err.Error()
		}
		out = append(out, res)
	}
	return out, nil
}

// maxEvents bounds one listing of events.
const maxEvents = 1000

// Events implements API.
func (l *Local) Events(ctx context.Context, f EventFilter) ([]Event, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	if f.Limit < 0 || f.Limit > maxEvents {
		return nil, badRequest("limit: want 1 to %d, got %d", maxEvents, f.Limit)
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	evs, err := store.ListEvents(ctx, st.Q(), store.EventQuery{Since: f.Since, Until: f.Until, Source: f.Source, Limit: f.Limit, Newest: true})
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = eventOf(e)
	}
	return out, nil
}

func eventOf(e *store.Event) Event {
	x := Event{ID: e.ID, DedupKey: e.Key, Source: e.Source, DetailType: e.DetailType, Input: e.Input, ReceivedAt: e.ReceivedAt.UTC()}
	if len(e.Raw) > 0 {
		x.Raw = json.RawMessage(e.Raw)
	}
	return x
}

// Event implements API.
func (l *Local) Event(ctx context.Context, id string) (*Event, error) {
	st, err := l.store()
	if err != nil {
		return nil, err
	}
	e, err := store.GetEvent(ctx, st.Q(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("no stored event with id %q", id)
	}
	if err != nil {
		return nil, err
	}
	out := eventOf(e)
	return &out, nil
}

// Rules implements API.
func (l *Local) Rules(ctx context.Context) ([]Rule, error) {
	cfg, err := l.config()
	if err != nil {
		return nil, err
	}
	out := make([]Rule, len(cfg.Rules))
	for i, r := range cfg.Rules {
		x := Rule{Name: r.Name, Description: r.Description, State: r.State, EventPattern: json.RawMessage(r.EventPattern), Targets: []RuleTarget{}}
		for _, t := range r.Targets {
			x.Targets = append(x.Targets, RuleTarget{ID: t.ID, Type: t.Type})
		}
		out[i] = x
	}
	return out, nil
}

// TestEvent implements API. With a database, the silences in force apply
// (a silenced rule is shown with the silence that mutes it).
func (l *Local) TestEvent(ctx context.Context, raw []byte) (*Decision, error) {
	if l.Table == nil || l.Table() == nil {
		return nil, unavailable("this needs the configuration's rules (--config)")
	}
	ev, err := ingest.Parse(raw)
	if err != nil {
		return nil, badRequest("event: %v", err)
	}
	var sil *route.Silences
	if l.Store != nil {
		if sil, err = l.activeSilences(ctx); err != nil {
			return nil, err
		}
	}
	dec, err := l.Table().Route(ev, l.now(), sil)
	if err != nil {
		return nil, err
	}
	return decisionOf(dec), nil
}

// activeSilences compiles the silences that have not ended.
func (l *Local) activeSilences(ctx context.Context) (*route.Silences, error) {
	ss, err := store.ListSilences(ctx, l.Store.Q(), l.now())
	if err != nil {
		return nil, err
	}
	rs := make([]*route.Silence, len(ss))
	for i, s := range ss {
		rs[i] = &route.Silence{ID: s.ID, Rule: s.Rule, Pattern: []byte(s.Pattern), StartsAt: s.StartsAt, EndsAt: s.EndsAt}
	}
	return route.CompileSilences(rs)
}
