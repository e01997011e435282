package route_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/shareddata"
	"github.com/vigilhq/vigil/internal/target"
)

func compile(t *testing.T, src string) (*route.Table, error) {
	t.Helper()
	cfg, err := config.Parse("v.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	reg := target.NewRegistry(target.Deps{Config: cfg, AWS: awsx.NewProvider(awsx.ProviderOptions{}), Secrets: &secrets.Resolver{}, Explain: explain.Builtin{}, Check: true}, pipeline.TargetTypes()...)
	return route.Compile(cfg, reg)
}

// Target type errors carry the file's line, like the rest of config check.
func TestTargetErrors(t *testing.T) {
	_, err := compile(t, `
rules:
  - name: r
    event_pattern: {"source": ["x"]}
    targets:
      - id: a
        type: pager
      - id: b
        type: webhook
      - id: c
        type: forward
        queue_url: http://q
        topic_arn: arn:aws:sns:us-east-1:1:t
      - id: d
        type: webhook
        url: ftp://x
`)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`v.yaml:7:15: rules[0].targets[0].type: unknown target type "pager" (known: forward, notify, remediate, report, summarize, webhook)`,
		`v.yaml:8:11: rules[0].targets[1].url: required`,
		`rules[0].targets[2]: a forward target needs exactly one of`,
		`v.yaml:16:14: rules[0].targets[3].url: want an http:// or https:// URL, got "ftp://x"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// TestTargetFieldsAreTheTypes: a field of another type, or an unknown one,
// is an error at its line (they used to be ignored); a target without an id
// is named after its type and position.
func TestTargetFieldsAreTheTypes(t *testing.T) {
	_, err := compile(t, `
rules:
  - name: r
    event_pattern: {"source": ["x"]}
    targets:
      - type: webhook
        url: http://127.0.0.1:9/h
        notifier: secops
        lang: ja
      - type: webhook
        url: http://127.0.0.1:9/h
        urll: http://typo
`)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`v.yaml:8:19: rules[0].targets[0].notifier: webhook targets do not take notifier (it belongs to notify targets); webhook targets take: allow_link_local, allow_networks, headers, signing_key, url`,
		`v.yaml:12:9: rules[0].targets[1]: unknown field "urll" (did you mean "url"?)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	table, err := compile(t, `
rules:
  - name: r
    event_pattern: {"source": ["x"]}
    targets:
      - {type: webhook, url: "http://127.0.0.1:9/a"}
      - {type: forward, url: "http://127.0.0.1:9/b"}
      - {type: webhook, url: "http://127.0.0.1:9/c"}
      - {id: mine, type: webhook, url: "http://127.0.0.1:9/d"}
`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tg := range table.Rules()[0].Targets {
		ids = append(ids, tg.Config.ID)
	}
	if got := strings.Join(ids, ","); got != "webhook,forward,webhook-2,mine" {
		t.Errorf("ids = %s", got)
	}
}

func TestRouteTransformsAndGroups(t *testing.T) {
	table, err := compile(t, `
rules:
  - name: gd
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - id: whole
        type: webhook
        url: http://127.0.0.1:1/
      - id: shaped
        type: webhook
        url: http://127.0.0.1:1/
        input_transformer:
          input_paths_map: {"t": "$.detail.type", "rule": "$.id"}
          input_template: '{"type": <t>, "rule": "<aws.events.rule-name>"}'
      - id: nothing
        type: webhook
        url: http://127.0.0.1:1/
        input_path: $.detail.nonexistent
      - id: grouped
        type: webhook
        url: http://127.0.0.1:1/
        group_by: [detail.severity, account]
  - name: other
    event_pattern: {"source": ["aws.ec2"]}
    targets: [{id: x, type: webhook, url: "http://127.0.0.1:1/"}]
`)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "guardduty"), "guardduty.impact_ec2_portsweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	d, err := table.Route(ev, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Matched) != 1 || d.Matched[0].Rule != "gd" || len(d.Matched[0].Targets) != 4 {
		t.Fatalf("decision %+v", d)
	}
	out := d.Matched[0].Targets
	var compact bytes.Buffer
	json.Compact(&compact, ev.Raw)
	if string(out[0].Payload) != compact.String() {
		t.Errorf("a target without input shaping receives the event as received:\n%s\n%s", out[0].Payload, ev.Raw)
	}
	if want := `{"type": "Impact:EC2/PortSweep", "rule": "gd"}`; string(out[1].Payload) != want {
		t.Errorf("transformed payload %s, want %s", out[1].Payload, want)
	}
	if out[2].Deliver || out[2].Reason == "" {
		t.Errorf("an InputPath selecting nothing delivers nothing, with a reason: %+v", out[2])
	}
	if out[3].Group == "" || !strings.Contains(out[3].GroupKey, ev.Account) {
		t.Errorf("group key %q should hold the severity and the account", out[3].GroupKey)
	}
	if d.Key != "id:"+ev.ID {
		t.Errorf("dedup key %s", d.Key)
	}
}

func TestSilences(t *testing.T) {
	now := time.Now()
	s, err := route.CompileSilences([]*route.Silence{
		{ID: "all", Pattern: []byte(`{"source":["a"]}`), StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)},
		{ID: "later", Pattern: []byte(`{"source":["b"]}`), StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour)},
		{ID: "one-rule", Rule: "r2", Pattern: []byte(`{"source":["c"]}`), StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rule, src, want string }{
		{"r1", "a", "all"}, {"r1", "b", ""}, {"r1", "c", ""}, {"r2", "c", "one-rule"},
	} {
		if got := s.Match(c.rule, []byte(`{"source":"`+c.src+`","detail-type":"x","detail":{}}`), now); got != c.want {
			t.Errorf("rule %s source %s: silenced by %q, want %q", c.rule, c.src, got, c.want)
		}
	}
	var none *route.Silences
	if none.Match("r", []byte(`{}`), now) != "" {
		t.Error("a nil set silences nothing")
	}
}
