package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

const notifyConfig = `
database: sqlite://%s
explain: {engine: openai, model: never-called, base_url: "http://127.0.0.1:9/v1"}
notifiers:
  - name: ops
    lang: ja
    webhook: {url: "http://127.0.0.1:9/n"}
rules:
  - name: app-bad
    event_pattern: {"source": ["my.app"]}
    targets:
      - {id: page, type: notify, notifier: ops}
      - id: brief
        type: notify
        notifier: ops
        input_transformer:
          input_paths_map: {s: $.detail.state}
          input_template: '"state is <s>"'
`

// TestProcessShowsNotifyMessage: a dry run shows what each notify target's
// notifier would send, in the notifier's language, explained offline even
// when the configuration names a model.
func TestProcessShowsNotifyMessage(t *testing.T) {
	t.Parallel()
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(notifyConfig, filepath.Join(t.TempDir(), "v.db")))
	out, errOut, code := runCLI(t, genericEvent, "process", "--config", cfg, "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"    target page (notify) would receive: {\"version\"",
		"      notifier ops would send (ja, explained by the builtin engine in this dry run):\n        subject: Custom Thing（my.app）\n",
		"        ■ 概要\n",
		"    target brief (notify) would receive: \"state is bad\"\n      notifier ops would send (ja):\n        subject: state is bad\n        state is bad\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}

	out, errOut, code = runCLI(t, genericEvent, "process", "--config", cfg, "--format", "json", "-")
	var got []struct {
		Messages map[string]notifyPreview `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitOK || len(got) != 1 {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
	}
	page, brief := got[0].Messages["app-bad/page"], got[0].Messages["app-bad/brief"]
	if page.Notifier != "ops" || page.Lang != "ja" || page.Engine != "builtin" || !strings.Contains(page.Text, "アカウント 123456789012") {
		t.Errorf("page: %+v", page)
	}
	if brief.Subject != "state is bad" || brief.Text != "state is bad" || brief.Engine != "" {
		t.Errorf("brief: %+v", brief)
	}
}
