package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	vpipeline "github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/shareddata"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// receiver is a webhook endpoint that records what it gets; fail decides
// the status of each request (nil: 200).
type receiver struct {
	mu    sync.Mutex
	got   []delivery
	fail  func(n int) int
	calls int
	srv   *httptest.Server
}

type delivery struct {
	ID      string
	Attempt string
	Body    string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.calls++
		status := 200
		if r.fail != nil {
			status = r.fail(r.calls)
		}
		if status == 200 {
			r.got = append(r.got, delivery{req.Header.Get("X-Vigil-Delivery"), req.Header.Get("X-Vigil-Attempt"), string(b)})
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setFail(f func(n int) int) {
	r.mu.Lock()
	r.fail = f
	r.mu.Unlock()
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// waitFor polls cond for up to 20 s (a bounded loop, not a timing
// assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// pipeline is a store, queue and ingester wired as vigil serve wires them.
type pipeline struct {
	st *store.Store
	in *ingest.Ingester
	p  *vpipeline.Pipeline
}

func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string {
			return "sqlite://" + filepath.Join(t.TempDir(), "vigil.db")
		},
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
}

func startPipeline(t *testing.T, dsn string, cfgYAML string) *pipeline {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte("database: "+dsn+"\njobs: {workers: 10, timeout: 5s, rescue_after: 10s, poll_interval: 10ms, retention: 1h}\n"+cfgYAML))
	if err != nil {
		t.Fatal(err)
	}
	p := pipelinetest.Start(t, cfg, vpipeline.Deps{})
	return &pipeline{st: p.Store(), in: p.Ingester(), p: p}
}

func ec2Event(id string) []byte {
	return []byte(fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"eventName":"AuthorizeSecurityGroupIngress","n":1}}`, id))
}

func webhookConfig(url string, extra string) string {
	return fmt.Sprintf(`
rules:
  - name: ssh-open-to-world
    event_pattern: {"source": ["aws.ec2"], "detail": {"eventName": ["AuthorizeSecurityGroupIngress"]}}
    targets:
      - id: ops-hook
        type: webhook
        url: %s
        input_transformer:
          input_paths_map: {"name": "$.detail.eventName", "id": "$.id"}
          input_template: '{"alert": <name>, "id": <id>}'
%s
`, url, extra)
}

func TestDeliverAndDedup(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			rcv := newReceiver(t)
			p := startPipeline(t, dsn(t), webhookConfig(rcv.srv.URL, "        retry: {min_backoff: 10ms, max_backoff: 50ms}"))
			ctx := context.Background()
			res := p.in.Accept(ctx, "test", [][]byte{ec2Event("e1"), ec2Event("e2"), ec2Event("e1"), []byte(`{"source":"x"}`)})
			if res[0].Err != nil || res[1].Err != nil || res[0].Duplicate || res[1].Duplicate {
				t.Fatalf("first two events: %+v %+v", res[0], res[1])
			}
			if !res[2].Duplicate {
				t.Errorf("same id in one batch: want a duplicate, got %+v", res[2])
			}
			if res[3].Err == nil || !strings.Contains(res[3].Err.Error(), "detail") {
				t.Errorf("invalid event: want an error naming the missing field, got %v", res[3].Err)
			}
			// A later duplicate is acknowledged and not delivered again.
			if r := p.in.Accept(ctx, "test", [][]byte{ec2Event("e2")}); !r[0].Duplicate {
				t.Errorf("resent event: want a duplicate, got %+v", r[0])
			}
			waitFor(t, "two deliveries", func() bool { return len(rcv.deliveries()) >= 2 })
			pipelinetest.WaitIdle(t, p.p)
			got := rcv.deliveries()
			if len(got) != 2 {
				t.Fatalf("want 2 deliveries, got %d: %+v", len(got), got)
			}
			bodies := map[string]bool{}
			for _, d := range got {
				bodies[d.Body] = true
				if !strings.HasPrefix(d.ID, "id:e") || !strings.HasSuffix(d.ID, "/ssh-open-to-world/ops-hook") {
					t.Errorf("delivery id %q", d.ID)
				}
			}
			for _, want := range []string{`{"alert": "AuthorizeSecurityGroupIngress", "id": "e1"}`, `{"alert": "AuthorizeSecurityGroupIngress", "id": "e2"}`} {
				if !bodies[want] {
					t.Errorf("missing delivery %s; got %v", want, bodies)
				}
			}
		})
	}
}

func TestSecurityHubDedupByFindingVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "events"), "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t)
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), fmt.Sprintf(`
rules:
  - name: sh
    event_pattern: {"source": ["aws.securityhub"]}
    targets: [{id: hook, type: webhook, url: %s}]
`, rcv.srv.URL))
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	// The same finding version under a new event id is a duplicate; a new
	// UpdatedAt is not.
	ev["id"] = "other-event-id"
	again, _ := json.Marshal(ev)
	detail := ev["detail"].(map[string]any)
	f := detail["findings"].([]any)[0].(map[string]any)
	f["UpdatedAt"] = "2099-01-01T00:00:00.000Z"
	ev["id"] = "third-event-id"
	updated, _ := json.Marshal(ev)
	res := p.in.Accept(context.Background(), "test", [][]byte{raw, again, updated})
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("event %d: %v", i, r.Err)
		}
	}
	if res[0].Duplicate || !res[1].Duplicate || res[2].Duplicate {
		t.Fatalf("duplicates: want [false true false], got [%v %v %v]", res[0].Duplicate, res[1].Duplicate, res[2].Duplicate)
	}
	waitFor(t, "two deliveries", func() bool { return len(rcv.deliveries()) == 2 })
}

func TestFailThenRecover(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			rcv := newReceiver(t)
			rcv.setFail(func(n int) int {
				if n <= 3 {
					return 503
				}
				return 200
			})
			p := startPipeline(t, dsn(t), webhookConfig(rcv.srv.URL, "        retry: {max_attempts: 10, min_backoff: 20ms, max_backoff: 100ms}"))
			if r := p.in.Accept(context.Background(), "test", [][]byte{ec2Event("flaky")}); r[0].Err != nil {
				t.Fatal(r[0].Err)
			}
			waitFor(t, "delivery after failures", func() bool { return len(rcv.deliveries()) == 1 })
			if d := rcv.deliveries()[0]; d.Attempt != "4" {
				t.Errorf("want delivery on attempt 4, got %q", d.Attempt)
			}
			dls, err := jobs.ListDeadLetters(context.Background(), p.st.Q(), jobs.DeadLetterFilter{})
			if err != nil || len(dls) != 0 {
				t.Errorf("want no dead letters, got %v %v", dls, err)
			}
		})
	}
}

func TestDeadLetterThenRedrive(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			rcv := newReceiver(t)
			rcv.setFail(func(int) int { return 500 })
			p := startPipeline(t, dsn(t), webhookConfig(rcv.srv.URL, "        retry: {max_attempts: 3, min_backoff: 10ms, max_backoff: 20ms}"))
			ctx := context.Background()
			if r := p.in.Accept(ctx, "test", [][]byte{ec2Event("doomed")}); r[0].Err != nil {
				t.Fatal(r[0].Err)
			}
			var dls []*jobs.DeadLetter
			waitFor(t, "a dead letter", func() bool {
				dls, _ = jobs.ListDeadLetters(ctx, p.st.Q(), jobs.DeadLetterFilter{})
				return len(dls) == 1
			})
			dl := dls[0]
			if dl.Attempts != 3 || dl.Rule != "ssh-open-to-world" || dl.Target != "ops-hook" || dl.EventID != "doomed" {
				t.Errorf("dead letter: %+v", dl)
			}
			if !strings.Contains(dl.LastError, "500") || !strings.Contains(dl.LastError, "exhausted after 3 attempts") {
				t.Errorf("last error %q should carry the status and the reason", dl.LastError)
			}
			// The target is fixed; redrive delivers it.
			rcv.setFail(nil)
			id, err := p.p.Queue().Redrive(ctx, dl.JobID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.p.Queue().Redrive(ctx, dl.JobID); err != jobs.ErrRedriven {
				t.Errorf("second redrive: want ErrRedriven, got %v", err)
			}
			waitFor(t, "redriven delivery", func() bool { return len(rcv.deliveries()) == 1 })
			if d := rcv.deliveries()[0]; d.Body != `{"alert": "AuthorizeSecurityGroupIngress", "id": "doomed"}` {
				t.Errorf("redriven body %s", d.Body)
			}
			open, _ := jobs.ListDeadLetters(ctx, p.st.Q(), jobs.DeadLetterFilter{})
			all, _ := jobs.ListDeadLetters(ctx, p.st.Q(), jobs.DeadLetterFilter{All: true})
			if len(open) != 0 || len(all) != 1 || all[0].RedriveJob != id {
				t.Errorf("after redrive: open %d, all %+v (new job %d)", len(open), all, id)
			}
		})
	}
}

func TestNotRetryableGoesStraightToDeadLetters(t *testing.T) {
	rcv := newReceiver(t)
	rcv.setFail(func(int) int { return 404 })
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), webhookConfig(rcv.srv.URL, ""))
	ctx := context.Background()
	p.in.Accept(ctx, "test", [][]byte{ec2Event("gone")})
	var dls []*jobs.DeadLetter
	waitFor(t, "a dead letter", func() bool {
		dls, _ = jobs.ListDeadLetters(ctx, p.st.Q(), jobs.DeadLetterFilter{})
		return len(dls) == 1
	})
	if dls[0].Attempts != 1 || !strings.Contains(dls[0].LastError, "not retryable") {
		t.Errorf("404: want one attempt, not retryable; got %+v", dls[0])
	}
}
