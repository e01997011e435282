// Package config loads vigil's configuration file (YAML), fills in defaults
// and validates it, reporting every problem as file:line: field: problem.
//
// The file's shape is part of vigil's interface: names may be added, never
// renamed. Secrets are never written in the file; fields of type
// secrets.Ref hold a reference such as env:VIGIL_API_KEY, read at run time.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/pattern"
)

// DefaultDatabase is where vigil keeps its state when the file names none.
const DefaultDatabase = "sqlite://./vigil.db"

// DefaultListen is the HTTP address used when server.listen is empty.
const DefaultListen = "127.0.0.1:8080"

// Config is the whole configuration file.
type Config struct {
	// Database is sqlite://PATH (the default, ./vigil.db) or a postgres:// URL.
	Database string `yaml:"database"`
	Server   Server `yaml:"server"`
	Jobs     Jobs   `yaml:"jobs"`
	SQS      SQS    `yaml:"sqs"`
	Rules    []Rule `yaml:"rules"`

	// Notifiers, Reports and Schedules are defined in notify.go.
	Notifiers []Notifier `yaml:"notifiers"`
	Reports   []Report   `yaml:"reports"`
	Schedules []Schedule `yaml:"schedules"`

	// Explain chooses the explanation engine (explain.go).
	Explain Explain `yaml:"explain"`
	// Investigate configures CloudTrail investigation (investigate.go).
	Investigate Investigate `yaml:"investigate"`

	// Knowledge lists the policy documents (knowledge.go); Ask configures
	// questions to vigil serve (ask.go).
	Knowledge Knowledge `yaml:"knowledge"`
	Ask       Ask       `yaml:"ask"`
	// Remediation configures playbooks, policy and approvals
	// (remediation.go).
	Remediation Remediation `yaml:"remediation"`

	// Network is the policy of outbound connections (network.go).
	Network Network `yaml:"network"`

	file string
	ast  *ast.File
}

// Server configures the HTTP API.
type Server struct {
	// Listen is the host:port to listen on; 127.0.0.1:8080 by default.
	Listen string `yaml:"listen"`
	// APIKeys are accepted in the APIKeyHeader header or as
	// "Authorization: Bearer KEY".
	APIKeys []secrets.Ref `yaml:"api_keys"`
	// APIKeyHeader names the header carrying an API key; x-api-key by default,
	// as EventBridge API destinations send with API_KEY authorization.
	APIKeyHeader string `yaml:"api_key_header"`
	// BasicAuth lists accepted username/password pairs (EventBridge
	// connections with BASIC authorization).
	BasicAuth []BasicAuth `yaml:"basic_auth"`
	// AccessKeys are AWS access keys whose SigV4 signatures are accepted,
	// so the AWS CLI and SDKs can send PutEvents to vigil (accesskeys.go).
	AccessKeys []AccessKey `yaml:"access_keys"`
	// NoAuth must be set to accept unauthenticated requests; without it a
	// server with no credentials configured refuses to start.
	NoAuth bool `yaml:"no_auth"`
	// PublicURL is where users reach this vigil (https://vigil.example.com);
	// when set, notifications of a finding link to the timelines of the
	// entities it names.
	PublicURL string `yaml:"public_url"`
	// DrainTimeout bounds how long SIGTERM waits for in-flight work; 30s by
	// default.
	DrainTimeout Duration `yaml:"drain_timeout"`
	// Metrics says who may read GET /metrics (metrics.go).
	Metrics Metrics `yaml:"metrics"`
	// Users may sign in to the web console at /ui/ (users.go).
	Users []User `yaml:"users"`
	// SessionTTL is how long a console sign-in lasts; 12h by default.
	SessionTTL Duration `yaml:"session_ttl"`
}

// BasicAuth is one accepted username and password.
type BasicAuth struct {
	Username string      `yaml:"username"`
	Password secrets.Ref `yaml:"password"`
}

// Jobs tunes the delivery workers.
type Jobs struct {
	// Workers is how many deliveries run at once per process; 50 by default.
	Workers int `yaml:"workers"`
	// Timeout bounds one delivery attempt; 30s by default.
	Timeout Duration `yaml:"timeout"`
	// RescueAfter is how long a job may stay running (its process killed)
	// before another process takes it over; 1m by default, and always longer
	// than Timeout.
	RescueAfter Duration `yaml:"rescue_after"`
	// PollInterval is how often idle workers look for new jobs when the
	// database cannot notify them (SQLite); 20ms by default.
	PollInterval Duration `yaml:"poll_interval"`
	// Retention is how long completed jobs and redriven dead letters are
	// kept; 24h by default.
	Retention Duration `yaml:"retention"`
}

// SQS configures the optional SQS consumer.
type SQS struct {
	// QueueURL, when set, makes vigil serve consume events from this queue.
	QueueURL string `yaml:"queue_url"`
	// WaitTime is the long-poll wait; 20s by default (the SQS maximum).
	WaitTime Duration `yaml:"wait_time"`
	// VisibilityTimeout is requested for each received batch and renewed
	// while its events are being stored; 30s by default.
	VisibilityTimeout Duration `yaml:"visibility_timeout"`
	// Receivers is how many receive loops run at once; 2 by default.
	Receivers int `yaml:"receivers"`
}

// Rule is one EventBridge-style rule: a pattern and the targets that receive
// the events it matches.
type Rule struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// State is ENABLED (the default) or DISABLED.
	State string `yaml:"state"`
	// EventPattern is the rule's EventBridge event pattern, as JSON.
	EventPattern JSON     `yaml:"event_pattern"`
	Targets      []Target `yaml:"targets"`
}

// Enabled reports whether the rule routes events.
func (r *Rule) Enabled() bool { return r.State != "DISABLED" }

// Target is where a rule sends what it matched. The fields here apply to
// every type; a type's own fields (a webhook's url, a notify target's
// notifier, ...) are in Spec, which the target type decodes strictly.
type Target struct {
	// ID names the target within its rule; when empty, it is derived from
	// the type and the target's position ("webhook", or "webhook-2" for
	// the second webhook of the rule), so it stays stable while the rule's
	// targets keep their order.
	ID   string `yaml:"id"`
	Type string `yaml:"type"`

	// Timeout bounds one delivery attempt (default: jobs.timeout).
	Timeout Duration `yaml:"timeout"`

	// Input, InputPath and InputTransformer shape what the target receives,
	// exactly as EventBridge targets do; at most one may be set.
	Input            string            `yaml:"input"`
	InputPath        string            `yaml:"input_path"`
	InputTransformer *InputTransformer `yaml:"input_transformer"`

	Retry Retry `yaml:"retry"`

	// GroupBy turns on grouping: events whose values at these JSON paths
	// (e.g. "detail.severity") are equal are delivered together, as a JSON
	// array, in one request. ["..."] groups everything the rule matches.
	GroupBy []string `yaml:"group_by"`
	// GroupWait is how long a new group collects events before its first
	// delivery; 30s by default.
	GroupWait Duration `yaml:"group_wait"`
	// GroupInterval is the least time between two deliveries of one group;
	// 5m by default.
	GroupInterval Duration `yaml:"group_interval"`
	// RepeatInterval is how long a group is remembered after its last
	// event; an event arriving later opens a new group (and waits
	// GroupWait). 4h by default.
	RepeatInterval Duration `yaml:"repeat_interval"`

	// Spec is the type's own fields.
	Spec Spec `yaml:"-"`
}

// targetKeys are the keys every target type shares.
var targetKeys = Fields(&Target{})

// UnmarshalYAML reads the shared fields and keeps the rest, as written, for
// the target's type.
func (t *Target) UnmarshalYAML(node ast.Node) error {
	m, ok := mapping(node)
	if !ok {
		return nodeError(node, errors.New("a target is a mapping such as {type: webhook, url: ...}"))
	}
	type shared Target
	own := *m
	own.Values = nil
	for _, mv := range m.Values {
		if targetKeys[mv.Key.String()] {
			own.Values = append(own.Values, mv)
		}
	}
	var c shared
	// Unknown fields inside the shared ones (retry: {max_attemps: 3})
	// are reported by unknownFields, every one of them.
	if err := yaml.NodeToValue(&own, &c); err != nil {
		return err
	}
	*t = Target(c)
	t.Spec = Spec{node: m, skip: targetKeys}
	return nil
}

// Grouped reports whether the target delivers grouped notifications.
func (t *Target) Grouped() bool { return len(t.GroupBy) > 0 }

// InputTransformer is EventBridge's InputTransformer.
type InputTransformer struct {
	InputPathsMap map[string]string `yaml:"input_paths_map"`
	InputTemplate string            `yaml:"input_template"`
}

// Retry is a target's retry policy. The defaults are EventBridge's: 185
// attempts within 24 hours.
type Retry struct {
	MaxAttempts int      `yaml:"max_attempts"`
	MaxAge      Duration `yaml:"max_age"`
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// attempts (full jitter); 1s and 5m by default.
	MinBackoff Duration `yaml:"min_backoff"`
	MaxBackoff Duration `yaml:"max_backoff"`
}

// Duration is a time.Duration written as in Go ("90s", "24h") or as a number
// of days ("7d").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML reads "24h", "7d" or a number of seconds.
func (d *Duration) UnmarshalYAML(node ast.Node) error {
	var v any
	if err := yaml.NodeToValue(node, &v); err != nil {
		return err
	}
	if err := d.set(v); err != nil {
		return nodeError(node, err)
	}
	return nil
}

func (d *Duration) set(v any) error {
	switch x := v.(type) {
	case string:
		p, err := ParseDuration(x)
		if err != nil {
			return err
		}
		*d = Duration(p)
	case uint64:
		*d = Duration(time.Duration(x) * time.Second)
	case int64:
		*d = Duration(time.Duration(x) * time.Second)
	case int:
		*d = Duration(time.Duration(x) * time.Second)
	case float64:
		*d = Duration(x * float64(time.Second))
	default:
		return fmt.Errorf("want a duration such as \"30s\" or \"24h\", got %v", v)
	}
	return nil
}

// MarshalYAML writes d the way time.Duration prints.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// ParseDuration is time.ParseDuration that also accepts whole days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && fmt.Sprint(days) == n && days >= 0 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as \"30s\", \"24h\" or \"7d\", got %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return d, nil
}

// JSON is a JSON document written in the YAML file either as YAML (a flow
// mapping like {"source": ["aws.ec2"]} is both) or as a string holding JSON,
// the way AWS returns event patterns.
type JSON []byte

// UnmarshalYAML converts the YAML value to JSON.
func (j *JSON) UnmarshalYAML(node ast.Node) error {
	var v any
	if err := yaml.NodeToValue(node, &v); err != nil {
		return err
	}
	if s, ok := v.(string); ok {
		if !json.Valid([]byte(s)) {
			return nodeError(node, errors.New("a string value must hold a JSON document"))
		}
		*j = JSON(s)
		return nil
	}
	b, err := json.Marshal(normalizeYAML(v))
	if err != nil {
		return err
	}
	*j = b
	return nil
}

// MarshalYAML writes the JSON as a YAML value.
func (j JSON) MarshalYAML() (any, error) {
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// normalizeYAML turns map[any]any (which encoding/json cannot marshal) into
// map[string]any, recursively.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	}
	return v
}

// File returns the path the configuration was loaded from ("" when parsed
// from bytes without a name).
func (c *Config) File() string { return c.file }

// Load reads, parses, fills defaults and validates the file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse is Load for bytes; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	c, err := ParseLenient(name, data)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ParseLenient is Parse that also returns the configuration when it has
// problems (every one of them in the error), so that a check can go on and
// find the problems of its parts too. The configuration is nil only when
// the file is not readable YAML of the right shape.
func ParseLenient(name string, data []byte) (*Config, error) {
	c := &Config{file: name}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, c.yamlError(err)
	}
	c.ast = f
	// Unknown fields are found by walking the file, so that every one is
	// reported (the decoder would stop at the first), and the decoder
	// goes on past them.
	unknown := c.unknownFields()
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.UnmarshalWithOptions(data, c); err != nil {
			var errs Errors
			errors.As(c.yamlError(err), &errs)
			return nil, append(unknown, errs...)
		}
	}
	c.setDefaults()
	if errs := append(unknown, c.validate()...); len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

func (c *Config) yamlError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return Errors{{File: c.file, Line: p.Line, Column: p.Column, Msg: strings.TrimSpace(ye.GetMessage())}}
	}
	return Errors{{File: c.file, Msg: err.Error()}}
}

// Rule returns the rule named name, or nil.
func (c *Config) Rule(name string) *Rule {
	for i := range c.Rules {
		if c.Rules[i].Name == name {
			return &c.Rules[i]
		}
	}
	return nil
}

func (c *Config) setDefaults() {
	c.addScheduleRules()
	c.remediationDefaults()
	c.investigateDefaults()
	c.usersDefaults()
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Server.Listen == "" {
		c.Server.Listen = DefaultListen
	}
	if c.Server.APIKeyHeader == "" {
		c.Server.APIKeyHeader = "x-api-key"
	}
	def := func(d *Duration, v time.Duration) {
		if *d == 0 {
			*d = Duration(v)
		}
	}
	def(&c.Server.DrainTimeout, 30*time.Second)
	if c.Jobs.Workers == 0 {
		c.Jobs.Workers = 50
	}
	def(&c.Jobs.Timeout, 30*time.Second)
	def(&c.Jobs.RescueAfter, time.Minute)
	def(&c.Jobs.PollInterval, 20*time.Millisecond)
	def(&c.Jobs.Retention, 24*time.Hour)
	def(&c.Knowledge.Refresh, time.Minute)
	def(&c.SQS.WaitTime, 20*time.Second)
	def(&c.SQS.VisibilityTimeout, 30*time.Second)
	if c.SQS.Receivers == 0 {
		c.SQS.Receivers = 2
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		if r.State == "" {
			r.State = "ENABLED"
		}
		for j := range r.Targets {
			t := &r.Targets[j]
			if t.Retry.MaxAttempts == 0 {
				t.Retry.MaxAttempts = 185
			}
			def(&t.Retry.MaxAge, 24*time.Hour)
			def(&t.Retry.MinBackoff, time.Second)
			def(&t.Retry.MaxBackoff, 5*time.Minute)
			if t.Timeout == 0 {
				t.Timeout = c.Jobs.Timeout
			}
			if t.Grouped() {
				def(&t.GroupWait, 30*time.Second)
				def(&t.GroupInterval, 5*time.Minute)
				def(&t.RepeatInterval, 4*time.Hour)
			}
		}
	}
}

// checkName reports a missing or repeated name of list[i], and, when rule
// is set, a name that breaks the naming rule it states; seen maps each name
// to the first item that has it.
func checkName(bad func(path, format string, args ...any), seen map[string]int, list string, i int, name, rule string) {
	p := fmt.Sprintf("%s[%d].name", list, i)
	switch {
	case name == "":
		bad(p, "required")
	case rule != "" && !validName(name):
		bad(p, "%q: %s", name, rule)
	default:
		if j, dup := seen[name]; dup {
			bad(p, "%q is already the name of %s[%d]", name, list, j)
		} else {
			seen[name] = i
		}
	}
}

func (c *Config) validate() Errors {
	var errs Errors
	bad := func(path, format string, args ...any) {
		errs = append(errs, c.Errorf(path, format, args...))
	}
	if !strings.HasPrefix(c.Database, "sqlite:") && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		bad("database", "want sqlite://PATH or postgres://USER@HOST:PORT/DB, got %q", redactURL(c.Database))
	}
	for i, k := range c.Server.APIKeys {
		if err := k.Check(); err != nil {
			bad(fmt.Sprintf("server.api_keys[%d]", i), "%v", err)
		}
	}
	if u := c.Server.PublicURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		bad("server.public_url", "want the URL users reach vigil at, such as https://vigil.example.com, got %q", u)
	}
	for i, b := range c.Server.BasicAuth {
		if b.Username == "" {
			bad(fmt.Sprintf("server.basic_auth[%d].username", i), "required")
		}
		if err := b.Password.Check(); err != nil {
			bad(fmt.Sprintf("server.basic_auth[%d].password", i), "%v", err)
		}
	}
	c.validateAccessKeys(bad)
	c.validateUsers(bad)
	if c.Jobs.Workers < 1 {
		bad("jobs.workers", "must be at least 1, got %d", c.Jobs.Workers)
	}
	if c.Jobs.RescueAfter <= c.Jobs.Timeout {
		bad("jobs.rescue_after", "must be longer than jobs.timeout (%s), got %s", c.Jobs.Timeout.D(), c.Jobs.RescueAfter.D())
	}
	c.validateNotify(bad)
	c.validateExplain(bad)
	c.validateKnowledge(bad)
	c.validateAsk(bad)
	c.validateRemediation(bad)
	c.validateNetwork(bad)
	c.validateInvestigate(bad)
	c.validateMetrics(bad)
	names := map[string]int{}
	for i := range c.Rules {
		r := &c.Rules[i]
		p := fmt.Sprintf("rules[%d]", i)
		checkName(bad, names, "rules", i, r.Name, "use letters, digits, '.', '-' and '_' only, at most 64 characters (as EventBridge)")
		if r.State != "ENABLED" && r.State != "DISABLED" {
			bad(p+".state", "want ENABLED or DISABLED, got %q", r.State)
		}
		if len(r.EventPattern) == 0 {
			bad(p+".event_pattern", "required")
		} else if err := pattern.Validate(r.EventPattern); err != nil {
			bad(p+".event_pattern", "%v", err)
		}
		if len(r.Targets) == 0 {
			bad(p+".targets", "a rule needs at least one target")
		}
		ids := map[string]int{}
		for j := range r.Targets {
			t := &r.Targets[j]
			tp := fmt.Sprintf("%s.targets[%d]", p, j)
			t.Spec.cfg, t.Spec.path = c, tp
			if t.ID == "" {
				t.ID = defaultTargetID(r.Targets[:j], t.Type)
			}
			if k, dup := ids[t.ID]; dup {
				bad(tp+".id", "%q is already the id of targets[%d]", t.ID, k)
			} else {
				ids[t.ID] = j
			}
			if t.Type == "" {
				bad(tp+".type", "required (webhook, forward, ...)")
			}
			n := 0
			if t.Input != "" {
				n++
			}
			if t.InputPath != "" {
				n++
			}
			if t.InputTransformer != nil {
				n++
				if t.InputTransformer.InputTemplate == "" {
					bad(tp+".input_transformer.input_template", "required")
				}
			}
			if n > 1 {
				bad(tp, "set at most one of input, input_path and input_transformer")
			} else if err := t.compileInput(); err != nil {
				bad(tp+".input_transformer", "%v", err)
			}
			if t.Retry.MaxAttempts < 1 {
				bad(tp+".retry.max_attempts", "must be at least 1, got %d", t.Retry.MaxAttempts)
			}
			if t.Retry.MaxBackoff < t.Retry.MinBackoff {
				bad(tp+".retry.max_backoff", "must not be shorter than retry.min_backoff")
			}
			for k, g := range t.GroupBy {
				if strings.TrimSpace(g) == "" {
					bad(fmt.Sprintf("%s.group_by[%d]", tp, k), "empty field path")
				}
			}
		}
	}
	return errs
}

// InputSpec returns the target's input shaping as the pattern package takes
// it.
func (t *Target) InputSpec() pattern.InputSpec {
	s := pattern.InputSpec{TargetID: t.ID, Input: t.Input, InputPath: t.InputPath}
	if t.InputTransformer != nil {
		s.InputPathsMap = t.InputTransformer.InputPathsMap
		s.InputTemplate = t.InputTransformer.InputTemplate
	}
	return s
}

func (t *Target) compileInput() error {
	_, err := pattern.CompileInput(t.InputSpec())
	return err
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func redactURL(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…" + s[i:]
		}
	}
	return s
}

// defaultTargetID names a target without an id after its type: "webhook"
// for the rule's first webhook, "webhook-2" for its second, and so on.
func defaultTargetID(before []Target, typ string) string {
	if typ == "" {
		typ = "target"
	}
	n := 1
	for _, t := range before {
		if t.Type == typ {
			n++
		}
	}
	if n == 1 {
		return typ
	}
	return fmt.Sprintf("%s-%d", typ, n)
}
