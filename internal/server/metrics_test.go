package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/store"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMetricsBuildInfoAndSilenced: /metrics carries vigil_build_info and
// the explain counters from the start, and an event a silence mutes is
// counted by rule and logged.
func TestMetricsBuildInfoAndSilenced(t *testing.T) {
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	cfg := pipelinetest.Config(t, `
database: DB
server: {listen: "127.0.0.1:0", api_keys: [env:VIGIL_TEST_KEY]}
rules:
  - name: noisy
    event_pattern: {"source": ["app.noisy"]}
    targets: [{type: webhook, url: "http://127.0.0.1:9/never"}]
`)
	ctx := context.Background()
	st, err := pipeline.OpenStore(ctx, cfg.Database, true)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = store.AddSilence(ctx, st.Q(), &store.Silence{ID: "s-1", Rule: "noisy", Pattern: `{"source":["app.noisy"]}`,
		StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour), CreatedBy: "alice", Comment: "rollout", CreatedAt: now})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	url := pipelinetest.ServeConfig(t, cfg, pipeline.Deps{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})

	if code, body := pipelinetest.Do(t, "POST", url+"/events", []byte(`{"id":"n1","source":"app.noisy","detail-type":"x","detail":{}}`)); code != 200 {
		t.Fatalf("post: %d %s", code, body)
	}
	_, metrics := pipelinetest.Do(t, "GET", url+"/metrics", nil)
	for _, want := range []string{
		`vigil_events_silenced_total{rule="noisy"} 1`,
		`vigil_build_info{goarch=`,
		// Counters that have not counted yet are there, at zero.
		`vigil_explain_grounding_violations_total{kind="url"} 0`,
		`vigil_explain_docs_unavailable_total{reason="rate_limited"} 0`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if l := logs.String(); !strings.Contains(l, `"msg":"event silenced","event_id":"n1","rule":"noisy","silence":"s-1"`) {
		t.Errorf("no log line for the silenced event:\n%s", l)
	}
}
