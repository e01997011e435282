package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/examples"
)

// TestExamples runs everything under examples/: the sample configuration
// passes vigil config check (for serve, lambda and process), and every
// sample event goes through vigil rules test on it, matching exactly the
// rules its content calls for, and through vigil explain in English and
// Japanese.
func TestExamples(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf := filepath.Join(dir, "vigil.yaml")
	if err := os.WriteFile(conf, examples.Config, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, use := range []string{"serve", "lambda", "process"} {
		if out, errOut, code := runCLI(t, "", "config", "check", "--for", use, conf); code != exitOK || !strings.Contains(out, "ok for vigil "+use) {
			t.Errorf("config check --for %s examples/vigil.yaml: exit %d, %s%s", use, code, out, errOut)
		}
	}
	names, err := fs.Glob(examples.Events, "events/*.json")
	if err != nil || len(names) < 10 {
		t.Fatalf("sample events: %v, %v", names, err)
	}
	for _, name := range names {
		t.Run(strings.TrimPrefix(name, "events/"), func(t *testing.T) {
			t.Parallel()
			raw, _ := examples.Events.ReadFile(name)
			var ev struct {
				Source string `json:"source"`
				Detail struct {
					Severity  float64 `json:"severity"`
					EventName string  `json:"eventName"`
					Identity  struct {
						ARN string `json:"arn"`
					} `json:"userIdentity"`
				} `json:"detail"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			// What examples/vigil.yaml's two rules say, read off the event.
			var want []string
			if ev.Source == "aws.ec2" && ev.Detail.EventName == "AuthorizeSecurityGroupIngress" {
				want = append(want, "ssh-open-to-world")
			}
			if ev.Source == "aws.guardduty" && ev.Detail.Severity >= 7 {
				want = append(want, "guardduty-high")
			}
			file := filepath.Join(t.TempDir(), "event.json")
			os.WriteFile(file, raw, 0o644)
			out, errOut, code := runCLI(t, "", "rules", "test", "--config", conf, "--format", "json", file)
			var res struct {
				Matched []struct {
					Rule    string `json:"rule"`
					Targets []struct {
						Target  string `json:"target"`
						Payload string `json:"payload"`
					} `json:"targets"`
				} `json:"matched_rules"`
			}
			if code != exitOK || json.Unmarshal([]byte(out), &res) != nil {
				t.Fatalf("rules test: exit %d, %s%s", code, out, errOut)
			}
			var got []string
			for _, m := range res.Matched {
				got = append(got, m.Rule)
				if m.Rule == "ssh-open-to-world" {
					wantPayload := `{"alert": "AuthorizeSecurityGroupIngress", "by": "` + ev.Detail.Identity.ARN + `"}`
					if len(m.Targets) != 1 || m.Targets[0].Payload != wantPayload {
						t.Errorf("ops-hook would receive %+v, want %s", m.Targets, wantPayload)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("matched %q, want %q", got, want)
			}
			for _, lang := range []string{"en", "ja"} {
				if out, errOut, code := runCLI(t, "", "explain", "--lang", lang, file); code != exitOK || strings.TrimSpace(out) == "" {
					t.Errorf("explain --lang %s: exit %d, %s", lang, code, errOut)
				}
			}
		})
	}
}
