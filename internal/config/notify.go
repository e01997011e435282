package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/vigilhq/vigil/internal/schedule"
)

// Notifier is a named destination for notify targets and reports: a name,
// a language and exactly one channel (slack, email, sns, webhook, ...),
// whose settings the channel decodes from Spec.
type Notifier struct {
	Name string `yaml:"name"`
	// Lang is the language of what vigil writes (explanations, labels):
	// en (the default) or ja.
	Lang string `yaml:"lang"`
	// Channel is the channel's key, e.g. "slack".
	Channel string `yaml:"-"`
	// Spec is the channel's settings.
	Spec Spec `yaml:"-"`
	// channels counts the keys that are not name or lang (exactly one is
	// the channel).
	channels []string
}

// UnmarshalYAML reads name and lang, and keeps the channel's settings.
func (n *Notifier) UnmarshalYAML(node ast.Node) error {
	m, ok := mapping(node)
	if !ok {
		return nodeError(node, errors.New("a notifier is a mapping such as {name: secops, slack: {...}}"))
	}
	*n = Notifier{}
	for _, mv := range m.Values {
		k := mv.Key.String()
		switch k {
		case "name", "lang":
			var v string
			if err := yaml.NodeToValue(mv.Value, &v); err != nil {
				return err
			}
			if k == "name" {
				n.Name = v
			} else {
				n.Lang = v
			}
			continue
		}
		n.channels = append(n.channels, k)
		if n.Channel == "" {
			n.Channel = k
			cm, ok := mapping(mv.Value)
			if !ok {
				return nodeError(mv.Value, fmt.Errorf("%s: want the channel's settings as a mapping", k))
			}
			n.Spec = Spec{node: cm}
		}
	}
	return nil
}

// Report is a named Security Hub report: which violations to list, how,
// and to whom.
type Report struct {
	Name string `yaml:"name"`
	// Env names the environment in the message, e.g. 本番.
	Env  string `yaml:"env"`
	Lang string `yaml:"lang"`
	// BOM starts the CSV with a UTF-8 byte order mark (for Excel).
	BOM           bool     `yaml:"bom"`
	ControlIDs    []string `yaml:"control_ids"`
	SeverityFloor string   `yaml:"severity_floor"`
	Regions       []string `yaml:"regions"`
	Accounts      []string `yaml:"accounts"`
	Products      []string `yaml:"products"`
	// OwnerTag is the resource tag naming each resource's owner; Owners
	// maps its values to Slack user ids or email addresses.
	OwnerTag string              `yaml:"owner_tag"`
	Owners   map[string][]string `yaml:"owners"`
	// Notify names the notifiers the report goes to.
	Notify []string `yaml:"notify"`
	// OnlyChanges sends the report only when something changed since the
	// last delivered run (a violation new or resolved); the first run is
	// always sent. Without it every run is sent.
	OnlyChanges bool `yaml:"only_changes"`
	// MarkNotified sets the listed findings still NEW in Security Hub to
	// NOTIFIED once the report was delivered (BatchUpdateFindings: the
	// credentials need securityhub:BatchUpdateFindings). Off by default:
	// it changes the findings' workflow status in the account.
	MarkNotified bool `yaml:"mark_notified"`
}

// Schedule fires on a schedule. Each time it fires, vigil accepts an event
// (source vigil.schedule, detail-type "Scheduled Event", detail
// {"schedule": NAME, "time": ...}) whose id is the schedule's name and
// firing time, so however many replicas fire it, it is accepted and routed
// once. Rules can match it like any event; Report is a shorthand for a rule
// named schedule.NAME whose one target runs that report.
type Schedule struct {
	Name string `yaml:"name"`
	// Cron is when it fires: EventBridge's cron(0 9 ? * MON-FRI *) or
	// rate(5 minutes), five-field cron ("0 9 * * 1-5"), or a descriptor
	// such as @daily or @every 1h.
	Cron string `yaml:"cron"`
	// Timezone is an IANA zone, e.g. Asia/Tokyo; UTC when empty.
	Timezone string `yaml:"timezone"`
	Report   string `yaml:"report"`
}

// Location returns the schedule's time zone.
func (s *Schedule) Location() (*time.Location, error) {
	if s.Timezone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(s.Timezone)
}

// Parse returns when the schedule fires.
func (s *Schedule) Parse() (schedule.Schedule, error) {
	loc, err := s.Location()
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", s.Timezone)
	}
	return schedule.Parse(s.Cron, loc)
}

// SchedulePattern is the event pattern matching the events of schedule
// name.
func SchedulePattern(name string) []byte {
	b, _ := json.Marshal(map[string]any{
		"source": []string{schedule.Source}, "detail-type": []string{schedule.DetailType},
		"detail": map[string]any{"schedule": []string{name}},
	})
	return b
}

// Notifier returns the notifier named name, or nil.
func (c *Config) Notifier(name string) *Notifier {
	for i := range c.Notifiers {
		if c.Notifiers[i].Name == name {
			return &c.Notifiers[i]
		}
	}
	return nil
}

// Report returns the report named name, or nil.
func (c *Config) Report(name string) *Report {
	for i := range c.Reports {
		if c.Reports[i].Name == name {
			return &c.Reports[i]
		}
	}
	return nil
}

// addScheduleRules turns each schedule's report shorthand into its rule.
func (c *Config) addScheduleRules() {
	for _, s := range c.Schedules {
		// A missing report is the schedule's problem (validate says so),
		// not its implicit rule's.
		if s.Report == "" || s.Name == "" || c.Rule("schedule."+s.Name) != nil || c.Report(s.Report) == nil {
			continue
		}
		c.Rules = append(c.Rules, Rule{
			Name:         "schedule." + s.Name,
			Description:  "runs report " + s.Report + " when schedule " + s.Name + " fires",
			EventPattern: SchedulePattern(s.Name),
			Targets:      []Target{{ID: "report", Type: "report", Spec: valueSpec(map[string]any{"report": s.Report})}},
		})
	}
}

func checkLang(s string) error {
	if s != "" && s != "en" && s != "ja" {
		return fmt.Errorf("want en or ja, got %q", s)
	}
	return nil
}

// validateNotify checks notifiers, reports and schedules.
func (c *Config) validateNotify(bad func(path, format string, args ...any)) {
	names := map[string]int{}
	for i := range c.Notifiers {
		n := &c.Notifiers[i]
		p := fmt.Sprintf("notifiers[%d]", i)
		checkName(bad, names, "notifiers", i, n.Name, "")
		if err := checkLang(n.Lang); err != nil {
			bad(p+".lang", "%v", err)
		}
		n.Spec.cfg, n.Spec.path = c, p+"."+n.Channel
		switch len(n.channels) {
		case 0:
			bad(p, "name a channel: slack, email, sns or webhook, with its settings")
		case 1:
		default:
			bad(p, "a notifier has one channel; found %s", strings.Join(n.channels, ", "))
		}
	}
	reports := map[string]int{}
	for i := range c.Reports {
		r := &c.Reports[i]
		p := fmt.Sprintf("reports[%d]", i)
		checkName(bad, reports, "reports", i, r.Name, "")
		if err := checkLang(r.Lang); err != nil {
			bad(p+".lang", "%v", err)
		}
		sev := []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
		if r.SeverityFloor != "" && !slices.Contains(sev, r.SeverityFloor) {
			bad(p+".severity_floor", "want one of %s, got %q", strings.Join(sev, ", "), r.SeverityFloor)
		}
		if len(r.Owners) > 0 && r.OwnerTag == "" {
			bad(p+".owner_tag", "required with owners (the resource tag whose values owners maps)")
		}
		if len(r.Notify) == 0 {
			bad(p+".notify", "name at least one notifier")
		}
		for j, name := range r.Notify {
			if _, ok := names[name]; !ok {
				bad(fmt.Sprintf("%s.notify[%d]", p, j), "no notifier is named %q", name)
			}
		}
	}
	schedules := map[string]int{}
	for i := range c.Schedules {
		s := &c.Schedules[i]
		p := fmt.Sprintf("schedules[%d]", i)
		checkName(bad, schedules, "schedules", i, s.Name, "use letters, digits, '.', '-' and '_' only, at most 64 characters")
		if s.Cron == "" {
			bad(p+".cron", "required, e.g. cron(0 9 ? * MON-FRI *), rate(1 hour), \"0 9 * * 1-5\" or @daily")
		} else if _, err := schedule.Parse(s.Cron, nil); err != nil {
			bad(p+".cron", "%v", err)
		}
		if _, err := s.Location(); err != nil {
			bad(p+".timezone", "unknown time zone %q", s.Timezone)
		}
		if s.Report != "" {
			if _, ok := reports[s.Report]; !ok {
				bad(p+".report", "no report is named %q", s.Report)
			}
		}
	}
}
