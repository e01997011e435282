package pipeline_test

import (
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/pipeline"
)

func TestConfigErrors(t *testing.T) {
	bad := `
notifiers:
  - name: a
    slack: {token: xoxb-literal-token}
  - name: b
    email: {smtp: "mail:587", from: vigil@example.com}
reports:
  - name: r
    severity_floor: SEVERE
    notify: [missing]
schedules:
  - name: s
    cron: "every day"
    report: nope
rules:
  - name: x
    event_pattern: {"source": ["aws.ec2"]}
    targets:
      - {id: t, type: notify, notifier: ghost}
`
	err := pipeline.CheckBytes("vigil.yaml", []byte(bad))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"notifiers[0].slack.token", "secrets are not written in the configuration",
		"notifiers[0].slack.channel", "notifiers[1].email.to",
		"reports[0].severity_floor", `reports[0].notify[0]: no notifier is named "missing"`,
		"schedules[0].cron", `schedules[0].report: no report is named "nope"`,
		`rules[0].targets[0].notifier: no notifier is named "ghost"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "xoxb-literal-token") {
		t.Errorf("the error repeats a secret:\n%v", err)
	}
	if !strings.Contains(err.Error(), "vigil.yaml:4:") {
		t.Errorf("no file:line:\n%v", err)
	}
}

// TestConfigCheckEveryUnknownField: vigil config check reports every
// unknown field of the file in one run, each at its line with the nearest
// known name, in the file's own sections and in the parts plug-ins decode
// (a target type's fields, a channel's), and a bad pattern does not hide
// them.
func TestConfigCheckEveryUnknownField(t *testing.T) {
	src := `databse: sqlite://./v.db
server:
  lisen: 127.0.0.1:8080
  api_keys: [env:K]
jobs: {workers: 2, timout: 10s}
notifiers:
  - name: ops
    slack: {token: "env:T", chanel: C0123}
rules:
  - name: r
    EventPattern: {"source": ["aws.ec2"]}
    event_pattern: {"source": [{"prefixx": "aws."}]}
    targets:
      - type: webhook
        urll: http://127.0.0.1:9/x
        retry: {max_attemps: 3}
      - {type: lambda, arn: "arn:aws:lambda:us-east-1:1:function:f"}
`
	err := pipeline.CheckBytes("vigil.yaml", []byte(src))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`vigil.yaml:1:1: unknown field "databse" (did you mean "database"?)`,
		`vigil.yaml:3:3: server: unknown field "lisen" (did you mean "listen"?)`,
		`vigil.yaml:5:20: jobs: unknown field "timout" (did you mean "timeout"?)`,
		`notifiers[0].slack: unknown field "chanel" (did you mean "channel"?)`,
		`vigil.yaml:11:5: rules[0]: unknown field "EventPattern" (did you mean "event_pattern"?)`,
		`rules[0].event_pattern`, `prefixx`,
		`rules[0].targets[0]: unknown field "urll" (did you mean "url"?)`,
		`rules[0].targets[0].retry: unknown field "max_attemps" (did you mean "max_attempts"?)`,
		`rules[0].targets[1].type: unknown target type "lambda"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}
