package target_test

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
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	_ "github.com/vigilhq/vigil/internal/notify/target"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/scan"
	_ "github.com/vigilhq/vigil/internal/scan/target"
	"github.com/vigilhq/vigil/internal/shareddata"
	"github.com/vigilhq/vigil/internal/store"
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
func pipeline(t *testing.T, cfg *config.Config) *ingest.Ingester {
	table, err := route.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(ctx, st, jobs.Options{Workers: 4, JobTimeout: time.Minute, RescueAfter: 2 * time.Minute, PollInterval: 20 * time.Millisecond, Retention: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	q.SetSender(table)
	in := ingest.New(st, q, table, ingest.Options{})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
		st.Close()
	})
	return in
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
	yml := fmt.Sprintf(configYAML, filepath.Join(t.TempDir(), "vigil.db"), slackURL)
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
	in := pipeline(t, cfg)
	submit := func(ctx context.Context, raw []byte) error { return in.Accept(ctx, "schedule", [][]byte{raw})[0].Err }

	// Two replicas fire the same schedule at the same time: one report.
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for replica := 0; replica < 2; replica++ {
		if err := submit(ctx, scan.ScheduledEvent("weekday-morning", at)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the report upload", func() bool { _, c, _ := sl.snapshot(); return len(c) >= 1 })
	time.Sleep(300 * time.Millisecond)
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
	go scan.RunSchedules(rctx, []config.Schedule{{Name: "weekday-morning", Cron: "@every 1s"}}, submit, nil)
	waitFor(t, "a scheduled report", func() bool { _, c, _ := sl.snapshot(); return len(c) >= 2 })
	_, comments, _ = sl.snapshot()
	if !strings.Contains(comments[1], "前回のスキャンから変化はありません") {
		t.Errorf("second report %q", comments[1])
	}
}

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
	_, err := config.Parse("vigil.yaml", []byte(bad))
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
