package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
)

// TestOperatorCLI drives the operator commands against a running vigil
// serve, through its HTTP API (--server) and through its database file
// (--config), which must agree.
func TestOperatorCLI(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	waitBodies := func(n int) []string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			got := append([]string(nil), bodies...)
			mu.Unlock()
			if len(got) >= n {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d deliveries, want %d: %q", len(got), n, got)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Setenv("VIGIL_API_KEY", "cli-key")
	db := filepath.Join(t.TempDir(), "v.db")
	cfgPath := writeFile(t, "v.yaml", strings.Replace(fmt.Sprintf(cliConfig, db, hook.URL, hook.URL), "server:\n", "server:\n  listen: 127.0.0.1:0\n", 1))
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	url := pipelinetest.ServeConfig(t, cfg, pipeline.Deps{})
	ev := `{"id":"cli-e1","source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"AuthorizeSecurityGroupIngress"}}`
	req, _ := http.NewRequest("POST", url+"/events", strings.NewReader(ev))
	req.Header.Set("x-api-key", "cli-key")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", resp, err)
	}
	waitBodies(1)

	for _, where := range [][]string{{"--server", url}, {"--config", cfgPath}} {
		out, errOut, code := pipelineCLI(t, "", append([]string{"events", "list"}, where...)...)
		if code != exitOK || !strings.Contains(out, "cli-e1") || !strings.Contains(out, "aws.ec2") {
			t.Errorf("events list %v: %d %s %s", where, code, out, errOut)
		}
		out, errOut, code = pipelineCLI(t, "", append([]string{"events", "show", "cli-e1"}, where...)...)
		if code != exitOK || !strings.Contains(out, `"AuthorizeSecurityGroupIngress"`) {
			t.Errorf("events show %v: %d %s %s", where, code, out, errOut)
		}
		out, errOut, code = pipelineCLI(t, "", append([]string{"rules", "list"}, where...)...)
		if code != exitOK || !strings.Contains(out, "ssh-open-to-world") || !strings.Contains(out, "ops-hook (webhook)") {
			t.Errorf("rules list %v: %d %s %s", where, code, out, errOut)
		}
		out, errOut, code = pipelineCLI(t, ev, append([]string{"rules", "test", "-"}, where...)...)
		if code != exitOK || !strings.Contains(out, `target ops-hook (webhook) would receive: {"alert": "AuthorizeSecurityGroupIngress"}`) {
			t.Errorf("rules test %v: %d %s %s", where, code, out, errOut)
		}
		if _, errOut, code := pipelineCLI(t, "", append([]string{"events", "show", "nope"}, where...)...); code != exitFailure || !strings.Contains(errOut, `no stored event with id "nope"`) {
			t.Errorf("events show nope %v: %d %s", where, code, errOut)
		}
	}

	// Silences over HTTP: the server checks the rule name.
	_, errOut, code := pipelineCLI(t, "", "silence", "add", "--server", url, "--pattern", `{"source":["aws.ec2"]}`, "--rule", "ssh-open", "--creator", "a", "--comment", "c")
	if code != exitUsage || !strings.Contains(errOut, `--rule: no rule "ssh-open" in the configuration`) {
		t.Errorf("silence add --rule typo over HTTP: %d %s", code, errOut)
	}
	id, errOut, code := pipelineCLI(t, "", "silence", "add", "--server", url, "--pattern", `{"source":["aws.ec2"]}`, "--creator", "a", "--comment", "game day")
	if code != exitOK {
		t.Fatalf("silence add over HTTP: %d %s", code, errOut)
	}
	if out, _, _ := pipelineCLI(t, "", "silence", "list", "--config", cfgPath); !strings.Contains(out, strings.TrimSpace(id)) || !strings.Contains(out, "game day") {
		t.Errorf("the silence added over HTTP is not in the database:\n%s", out)
	}
	if out, _, code := pipelineCLI(t, "", "silence", "expire", "--server", url, strings.TrimSpace(id)); code != exitOK || !strings.Contains(out, "expired") {
		t.Errorf("silence expire over HTTP: %d %s", code, out)
	}

	// Replay, once queued in the database (the server delivers it) and
	// once through the server.
	out, errOut, code := pipelineCLI(t, "", "replay", "--config", cfgPath, "--since", "1h", "--name", "from-file")
	if code != exitOK || out != "replay from-file: 1 event read, 1 event matched, 1 delivery queued\n" {
		t.Errorf("replay --config: %d %q %s", code, out, errOut)
	}
	out, errOut, code = pipelineCLI(t, "", "replay", "--server", url, "--since", "1h", "--rule", "ssh-open-to-world", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"deliveries": 1`) {
		t.Errorf("replay --server: %d %s %s", code, out, errOut)
	}
	if got := waitBodies(3); !strings.Contains(got[1]+got[2], `"alert": "AuthorizeSecurityGroupIngress"`) {
		t.Errorf("replayed deliveries: %q", got)
	}
	if _, errOut, code := pipelineCLI(t, "", "replay", "--server", url); code != exitUsage || !strings.Contains(errOut, "--since is required") {
		t.Errorf("replay without --since: %d %s", code, errOut)
	}

	// A wrong key is refused, with what to set.
	t.Setenv("VIGIL_API_KEY", "wrong")
	if _, errOut, code := pipelineCLI(t, "", "events", "list", "--server", url); code != exitFailure || !strings.Contains(errOut, "set VIGIL_API_KEY") {
		t.Errorf("wrong key: %d %s", code, errOut)
	}
}
