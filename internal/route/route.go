// Package route turns a rule set into routing decisions: for an event, which
// rules match (one pass of the pattern matcher over all of them), which of
// those are silenced, and for each target what it receives (InputPath /
// InputTransformer) and in which notification group.
//
// Each target's Sender comes from the target registry (package target) the
// composition root builds.
package route

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/group"
	"github.com/vigilhq/vigil/internal/target"
	"github.com/vigilhq/vigil/pattern"
)

// Rule is a compiled rule.
type Rule struct {
	Name    string
	Config  *config.Rule
	Targets []*Target
}

// Target is a compiled target of a rule.
type Target struct {
	Rule   *Rule
	Config *config.Target
	Input  *pattern.Input
	Sender target.Sender
}

// Table is a compiled rule set. It is immutable; build a new one to change
// rules.
type Table struct {
	cfg     *config.Config
	matcher *pattern.Matcher
	rules   map[string]*Rule
	order   []*Rule
}

// Compile checks every rule and target of cfg, builds each target's Sender
// with reg, and builds the table. Every problem is reported, each a
// config.Error with file:line: a bad pattern does not hide a bad target.
func Compile(cfg *config.Config, reg *target.Registry) (*Table, error) {
	t := &Table{cfg: cfg, matcher: pattern.NewMatcher(), rules: map[string]*Rule{}}
	var errs config.Errors
	add := func(err error) {
		var ce *config.Error
		var ces config.Errors
		switch {
		case errors.As(err, &ces):
			errs = append(errs, ces...)
		case errors.As(err, &ce):
			errs = append(errs, ce)
		default:
			errs = append(errs, &config.Error{File: cfg.File(), Msg: err.Error()})
		}
	}
	for i := range cfg.Rules {
		rc := &cfg.Rules[i]
		path := fmt.Sprintf("rules[%d]", i)
		r := &Rule{Name: rc.Name, Config: rc}
		for j := range rc.Targets {
			tc := &rc.Targets[j]
			tp := fmt.Sprintf("%s.targets[%d]", path, j)
			in, err := pattern.CompileInput(tc.InputSpec())
			if err != nil {
				add(cfg.Errorf(tp, "%v", err))
				continue
			}
			s, err := reg.Build(rc.Name, tc)
			if err != nil {
				add(err)
				continue
			}
			r.Targets = append(r.Targets, &Target{Rule: r, Config: tc, Input: in, Sender: s})
		}
		if rc.Enabled() {
			if err := t.matcher.AddPattern(rc.Name, rc.EventPattern); err != nil {
				add(cfg.Errorf(path+".event_pattern", "%v", err))
			}
		}
		t.rules[r.Name] = r
		t.order = append(t.order, r)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// Config returns the configuration the table was compiled from.
func (t *Table) Config() *config.Config { return t.cfg }

// Rules returns the rules in file order.
func (t *Table) Rules() []*Rule { return t.order }

// Target returns the target id of rule, or nil when either is not (or no
// longer) configured.
func (t *Table) Target(rule, id string) *Target {
	r := t.rules[rule]
	if r == nil {
		return nil
	}
	for _, tg := range r.Targets {
		if tg.Config.ID == id {
			return tg
		}
	}
	return nil
}

// ErrNoTarget is returned by Send for a delivery whose rule or target is no
// longer in the configuration.
var ErrNoTarget = errors.New("target is not configured")

// Send delivers d through the Sender of its rule and target, within the
// target's timeout.
func (t *Table) Send(ctx context.Context, d target.Delivery) (retry bool, err error) {
	tg := t.Target(d.Rule, d.Target)
	if tg == nil {
		return false, fmt.Errorf("rule %q target %q: %w", d.Rule, d.Target, ErrNoTarget)
	}
	if to := tg.Config.Timeout.D(); to > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, to)
		defer cancel()
	}
	return tg.Sender.Send(ctx, d)
}

// Decision is what routing decided for one event.
type Decision struct {
	EventID string `json:"event_id"`
	// Key is the deduplication key (see DedupKey).
	Key     string      `json:"dedup_key"`
	Matched []RuleMatch `json:"matched_rules"`
}

// RuleMatch is one rule that matched.
type RuleMatch struct {
	Rule string `json:"rule"`
	// SilencedBy is the id of the silence that mutes this rule for the
	// event; its targets then receive nothing.
	SilencedBy string   `json:"silenced_by,omitempty"`
	Targets    []Output `json:"targets"`
}

// Output is what one target receives.
type Output struct {
	Target string `json:"target"`
	Type   string `json:"type"`
	// Deliver is false when EventBridge would send nothing (an InputPath
	// that selects nothing, ...); Reason says why.
	Deliver bool            `json:"deliver"`
	Reason  string          `json:"reason,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
	// Group is set for grouped targets: the group's id and its key (the
	// group_by values).
	Group    string `json:"group,omitempty"`
	GroupKey string `json:"group_key,omitempty"`

	target *Target
}

// TargetConfig returns the configuration of the target the output is for.
func (o *Output) TargetConfig() *config.Target { return o.target.Config }

// Route decides what ev's matching rules send. received is when vigil
// accepted the event (the template's <aws.events.event.ingestion-time>).
// silences may be nil.
func (t *Table) Route(ev *event.Event, received time.Time, silences *Silences) (*Decision, error) {
	d := &Decision{EventID: ev.ID, Key: DedupKey(ev)}
	names, err := t.matcher.Match(ev.Raw)
	if err != nil {
		return nil, err
	}
	var doc any // decoded lazily, for group_by
	var active []*Silence
	if len(names) > 0 {
		active = silences.Active(ev.Raw, received)
	}
	for _, name := range names {
		r := t.rules[name]
		if r == nil {
			continue
		}
		m := RuleMatch{Rule: name}
		if s := forRule(active, name); s != "" {
			m.SilencedBy = s
			d.Matched = append(d.Matched, m)
			continue
		}
		vars := pattern.Vars{
			RuleARN:       fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", ev.Region, ev.Account, name),
			RuleName:      name,
			IngestionTime: received.UTC().Format(time.RFC3339),
		}
		for _, tg := range r.Targets {
			o := Output{Target: tg.Config.ID, Type: tg.Config.Type, target: tg}
			payload, deliver, reason, err := tg.Input.Render(ev.Raw, vars)
			switch {
			case err != nil:
				o.Reason = err.Error()
			case !deliver:
				o.Reason = reason
			default:
				o.Deliver = true
				o.Payload = payload
			}
			if o.Deliver && tg.Config.Grouped() {
				if doc == nil {
					if err := json.Unmarshal(ev.Raw, &doc); err != nil {
						return nil, err
					}
				}
				o.GroupKey = group.Key(doc, tg.Config.GroupBy)
				o.Group = group.ID(name, tg.Config.ID, o.GroupKey)
			}
			m.Targets = append(m.Targets, o)
		}
		d.Matched = append(d.Matched, m)
	}
	return d, nil
}

// DedupKey is the key under which an event is stored once: for a Security
// Hub findings event, its findings' Id and UpdatedAt (Security Hub sends a
// finding again, with a new event id, each time it is updated, and sometimes
// twice without change); for any other event, its id.
func DedupKey(ev *event.Event) string {
	if ev.Kind() == event.KindSecurityHub {
		if sh, err := ev.SecurityHub(); err == nil && len(sh.Findings) > 0 && sh.ActionName == "" {
			parts := make([]string, 0, len(sh.Findings))
			for _, f := range sh.Findings {
				if f.ID == "" || f.UpdatedAt == "" {
					parts = nil
					break
				}
				parts = append(parts, f.ID+"@"+f.UpdatedAt)
			}
			if len(parts) == 1 {
				return "finding:" + parts[0]
			}
			if len(parts) > 1 {
				slices.Sort(parts)
				h := sha256.Sum256([]byte(strings.Join(parts, "\n")))
				return "findings:" + hex.EncodeToString(h[:16])
			}
		}
	}
	return "id:" + ev.ID
}
