package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Notifier is a named destination for notify targets and reports: exactly
// one of Slack, Email, SNS and Webhook is set. Channel-specific checks are
// made by the notify target type, which reports them with file:line too.
type Notifier struct {
	Name string `yaml:"name"`
	// Lang is the language of what vigil writes (explanations, labels):
	// en (the default) or ja.
	Lang    string           `yaml:"lang"`
	Slack   *SlackNotifier   `yaml:"slack"`
	Email   *EmailNotifier   `yaml:"email"`
	SNS     *SNSNotifier     `yaml:"sns"`
	Webhook *WebhookNotifier `yaml:"webhook"`
}

// SlackNotifier posts with a bot token to a channel, or to an incoming
// webhook.
type SlackNotifier struct {
	// Token refers to the bot token: env:NAME or secretsmanager:ID[#key].
	Token secrets.Ref `yaml:"token"`
	// Channel is the channel id, e.g. C0123456789.
	Channel string `yaml:"channel"`
	// WebhookURL refers to an incoming webhook URL (itself a secret).
	WebhookURL secrets.Ref `yaml:"webhook_url"`
	// APIURL replaces https://slack.com/api/.
	APIURL string `yaml:"api_url"`
}

// EmailNotifier sends mail over SMTP.
type EmailNotifier struct {
	// SMTP is the server's host:port.
	SMTP string `yaml:"smtp"`
	// Security is starttls (the default), tls or none.
	Security string      `yaml:"security"`
	Username string      `yaml:"username"`
	Password secrets.Ref `yaml:"password"`
	From     string      `yaml:"from"`
	To       []string    `yaml:"to"`
	Cc       []string    `yaml:"cc"`
}

// SNSNotifier publishes to an SNS topic.
type SNSNotifier struct {
	TopicARN string `yaml:"topic_arn"`
}

// WebhookNotifier posts the message as a JSON document.
type WebhookNotifier struct {
	URL     string            `yaml:"url"`
	Headers map[string]Secret `yaml:"headers"`
	// SigningKey refers to the HMAC-SHA256 key signing each request.
	SigningKey secrets.Ref `yaml:"signing_key"`
	Timeout    Duration    `yaml:"timeout"`
	// AllowLinkLocal permits link-local and instance metadata addresses.
	AllowLinkLocal bool `yaml:"allow_link_local"`
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
}

// Schedule runs on a cron schedule. Each time it fires, vigil accepts an
// event (source vigil.schedule, detail-type "Scheduled Event", detail
// {"schedule": NAME, "time": ...}) whose id is the schedule's name and
// firing time, so however many replicas fire it, it is accepted and routed
// once. Rules can match it like any event; Report is a shorthand for a rule
// named schedule.NAME whose one target runs that report.
type Schedule struct {
	Name string `yaml:"name"`
	// Cron is a five-field cron expression ("0 9 * * 1-5") or a
	// descriptor such as @daily or @every 1h.
	Cron string `yaml:"cron"`
	// Timezone is an IANA zone, e.g. Asia/Tokyo; UTC when empty.
	Timezone string `yaml:"timezone"`
	Report   string `yaml:"report"`
}

// ScheduleSource and ScheduleDetailType are the envelope of scheduled
// events.
const (
	ScheduleSource     = "vigil.schedule"
	ScheduleDetailType = "Scheduled Event"
)

// ParseCron parses a schedule's cron expression.
func ParseCron(expr string) (cron.Schedule, error) {
	return cron.ParseStandard(expr)
}

// Location returns the schedule's time zone.
func (s *Schedule) Location() (*time.Location, error) {
	if s.Timezone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(s.Timezone)
}

// SchedulePattern is the event pattern matching the events of schedule
// name.
func SchedulePattern(name string) []byte {
	b, _ := json.Marshal(map[string]any{
		"source": []string{ScheduleSource}, "detail-type": []string{ScheduleDetailType},
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
		if s.Report == "" || s.Name == "" || c.Rule("schedule."+s.Name) != nil {
			continue
		}
		c.Rules = append(c.Rules, Rule{
			Name:         "schedule." + s.Name,
			Description:  "runs report " + s.Report + " when schedule " + s.Name + " fires",
			EventPattern: SchedulePattern(s.Name),
			Targets:      []Target{{ID: "report", Type: "report", Report: s.Report}},
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
		set := 0
		for _, ok := range []bool{n.Slack != nil, n.Email != nil, n.SNS != nil, n.Webhook != nil} {
			if ok {
				set++
			}
		}
		if set != 1 {
			bad(p, "set exactly one of slack, email, sns and webhook")
			continue
		}
		ref := func(path string, r secrets.Ref, required bool) {
			if r == "" && !required {
				return
			}
			if err := r.Check(); err != nil {
				bad(path, "%v", err)
			}
		}
		switch {
		case n.Slack != nil:
			s := n.Slack
			switch {
			case s.Token != "" && s.WebhookURL != "":
				bad(p+".slack", "set token (with channel) or webhook_url, not both")
			case s.WebhookURL != "":
				ref(p+".slack.webhook_url", s.WebhookURL, true)
			default:
				ref(p+".slack.token", s.Token, true)
				if s.Channel == "" {
					bad(p+".slack.channel", "required with a token (a channel id such as C0123456789)")
				}
			}
		case n.Email != nil:
			e := n.Email
			if e.SMTP == "" {
				bad(p+".email.smtp", "required (host:port)")
			}
			if e.From == "" {
				bad(p+".email.from", "required")
			}
			if len(e.To) == 0 {
				bad(p+".email.to", "at least one recipient is required")
			}
			if e.Username != "" {
				ref(p+".email.password", e.Password, true)
			}
		case n.SNS != nil:
			if !strings.HasPrefix(n.SNS.TopicARN, "arn:") || !strings.Contains(n.SNS.TopicARN, ":sns:") {
				bad(p+".sns.topic_arn", "want an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got %q", n.SNS.TopicARN)
			}
		case n.Webhook != nil:
			w := n.Webhook
			if !strings.HasPrefix(w.URL, "https://") && !strings.HasPrefix(w.URL, "http://") {
				bad(p+".webhook.url", "want an http:// or https:// URL, got %q", w.URL)
			}
			ref(p+".webhook.signing_key", w.SigningKey, false)
			for k, h := range w.Headers {
				if err := h.check(); err != nil {
					bad(p+".webhook.headers."+k, "%v", err)
				}
			}
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
			bad(p+".cron", "required, e.g. \"0 9 * * 1-5\" or @daily")
		} else if _, err := ParseCron(s.Cron); err != nil {
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
	for i := range c.Rules {
		for j := range c.Rules[i].Targets {
			t := &c.Rules[i].Targets[j]
			tp := fmt.Sprintf("rules[%d].targets[%d]", i, j)
			if t.Notifier != "" {
				if _, ok := names[t.Notifier]; !ok {
					bad(tp+".notifier", "no notifier is named %q", t.Notifier)
				}
			}
			if t.Report != "" {
				if _, ok := reports[t.Report]; !ok {
					bad(tp+".report", "no report is named %q", t.Report)
				}
			}
		}
	}
}
