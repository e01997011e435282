package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vpipeline "github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/schedule"

	"github.com/slack-go/slack/slacktest"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/shareddata"
)

var ctx = context.Background()

// slackRecorder is slacktest's server with the upload endpoints, keeping
// what it was sent.
type slackRecorder struct {
	*slacktest.Server
	mu       sync.Mutex
	posts    []map[string]string
	comments []string
	files    [][]byte
	n        int
	// failUploads makes that many uploads fail (channel_not_found).
	failUploads atomic.Int32
}

func (s *slackRecorder) snapshot() (posts []map[string]string, comments []string, files [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(posts, s.posts...), append(comments, s.comments...), append(files, s.files...)
}

func startSlack(t *testing.T) *slackRecorder {
	s := &slackRecorder{}
	form := func(r *http.Request) map[string]string {
		r.ParseForm()
		m := map[string]string{}
		for k := range r.Form {
			m[k] = r.Form.Get(k)
		}
		return m
	}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			f := form(r)
			s.mu.Lock()
			s.n++
			ts := fmt.Sprintf("1700000000.%06d", s.n)
			s.posts = append(s.posts, f)
			s.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f["channel"], "ts": ts})
		})
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "file_id": "F1", "upload_url": "http://" + r.Host + "/upload/F1"})
		})
		c.Handle("/upload/", func(w http.ResponseWriter, r *http.Request) {
			f, _, err := r.FormFile("file")
			if err == nil {
				b, _ := io.ReadAll(f)
				s.mu.Lock()
				s.files = append(s.files, b)
				s.mu.Unlock()
			}
		})
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			if s.failUploads.Add(-1) >= 0 {
				json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "channel_not_found"})
				return
			}
			s.failUploads.Store(0)
			f := form(r)
			s.mu.Lock()
			s.comments = append(s.comments, f["initial_comment"])
			s.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "files": []map[string]string{{"id": "F1"}}})
		})
	})
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

func awsEnv(t *testing.T) *sandbox.Sandbox {
	return sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo(), Findings: 300, Seed: 9})
}

// pipeline is vigil serve's pipeline without its HTTP server: the
// database, the job queue and the ingester, with the configured rules.
func pipeline(t *testing.T, cfg *config.Config) *vpipeline.Pipeline {
	return pipelinetest.Start(t, cfg, vpipeline.Deps{})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

const configYAML = `
database: sqlite://%s
notifiers:
  - name: secops-slack
    lang: ja
    slack:
      token: env:VIGIL_TEST_SLACK_TOKEN
      channel: C0SECOPS
      api_url: %s
reports:
  - name: daily
    env: 本番
    lang: ja
    bom: true
    severity_floor: HIGH
    regions: [ap-northeast-1, us-east-1]
    owner_tag: Owner
    owners: {alice: [U0ALICE]}
    notify: [secops-slack]
schedules:
  - name: weekday-morning
    cron: "0 9 * * 1-5"
    timezone: Asia/Tokyo
    report: daily
rules:
  - name: securityhub-to-slack
    event_pattern: {"source": ["aws.securityhub"]}
    targets:
      - id: slack
        type: notify
        notifier: secops-slack
`

func loadConfig(t *testing.T, slackURL string) *config.Config {
	return loadConfigWith(t, slackURL, "")
}

// loadConfigWith is loadConfig with reportLines added to the report.
func loadConfigWith(t *testing.T, slackURL, reportLines string) *config.Config {
	yml := fmt.Sprintf(configYAML, filepath.Join(t.TempDir(), "vigil.db"), slackURL)
	yml = strings.Replace(yml, "    notify: [secops-slack]\n", "    notify: [secops-slack]\n"+reportLines, 1)
	cfg, err := config.Parse("vigil.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestNotifyTargetThreadsFollowUps(t *testing.T) {
	awsEnv(t)
	sl := startSlack(t)
	t.Setenv("VIGIL_TEST_SLACK_TOKEN", "xoxb-pipeline")
	in := pipeline(t, loadConfig(t, sl.GetAPIURL()))
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "events"), "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The same finding twice: the second time updated (a new UpdatedAt
	// and event id), which is a follow-up.
	var ev map[string]any
	json.Unmarshal(raw, &ev)
	ev["id"] = "follow-up-1"
	ev["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any)["UpdatedAt"] = "2030-01-01T00:00:00.000Z"
	secondRaw, _ := json.Marshal(ev)
	for i, r := range [][]byte{raw, secondRaw} {
		res := in.Accept(ctx, "test", [][]byte{r})
		if res[0].Err != nil || res[0].Duplicate {
			t.Fatalf("event %d: %+v", i, res[0])
		}
		waitFor(t, "the Slack post", func() bool { p, _, _ := sl.snapshot(); return len(p) == i+1 })
	}
	posts, _, _ := sl.snapshot()
	if !strings.Contains(posts[0]["blocks"], "概要") || posts[0]["thread_ts"] != "" {
		t.Errorf("first post: thread %q blocks %.200s", posts[0]["thread_ts"], posts[0]["blocks"])
	}
	if posts[1]["thread_ts"] != "1700000000.000001" {
		t.Errorf("follow-up thread_ts = %q", posts[1]["thread_ts"])
	}
}

func TestScheduleRunsReportOncePerFiring(t *testing.T) {
	awsEnv(t)
	sl := startSlack(t)
	t.Setenv("VIGIL_TEST_SLACK_TOKEN", "xoxb-pipeline")
	cfg := loadConfig(t, sl.GetAPIURL())
	if cfg.Rule("schedule.weekday-morning") == nil {
		t.Fatal("the schedule's report shorthand made no rule")
	}
	p := pipeline(t, cfg)
	submit := func(ctx context.Context, raw []byte) error { return p.Accept(ctx, "schedule", [][]byte{raw})[0].Err }

	// Two replicas fire the same schedule at the same time: one report.
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for replica := 0; replica < 2; replica++ {
		if err := submit(ctx, schedule.ScheduledEvent("weekday-morning", at)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the report upload", func() bool { _, c, _ := sl.snapshot(); return len(c) >= 1 })
	pipelinetest.WaitIdle(t, p)
	_, comments, files := sl.snapshot()
	if len(comments) != 1 {
		t.Fatalf("%d uploads for one firing", len(comments))
	}
	if !strings.HasPrefix(comments[0], "🚨 本番 環境で ") || !strings.Contains(comments[0], "初回のスキャン") {
		t.Errorf("comment %q", comments[0])
	}
	if !strings.HasPrefix(string(files[0]), "\ufeffリソース名,違反事項,コントロールID,重要度") {
		t.Errorf("file %.100q", files[0])
	}

	// The scheduler itself fires: a schedule every second, with the same
	// report, run for a bounded time.
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	every, err := schedule.Parse("@every 1s", nil)
	if err != nil {
		t.Fatal(err)
	}
	go schedule.Run(rctx, []schedule.Named{{Name: "weekday-morning", Schedule: every}}, submit, nil)
	waitFor(t, "a scheduled report", func() bool { _, c, _ := sl.snapshot(); return len(c) >= 2 })
	_, comments, _ = sl.snapshot()
	if !strings.Contains(comments[1], "前回のスキャンから変化はありません") {
		t.Errorf("second report %q", comments[1])
	}
}

// TestReportOnlyChangesAndBaseline: a report whose upload failed is not
// the baseline (the next firing reports the same changes), and with
// only_changes a firing that finds nothing new or resolved sends nothing.
func TestReportOnlyChangesAndBaseline(t *testing.T) {
	sb := awsEnv(t)
	sl := startSlack(t)
	t.Setenv("VIGIL_TEST_SLACK_TOKEN", "xoxb-pipeline")
	cfg := loadConfigWith(t, sl.GetAPIURL(), "    only_changes: true\n")
	p := pipeline(t, cfg)
	fire := func(hour int) {
		t.Helper()
		at := time.Date(2026, 11, 23, hour, 0, 0, 0, time.UTC)
		if err := p.Accept(ctx, "schedule", [][]byte{schedule.ScheduledEvent("weekday-morning", at)})[0].Err; err != nil {
			t.Fatal(err)
		}
		pipelinetest.WaitIdle(t, p)
	}
	uploads := func() []string { _, c, _ := sl.snapshot(); return c }

	sl.failUploads.Store(1)
	fire(0) // the upload fails: dead-lettered, not the baseline
	if n := len(uploads()); n != 0 {
		t.Fatalf("%d uploads from a failed delivery", n)
	}
	fire(1) // reports the first scan again
	if c := uploads(); len(c) != 1 || !strings.Contains(c[0], "初回のスキャン") {
		t.Fatalf("after a failed upload: %q", c)
	}
	fire(2) // nothing changed: only_changes sends nothing
	if c := uploads(); len(c) != 1 {
		t.Fatalf("an unchanged run was sent: %q", c[1:])
	}
	// A new HIGH violation appears: the next firing is sent.
	if err := sb.Seed(&sandbox.Scenario{Accounts: []*sandbox.Account{{ID: "111122223333"}}, Findings: []map[string]any{newFinding()}}); err != nil {
		t.Fatal(err)
	}
	fire(3)
	if c := uploads(); len(c) != 2 || !strings.Contains(c[1], "新規 1 件") {
		t.Fatalf("after a change: %q", c)
	}
}

// newFinding is a failed HIGH Security Hub control finding in the demo
// account.
func newFinding() map[string]any {
	return map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            "arn:aws:securityhub:ap-northeast-1:111122223333:security-control/EC2.2/finding/only-changes-1",
		"ProductArn":    "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		"ProductName":   "Security Hub", "CompanyName": "AWS",
		"GeneratorId": "security-control/EC2.2", "AwsAccountId": "111122223333", "Region": "ap-northeast-1",
		"Types":     []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"CreatedAt": "2026-11-23T00:00:00.000Z", "UpdatedAt": "2026-11-23T00:00:00.000Z",
		"Severity": map[string]any{"Label": "HIGH"}, "Title": "EC2.2 check", "Description": "test finding",
		"Resources":   []any{map[string]any{"Type": "AwsEc2SecurityGroup", "Id": "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-only-changes"}},
		"Compliance":  map[string]any{"Status": "FAILED", "SecurityControlId": "EC2.2"},
		"Workflow":    map[string]any{"Status": "NEW"},
		"RecordState": "ACTIVE",
	}
}
