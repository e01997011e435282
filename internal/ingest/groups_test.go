package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/store"
)

// 500 findings imported in one burst become one grouped delivery per group,
// not 500; events arriving after the first delivery wait group_interval.
func TestGroupingBurst(t *testing.T) {
	rcv := newReceiver(t)
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), fmt.Sprintf(`
rules:
  - name: findings
    event_pattern: {"source": ["aws.securityhub"]}
    targets:
      - id: hook
        type: webhook
        url: %s
        input_path: $.detail.findings[0].Id
        group_by: ["detail.findings[0].Severity.Label"]
        group_wait: 300ms
        group_interval: 1s
`, rcv.srv.URL))
	ctx := context.Background()
	event := func(i int, sev string) []byte {
		return []byte(fmt.Sprintf(`{"id":"f-%d","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[{"Id":"finding-%d","UpdatedAt":"2024-01-01T00:00:00Z","Severity":{"Label":%q}}]}}`, i, i, sev))
	}
	var burst [][]byte
	for i := range 500 {
		sev := "HIGH"
		if i%5 == 0 {
			sev = "CRITICAL"
		}
		burst = append(burst, event(i, sev))
	}
	// One request of 500 events (PutEvents-style batching upstream, or
	// an SQS batch): they commit together, so the group's first flush
	// sees them all however slow the machine is. Bursts spread over a
	// longer time than group_wait are delivered in several flushes, as
	// they should.
	start := time.Now()
	for _, r := range p.in.Accept(ctx, "test", burst) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	waitFor(t, "two grouped deliveries", func() bool { return len(rcv.deliveries()) >= 2 })
	first := time.Now()
	t.Logf("burst accepted and delivered in %s", first.Sub(start))
	pipelinetest.WaitIdle(t, p.p)
	got := rcv.deliveries()
	if len(got) != 2 {
		t.Fatalf("want one delivery per severity, got %d", len(got))
	}
	sizes := map[int]bool{}
	for _, d := range got {
		var ids []string
		if err := json.Unmarshal([]byte(d.Body), &ids); err != nil {
			t.Fatalf("grouped body is not a JSON array of payloads: %v: %s", err, d.Body)
		}
		sizes[len(ids)] = true
	}
	if !sizes[100] || !sizes[400] {
		t.Errorf("want groups of 100 CRITICAL and 400 HIGH, got sizes %v", sizes)
	}
	if first.Sub(start) < 300*time.Millisecond {
		t.Errorf("delivered after %s, before group_wait", first.Sub(start))
	}
	// A later event joins the HIGH group and waits for group_interval.
	p.in.Accept(ctx, "test", [][]byte{event(1000, "HIGH")})
	waitFor(t, "the follow-up delivery", func() bool { return len(rcv.deliveries()) >= 3 })
	if d := time.Since(first); d < 700*time.Millisecond {
		t.Errorf("follow-up delivered %s after the first, before group_interval", d)
	}
	if b := rcv.deliveries()[2].Body; b != `["finding-1000"]` {
		t.Errorf("follow-up body %s", b)
	}
}

func TestSilence(t *testing.T) {
	rcv := newReceiver(t)
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), webhookConfig(rcv.srv.URL, ""))
	ctx := context.Background()
	now := time.Now()
	err := store.AddSilence(ctx, p.st.Q(), &store.Silence{
		ID: "s1", Pattern: `{"id": ["muted"]}`, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour),
		CreatedBy: "alice", Comment: "maintenance", CreatedAt: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.in.LoadSilences(ctx); err != nil {
		t.Fatal(err)
	}
	res := p.in.Accept(ctx, "test", [][]byte{ec2Event("muted"), ec2Event("loud")})
	if res[0].Err != nil || res[0].Decision.Matched[0].SilencedBy != "s1" {
		t.Fatalf("muted event: %+v", res[0])
	}
	waitFor(t, "the unsilenced delivery", func() bool { return len(rcv.deliveries()) >= 1 })
	pipelinetest.WaitIdle(t, p.p)
	if got := rcv.deliveries(); len(got) != 1 || got[0].ID != "id:loud/ssh-open-to-world/ops-hook" {
		t.Errorf("want only the unsilenced event delivered, got %+v", got)
	}
	// The silenced event is stored all the same.
	if ev, err := store.GetEvent(ctx, p.st.Q(), "muted"); err != nil || ev.Key != "id:muted" {
		t.Errorf("silenced event not stored: %v", err)
	}
	// After expiry new events are delivered again.
	if err := store.ExpireSilence(ctx, p.st.Q(), "s1", time.Now()); err != nil {
		t.Fatal(err)
	}
	p.in.LoadSilences(ctx)
	p.in.Accept(ctx, "test", [][]byte{ec2Event("muted-2")})
	res = p.in.Accept(ctx, "test", [][]byte{[]byte(`{"id":"muted","source":"aws.ec2","detail-type":"x","detail":{"eventName":"AuthorizeSecurityGroupIngress"}}`)})
	if !res[0].Duplicate {
		t.Errorf("a stored silenced event is still a duplicate: %+v", res[0])
	}
	waitFor(t, "delivery after expiry", func() bool { return len(rcv.deliveries()) == 2 })
}
