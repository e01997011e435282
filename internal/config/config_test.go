package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The issue's example file must keep loading, with EventBridge's retry
// defaults.
func TestIssueExample(t *testing.T) {
	c, err := Load("testdata/issue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) != 1 || c.Rules[0].Name != "ssh-open-to-world" {
		t.Fatalf("rules: %+v", c.Rules)
	}
	tg := c.Rules[0].Targets[0]
	if tg.Retry.MaxAttempts != 185 || tg.Retry.MaxAge.D().Hours() != 24 {
		t.Errorf("retry: %+v", tg.Retry)
	}
	if got := string(c.Rules[0].EventPattern); got != `{"detail":{"eventName":["AuthorizeSecurityGroupIngress"]},"source":["aws.ec2"]}` {
		t.Errorf("pattern %s", got)
	}
	if tg.InputTransformer.InputPathsMap["name"] != "$.detail.eventName" {
		t.Errorf("transformer %+v", tg.InputTransformer)
	}
	if c.Server.APIKeyHeader != "x-api-key" || c.Server.Listen != "127.0.0.1:8080" {
		t.Errorf("server defaults %+v", c.Server)
	}
}

// Every problem is reported with file:line:column and the field's path.
func TestErrorsCarryLines(t *testing.T) {
	_, err := Load("testdata/bad.yaml")
	if err == nil {
		t.Fatal("want errors")
	}
	golden(t, "bad.errors", []byte(err.Error()+"\n"))
}

func TestYAMLErrorsCarryLines(t *testing.T) {
	for name, src := range map[string]string{
		"unknown field": "database: sqlite://x.db\nserver:\n  listn: 127.0.0.1:1\n",
		"syntax":        "rules:\n  - name: [\n",
		"bad duration":  "jobs:\n  timeout: soon\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(src))
			if err == nil || !strings.HasPrefix(err.Error(), "v.yaml:") || strings.HasPrefix(err.Error(), "v.yaml: ") {
				t.Errorf("want v.yaml:LINE:..., got %v", err)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	_, err := Parse("v.yaml", []byte("server: {api_keys: [hunter2]}\n"))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "server.api_keys[0]") {
		t.Errorf("a literal secret must be refused without being echoed: %v", err)
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]string{"90s": "1m30s", "24h": "24h0m0s", "7d": "168h0m0s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"", "7days", "-1s", "1.5d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func TestImport(t *testing.T) {
	var docs []ImportDoc
	for _, f := range []string{"describe-rule.json", "list-targets-by-rule.json", "template.yaml", "scheduled-rule.json", "scheduled-targets.json"} {
		b, err := os.ReadFile(filepath.Join("testdata/import", f))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, ImportDoc{Name: f, Data: b})
	}
	im, err := Import(docs)
	if err != nil {
		t.Fatal(err)
	}
	out := Format(im)
	golden(t, "import/rules.golden.yaml", out)
	golden(t, "import/warnings.golden", []byte(strings.Join(im.Warnings, "\n")+"\n"))
	// What import prints is a valid configuration.
	c, err := Parse("imported.yaml", out)
	if err != nil {
		t.Fatalf("imported rules do not load: %v", err)
	}
	// Scheduled rules are schedules with a rule each, not errors.
	if len(c.Schedules) != 2 || c.Schedules[0].Name != "Hourly" || c.Schedules[1].Cron != "cron(0 15 * * ? *)" {
		t.Errorf("schedules: %+v", c.Schedules)
	}
	for _, w := range []string{"EventBusName AppBus", "DeadLetterConfig (arn:aws:sqs:ap-northeast-1:123456789012:reports-dlq)", "vigil deadletters list", "scheduled rule (cron(0 15 * * ? *))"} {
		if !strings.Contains(strings.Join(im.Warnings, "\n"), w) {
			t.Errorf("no warning saying %q", w)
		}
	}
}

func TestImportErrors(t *testing.T) {
	for name, src := range map[string]string{
		"targets first":       `{"Targets": []}`,
		"no pattern":          `{"Name": "x", "Arn": "arn:aws:events:us-east-1:1:rule/x"}`,
		"not an object":       `[1, 2]`,
		"no rules":            `{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}`,
		"pattern is not JSON": `{"Name": "x", "EventPattern": "{nope"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Import([]ImportDoc{{Name: "in.json", Data: []byte(src)}}); err == nil || !strings.HasPrefix(err.Error(), "in.json") {
				t.Errorf("want an error naming the file, got %v", err)
			}
		})
	}
}

// TestMerge adds imported rules and schedules to existing files of every
// shape: the result keeps the file's comments and loads, with the old
// rules and the new.
func TestMerge(t *testing.T) {
	im, err := Import([]ImportDoc{
		{Name: "rule.json", Data: []byte(`{"Name":"gd","EventPattern":"{\"source\":[\"aws.guardduty\"]}"}`)},
		{Name: "targets.json", Data: []byte(`{"Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:alerts"}]}`)},
		{Name: "sched.json", Data: []byte(`{"Name":"tick","ScheduleExpression":"rate(5 minutes)"}`)},
		{Name: "sched-targets.json", Data: []byte(`{"Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:ticks"}]}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	const rule = "  - name: old\n    event_pattern: {\"source\": [\"aws.ec2\"]}\n    targets: [{type: webhook, url: \"http://127.0.0.1:9/x\"}]\n"
	for _, c := range []struct {
		name, file string
		rules      []string // in order, after merging
		keep       []string // text that must stay
	}{
		{"block list then another section", "# my vigil\nrules:\n" + rule + "  # end of my rules\n\n# jobs next\njobs:\n  workers: 5\n",
			[]string{"old", "gd", "tick"}, []string{"# my vigil", "# end of my rules", "# jobs next"}},
		{"no rules section", "database: sqlite://./v.db # here\n", []string{"gd", "tick"}, []string{"# here"}},
		{"empty flow list", "rules: [] # none yet\nschedules: []\n", []string{"gd", "tick"}, []string{"# none yet"}},
		{"empty section", "rules:\nserver:\n  no_auth: true\n", []string{"gd", "tick"}, []string{"no_auth: true"}},
		{"unindented items", "rules:\n- name: old\n  event_pattern: {\"source\": [\"aws.ec2\"]}\n  targets: [{type: webhook, url: \"http://127.0.0.1:9/x\"}]\n", []string{"old", "gd", "tick"}, nil},
		{"no newline at the end", "rules:\n" + strings.TrimSuffix(rule, "\n"), []string{"old", "gd", "tick"}, nil},
		{"empty file", "", []string{"gd", "tick"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Merge("vigil.yaml", []byte(c.file), im)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse("merged.yaml", out)
			if err != nil {
				t.Fatalf("merged file does not load: %v\n%s", err, out)
			}
			var names []string
			for _, r := range cfg.Rules {
				names = append(names, r.Name)
			}
			if strings.Join(names, ",") != strings.Join(c.rules, ",") {
				t.Errorf("rules %v, want %v\n%s", names, c.rules, out)
			}
			if len(cfg.Schedules) != 1 || cfg.Schedules[0].Cron != "rate(5 minutes)" {
				t.Errorf("schedules %+v\n%s", cfg.Schedules, out)
			}
			for _, k := range c.keep {
				if !strings.Contains(string(out), k) {
					t.Errorf("lost %q:\n%s", k, out)
				}
			}
		})
	}
	for name, file := range map[string]string{
		"name taken":     "rules:\n  - name: gd\n    event_pattern: {\"source\": [\"x\"]}\n    targets: [{type: webhook, url: \"http://127.0.0.1:9/x\"}]\n",
		"flow list":      "rules: [{name: a, event_pattern: {\"source\": [\"x\"]}, targets: [{type: webhook, url: \"http://127.0.0.1:9/x\"}]}]\n",
		"flow mapping":   "{database: \"sqlite://./v.db\"}\n",
		"schedule taken": "schedules: [{name: tick, cron: \"@daily\"}]\n",
	} {
		if _, err := Merge("vigil.yaml", []byte(file), im); err == nil || !strings.Contains(err.Error(), "vigil.yaml") {
			t.Errorf("%s: want an error naming the file, got %v", name, err)
		}
	}
}

// TestFlowStyleSecrets: env:NAME inside [...] or {...} reads as the
// reference it is, not as a Go type error (YAML's flow style parses it as a
// one-entry mapping).
func TestFlowStyleSecrets(t *testing.T) {
	c, err := Parse("v.yaml", []byte("server: {api_keys: [env:VIGIL_KEY], basic_auth: [{username: eb, password: env:EB_PW}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(c.Server.APIKeys[0]); got != "env:VIGIL_KEY" {
		t.Errorf("api_keys[0] = %q", got)
	}
	if got := string(c.Server.BasicAuth[0].Password); got != "env:EB_PW" {
		t.Errorf("password = %q", got)
	}
}

// TestScheduleExpressions: EventBridge's cron() and rate() and standard
// cron are accepted in cron:, and a bad one is said in words.
func TestScheduleExpressions(t *testing.T) {
	for _, ok := range []string{"cron(0 9 ? * MON-FRI *)", "rate(5 minutes)", "0 9 * * 1-5", "@daily"} {
		src := "schedules: [{name: s, cron: \"" + ok + "\", timezone: Asia/Tokyo}]\n"
		if _, err := Parse("v.yaml", []byte(src)); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	_, err := Parse("v.yaml", []byte("schedules: [{name: s, cron: \"cron(0 9 ? * MON-FRII *)\"}]\n"))
	if err == nil || !strings.Contains(err.Error(), `schedules[0].cron: cron(0 9 ? * MON-FRII *): day-of-week: "FRII" is neither a number (1-7) nor a name`) {
		t.Errorf("got %v", err)
	}
}

func TestAccessKeys(t *testing.T) {
	c, err := Parse("v.yaml", []byte("server: {access_keys: [{id: AKIAVIGILEXAMPLE01, secret: env:VIGIL_AWS_SECRET}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if k := c.Server.AccessKeys[0]; k.ID != "AKIAVIGILEXAMPLE01" || k.Secret != "env:VIGIL_AWS_SECRET" {
		t.Errorf("access key %+v", k)
	}
	if err := ServeProblem(c.Server); err != nil {
		t.Errorf("access keys are credentials for serve: %v", err)
	}
	_, err = Parse("v.yaml", []byte("server:\n  access_keys:\n    - {id: akia-lower, secret: wJalrXUtnFEMI/K7MDENG}\n    - {secret: env:X}\n"))
	for _, want := range []string{
		`v.yaml:3:12: server.access_keys[0].id: "akia-lower" is not an access key id`,
		`server.access_keys[0].secret: `,
		`server.access_keys[1].id: required`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "wJalrXUtnFEMI") {
		t.Errorf("the error repeats a secret: %v", err)
	}
}
