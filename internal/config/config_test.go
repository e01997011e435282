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
	t.Setenv("VIGIL_TEST_SECRET", "s3cret")
	if v, err := Secret("env:VIGIL_TEST_SECRET").Resolve(); err != nil || v != "s3cret" {
		t.Errorf("Resolve: %q %v", v, err)
	}
	_, err := Secret("env:VIGIL_TEST_MISSING").Resolve()
	if err == nil || !strings.Contains(err.Error(), "VIGIL_TEST_MISSING is not set") {
		t.Errorf("missing variable: %v", err)
	}
	if err := Secret("hunter2").check(); err == nil || strings.Contains(err.Error(), "hunter2") {
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
	for _, f := range []string{"describe-rule.json", "list-targets-by-rule.json", "template.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata/import", f))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, ImportDoc{Name: f, Data: b})
	}
	rules, warnings, err := Import(docs)
	if err != nil {
		t.Fatal(err)
	}
	out := FormatRules(rules)
	golden(t, "import/rules.golden.yaml", out)
	golden(t, "import/warnings.golden", []byte(strings.Join(warnings, "\n")+"\n"))
	// What import prints is a valid configuration.
	if _, err := Parse("imported.yaml", out); err != nil {
		t.Errorf("imported rules do not load: %v", err)
	}
}

func TestImportErrors(t *testing.T) {
	for name, src := range map[string]string{
		"targets first": `{"Targets": []}`,
		"scheduled":     `{"Name": "nightly", "Arn": "arn:aws:events:us-east-1:1:rule/nightly", "ScheduleExpression": "rate(1 day)"}`,
		"not an object": `[1, 2]`,
		"no rules":      `{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Import([]ImportDoc{{Name: "in.json", Data: []byte(src)}}); err == nil || !strings.HasPrefix(err.Error(), "in.json") {
				t.Errorf("want an error naming the file, got %v", err)
			}
		})
	}
}
