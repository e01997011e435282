// Package operator is what vigil's operator commands do — silences, dead
// letters, stored events, rules, replay — behind one interface with two
// implementations: Local works on the database and the configuration
// directly (the CLI, and vigil serve's HTTP API), Client asks a running
// vigil serve over that HTTP API (the CLI's --server URL). The CLI prints
// the same results either way.
package operator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilhq/vigil/internal/route"
)

// API is the operator verbs.
type API interface {
	// Silences lists silences that have not ended (all with all).
	Silences(ctx context.Context, all bool) ([]Silence, error)
	// AddSilence adds a silence and returns it.
	AddSilence(ctx context.Context, s NewSilence) (*Silence, error)
	// ExpireSilence ends silence id now.
	ExpireSilence(ctx context.Context, id string) error

	// DeadLetters lists dead letters, oldest first.
	DeadLetters(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error)
	// DeadLetter returns one dead letter with its payload.
	DeadLetter(ctx context.Context, job int64) (*DeadLetter, error)
	// Redrive retries dead letters with a fresh retry budget.
	Redrive(ctx context.Context, r RedriveRequest) ([]Redriven, error)

	// Events lists stored events, newest first.
	Events(ctx context.Context, f EventFilter) ([]Event, error)
	// Event returns one stored event, raw JSON included.
	Event(ctx context.Context, id string) (*Event, error)

	// Rules lists the configured rules.
	Rules(ctx context.Context) ([]Rule, error)
	// TestEvent routes an event through the rules without storing or
	// delivering it: which rules match and what each target would get.
	TestEvent(ctx context.Context, raw []byte) (*Decision, error)

	// Replay delivers stored events again to the rules that match them
	// now, as EventBridge replays an archive.
	Replay(ctx context.Context, r ReplayRequest) (*ReplayResult, error)
}

// Silence is a silence as the operator verbs show it.
type Silence struct {
	ID string `json:"id"`
	// State is pending, active or expired.
	State     string          `json:"state"`
	Rule      string          `json:"rule,omitempty"`
	Pattern   json.RawMessage `json:"pattern"`
	StartsAt  time.Time       `json:"starts_at"`
	EndsAt    time.Time       `json:"ends_at"`
	CreatedBy string          `json:"created_by"`
	Comment   string          `json:"comment"`
	CreatedAt time.Time       `json:"created_at"`
}

// NewSilence is a silence to add.
type NewSilence struct {
	// Pattern is the EventBridge event pattern events must match.
	Pattern json.RawMessage `json:"pattern"`
	// Rule limits the silence to one configured rule; "" for every rule.
	Rule string `json:"rule,omitempty"`
	// StartsAt defaults to now.
	StartsAt time.Time `json:"starts_at,omitzero"`
	EndsAt   time.Time `json:"ends_at"`
	// CreatedBy and Comment are required: who and why.
	CreatedBy string `json:"created_by"`
	Comment   string `json:"comment"`
}

// DeadLetterFilter selects dead letters.
type DeadLetterFilter struct {
	Rule   string `json:"rule,omitempty"`
	Target string `json:"target,omitempty"`
	// All includes dead letters already redriven.
	All bool `json:"all,omitempty"`
}

// DeadLetter is a delivery that exhausted its retries.
type DeadLetter struct {
	Job        int64      `json:"job"`
	Kind       string     `json:"kind"`
	Rule       string     `json:"rule"`
	Target     string     `json:"target"`
	EventID    string     `json:"event_id"`
	DedupKey   string     `json:"dedup_key,omitempty"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	FailedAt   time.Time  `json:"failed_at"`
	RedrivenAt *time.Time `json:"redriven_at,omitempty"`
	RedriveJob int64      `json:"redrive_job,omitempty"`
	// Payload is what the delivery tried to send: JSON as it is, anything
	// else as a JSON string; only DeadLetter (one) has it.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// RedriveRequest names the dead letters to redrive: Jobs, or All (narrowed
// by Rule and Target).
type RedriveRequest struct {
	Jobs   []int64 `json:"jobs,omitempty"`
	All    bool    `json:"all,omitempty"`
	Rule   string  `json:"rule,omitempty"`
	Target string  `json:"target,omitempty"`
}

// Redriven is the outcome for one dead letter: its new job, or why not.
type Redriven struct {
	Job    int64  `json:"job"`
	NewJob int64  `json:"new_job,omitempty"`
	Error  string `json:"error,omitempty"`
}

// EventFilter selects stored events by the time vigil received them.
type EventFilter struct {
	Since  time.Time `json:"since,omitzero"`
	Until  time.Time `json:"until,omitzero"`
	Source string    `json:"source,omitempty"`
	// Limit bounds the list; 50 when zero, at most 1000.
	Limit int `json:"limit,omitempty"`
}

// Event is a stored event.
type Event struct {
	ID         string    `json:"id"`
	DedupKey   string    `json:"dedup_key"`
	Source     string    `json:"source"`
	DetailType string    `json:"detail_type"`
	Input      string    `json:"input"`
	ReceivedAt time.Time `json:"received_at"`
	// Raw is the event as received (Event only).
	Raw json.RawMessage `json:"event,omitempty"`
}

// Rule is a configured rule.
type Rule struct {
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	State        string          `json:"state"`
	EventPattern json.RawMessage `json:"event_pattern"`
	Targets      []RuleTarget    `json:"targets"`
}

// RuleTarget is one of a rule's targets.
type RuleTarget struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Decision is what routing decides for an event (route.Decision), with
// each payload as the exact text the target would receive: JSON, or the
// plain text a string input template makes.
type Decision struct {
	EventID  string  `json:"event_id"`
	DedupKey string  `json:"dedup_key"`
	Matched  []Match `json:"matched_rules"`
}

// Match is one rule that matched.
type Match struct {
	Rule string `json:"rule"`
	// SilencedBy is the silence that mutes the rule for the event.
	SilencedBy string   `json:"silenced_by,omitempty"`
	Targets    []Output `json:"targets"`
}

// Output is what one target would receive.
type Output struct {
	Target string `json:"target"`
	Type   string `json:"type"`
	// Deliver is false when nothing would be sent; Reason says why.
	Deliver bool   `json:"deliver"`
	Reason  string `json:"reason,omitempty"`
	Payload string `json:"payload,omitempty"`
	// Group is the notification group of a grouped target.
	Group string `json:"group,omitempty"`
}

func decisionOf(d *route.Decision) *Decision {
	out := &Decision{EventID: d.EventID, DedupKey: d.Key, Matched: make([]Match, len(d.Matched))}
	for i, m := range d.Matched {
		x := Match{Rule: m.Rule, SilencedBy: m.SilencedBy, Targets: make([]Output, len(m.Targets))}
		for j, o := range m.Targets {
			x.Targets[j] = Output{Target: o.Target, Type: o.Type, Deliver: o.Deliver, Reason: o.Reason, Payload: string(o.Payload), Group: o.Group}
		}
		out.Matched[i] = x
	}
	return out
}

// ReplayRequest says which stored events to deliver again.
type ReplayRequest struct {
	// Name names the replay: replayed events carry it as "replay-name",
	// as EventBridge's do, and their deliveries have ids of their own.
	// "replay-" and the start time when empty.
	Name string `json:"name,omitempty"`
	// Since (required) and Until (default now) bound when vigil received
	// the events.
	Since time.Time `json:"since"`
	Until time.Time `json:"until,omitzero"`
	// Rule replays to this rule only; every matching rule when empty.
	Rule string `json:"rule,omitempty"`
}

// ReplayResult says what a replay did.
type ReplayResult struct {
	Name string `json:"name"`
	// Events were read; Matched of them matched a rule (Rule, when given).
	Events  int `json:"events"`
	Matched int `json:"matched"`
	// Deliveries are the deliveries queued (or group joins).
	Deliveries int `json:"deliveries"`
	// Silenced counts rule matches a silence muted (not delivered).
	Silenced int `json:"silenced"`
}

// Error is a request the operator verbs refuse, with the HTTP status that
// says why: 400 (bad input), 404 (no such thing), 409 (already done), 501
// (not possible here).
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func badRequest(format string, args ...any) error {
	return &Error{Status: 400, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &Error{Status: 404, Message: fmt.Sprintf(format, args...)}
}

func unavailable(format string, args ...any) error {
	return &Error{Status: 501, Message: fmt.Sprintf(format, args...)}
}

// StatusOf returns the HTTP status for err: its Error's, else 500.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 500
}
