package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/shareddata"
)

func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), stdio{in: strings.NewReader(stdin), out: &out, err: &errb}, args)
	return out.String(), errb.String(), code
}

type awsCase struct {
	Name     string  `json:"name"`
	File     string  `json:"file"`
	Expected string  `json:"expected"`
	AWSError *string `json:"aws_error"`
	event    json.RawMessage
	pattern  json.RawMessage
}

func loadAWSCases(t *testing.T) []awsCase {
	dir := shareddata.Dir(t, "eventbridge/patterns")
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []awsCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		raw, err := os.ReadFile(filepath.Join(dir, cases[i].File))
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ Event, Pattern json.RawMessage }
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		cases[i].event, cases[i].pattern = c.Event, c.Pattern
	}
	return cases
}

// TestTestEventPatternCLI runs every AWS case through the CLI as a user
// would, with file:// arguments, and checks output, stderr and exit status.
func TestTestEventPatternCLI(t *testing.T) {
	dir := t.TempDir()
	for _, c := range loadAWSCases(t) {
		pf := filepath.Join(dir, c.Name+".pattern.json")
		ef := filepath.Join(dir, c.Name+".event.json")
		os.WriteFile(pf, c.pattern, 0o600)
		os.WriteFile(ef, c.event, 0o600)
		out, errOut, code := runCLI(t, "", "test-event-pattern", "--event-pattern", "file://"+pf, "--event", "file://"+ef)
		switch c.Expected {
		case "invalid":
			if code != exitUsage || out != "" || strings.TrimSpace(errOut) != "InvalidEventPatternException: "+*c.AWSError {
				t.Errorf("%s: code %d, stdout %q, stderr %q", c.Name, code, out, errOut)
			}
		default:
			want := `{"Result": false}` + "\n"
			if c.Expected == "match" {
				want = `{"Result": true}` + "\n"
			}
			if code != exitOK || out != want {
				t.Errorf("%s: code %d, stdout %q, stderr %q; want %q", c.Name, code, out, errOut, want)
			}
		}
	}
}

// TestTestEventPatternBatch sends every AWS case in one batch and checks the
// answers come back in order.
func TestTestEventPatternBatch(t *testing.T) {
	cases := loadAWSCases(t)
	var in strings.Builder
	for _, c := range cases {
		var line bytes.Buffer
		line.WriteString(`{"pattern": `)
		line.Write(bytes.ReplaceAll(c.pattern, []byte("\n"), []byte(" ")))
		line.WriteString(`, "event": `)
		line.Write(bytes.ReplaceAll(c.event, []byte("\n"), []byte(" ")))
		line.WriteString("}\n")
		in.Write(line.Bytes())
	}
	in.WriteString("not json\n")
	out, errOut, code := runCLI(t, in.String(), "test-event-pattern", "--batch", "-")
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(cases)+1 {
		t.Fatalf("%d output lines for %d input lines", len(lines), len(cases)+1)
	}
	for i, c := range cases {
		var got struct {
			Result *bool   `json:"result"`
			Error  *string `json:"error"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d: %q: %v", i+1, lines[i], err)
		}
		switch c.Expected {
		case "invalid":
			if got.Error == nil || *got.Error != *c.AWSError {
				t.Errorf("%s: got %s, want error %q", c.Name, lines[i], *c.AWSError)
			}
		default:
			if got.Result == nil || *got.Result != (c.Expected == "match") {
				t.Errorf("%s: got %s, want %s", c.Name, lines[i], c.Expected)
			}
		}
	}
	if !strings.Contains(lines[len(cases)], `"error"`) {
		t.Errorf("bad input line answered %s", lines[len(cases)])
	}
}

func TestTestEventPatternRequiresAWSFields(t *testing.T) {
	_, errOut, code := runCLI(t, "", "test-event-pattern", "--event-pattern", `{"source":["x"]}`, "--event", `{"source":"x"}`)
	if code != exitUsage || !strings.Contains(errOut, "Parameter Event is not valid") || !strings.Contains(errOut, "detail-type") {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
}

func TestTransformCLI(t *testing.T) {
	ev := `{"version":"0","id":"1","detail-type":"t","source":"s","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"severity":8,"ids":["a","b"]}}`
	out, errOut, code := runCLI(t, "", "transform", "--event", ev,
		"--input-paths-map", `{"sev":"$.detail.severity","ids":"$.detail.ids"}`,
		"--input-template", `{"severity": <sev>, "ids": <ids>, "rule": "<aws.events.rule-name>"}`)
	if code != exitOK || out != `{"severity": 8, "ids": ["a","b"], "rule": "vigil-test-rule"}`+"\n" {
		t.Fatalf("code %d out %q err %q", code, out, errOut)
	}
	out, _, code = runCLI(t, "", "transform", "--event", ev, "--input-path", "$.detail.ids")
	if code != exitOK || out != `["a","b"]`+"\n" {
		t.Fatalf("input path: code %d out %q", code, out)
	}
	_, errOut, code = runCLI(t, "", "transform", "--event", ev, "--input-paths-map", `{"ids":"$.detail.ids"}`, "--input-template", `{"x": "<ids>"}`)
	if code != exitFailure || !strings.Contains(errOut, "not delivered") {
		t.Fatalf("quoted list: code %d err %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "", "transform", "--event", ev, "--input-template", `"<nope>"`)
	if code != exitUsage || !strings.Contains(errOut, "invalid placeholder nope") {
		t.Fatalf("bad placeholder: code %d err %q", code, errOut)
	}
}
