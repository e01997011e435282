package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"

	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// scanEnv starts a sandbox with generated findings and a clean AWS
// environment.
func scanEnv(t *testing.T) *sandbox.Sandbox {
	sandboxtest.Isolate(t)
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: sandbox.Demo(), Findings: 500, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func TestScanSecurityHubCSV(t *testing.T) {
	sb := scanEnv(t)
	out, stderr, code := runCLI(t, "", "--endpoint-url", sb.URL(), "scan", "securityhub", "--lang", "ja", "--bom",
		"--severity-floor", "high", "--regions", "ap-northeast-1,us-east-1", "--output", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "\ufeffリソース名,違反事項,コントロールID,重要度,アカウント,リージョン,初回検出日時,最終検出日時,修復手順URL\r\n") {
		t.Errorf("header: %.200q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, r := range rows[1:] {
		if r[3] != "HIGH" && r[3] != "CRITICAL" {
			t.Errorf("severity %q below the floor", r[3])
		}
	}
	if !strings.Contains(stderr, "件の違反を検出しました") {
		t.Errorf("stderr: %s", stderr)
	}

	_, stderr, code = runCLI(t, "", "scan", "securityhub", "--severity-floor", "SEVERE")
	if code != exitUsage || !strings.Contains(stderr, `"SEVERE" for "--severity-floor"`) || strings.Contains(stderr, "severity_floor") {
		t.Errorf("bad floor: exit %d %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "scan", "securityhub", "--slack-channel", "C1", "--slack-token", "xoxb-pasted")
	if code != exitUsage || strings.Contains(stderr, "xoxb-pasted") {
		t.Errorf("token in clear: exit %d %s", code, stderr)
	}
}

func TestScanSecurityHubToSlackWithDiff(t *testing.T) {
	sb := scanEnv(t)
	var mu sync.Mutex
	var uploaded []byte
	var comments []string
	failing := true
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "file_id": "F1", "upload_url": "http://" + r.Host + "/upload/F1"})
		})
		c.Handle("/upload/", func(w http.ResponseWriter, r *http.Request) {
			f, _, err := r.FormFile("file")
			if err == nil {
				mu.Lock()
				uploaded, _ = io.ReadAll(f)
				mu.Unlock()
			}
			w.Write([]byte("OK"))
		})
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			if failing {
				mu.Unlock()
				json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "not_in_channel"})
				return
			}
			comments = append(comments, r.Form.Get("initial_comment"))
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "files": []map[string]string{{"id": "F1"}}})
		})
	})
	srv.Start()
	defer srv.Stop()
	t.Setenv("VIGIL_TEST_SLACK", "xoxb-cli-test")
	db := "sqlite://" + filepath.Join(t.TempDir(), "vigil.db")
	args := []string{"--endpoint-url", sb.URL(), "scan", "securityhub", "--lang", "ja", "--env", "本番", "--database", db,
		"--severity-floor", "CRITICAL", "--slack-channel", "C0SECOPS", "--slack-token", "env:VIGIL_TEST_SLACK", "--slack-api-url", srv.GetAPIURL()}
	// The first upload fails: that scan is not recorded as the baseline.
	if _, stderr, code := runCLI(t, "", args...); code != exitFailure || !strings.Contains(stderr, "not_in_channel") || !strings.Contains(stderr, "reports these changes again") {
		t.Fatalf("failed upload: exit %d: %s", code, stderr)
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	for run := 0; run < 2; run++ {
		out, stderr, code := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", run, code, stderr)
		}
		if out != "" {
			t.Errorf("run %d: CSV also went to stdout", run)
		}
	}
	// With --only-changes, a scan that found nothing new is not uploaded.
	_, stderr, code := runCLI(t, "", append(args, "--only-changes")...)
	if code != exitOK || !strings.Contains(stderr, "not uploaded to Slack: nothing changed") {
		t.Errorf("--only-changes: exit %d: %s", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(comments) != 2 {
		t.Fatalf("%d uploads", len(comments))
	}
	if !strings.HasPrefix(comments[0], "🚨 本番 環境で ") || !strings.Contains(comments[0], "初回のスキャン") {
		t.Errorf("first comment %q", comments[0])
	}
	if !strings.Contains(comments[1], "前回のスキャンから変化はありません") {
		t.Errorf("second comment %q", comments[1])
	}
	if !bytes.HasPrefix(uploaded, []byte("リソース名,")) || !bytes.Contains(uploaded, []byte("継続")) {
		t.Errorf("uploaded %.300q", uploaded)
	}
}

// TestScanRegionsWithoutAWSRegion: --regions is enough; AWS_REGION is not
// needed. Without either, the error says what to give.
func TestScanRegionsWithoutAWSRegion(t *testing.T) {
	sb := scanEnv(t)
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	out, stderr, code := runCLI(t, "", "--endpoint-url", sb.URL(), "scan", "securityhub", "--regions", "ap-northeast-1,us-east-1", "--output", "-")
	if code != exitOK || !strings.HasPrefix(out, "Resource,") {
		t.Fatalf("exit %d: %s\n%.200s", code, stderr, out)
	}
	// --mark-notified sets what was listed as NEW to NOTIFIED; the next
	// run has nothing left to mark.
	_, stderr, code = runCLI(t, "", "--endpoint-url", sb.URL(), "scan", "securityhub", "--regions", "ap-northeast-1", "--output", os.DevNull, "--mark-notified")
	if code != exitOK || !strings.Contains(stderr, "findings NOTIFIED in Security Hub") {
		t.Errorf("--mark-notified: exit %d: %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "--endpoint-url", sb.URL(), "scan", "securityhub", "--regions", "ap-northeast-1", "--output", os.DevNull, "--mark-notified")
	if code != exitOK || strings.Contains(stderr, "NOTIFIED in Security Hub") {
		t.Errorf("second --mark-notified: exit %d: %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "--endpoint-url", sb.URL(), "scan", "securityhub", "--output", "-")
	if code != exitUsage || !strings.Contains(stderr, "give --regions") {
		t.Errorf("no region at all: exit %d: %s", code, stderr)
	}
}
