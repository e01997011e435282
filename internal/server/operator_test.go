package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/server"
)

// receiver is a webhook receiver that answers 400 while broken and keeps
// what it accepted, with each delivery's id.
type receiver struct {
	mu         sync.Mutex
	broken     bool
	bodies     []string
	deliveries []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.broken {
		http.Error(w, "not today", http.StatusBadRequest)
		return
	}
	rc.bodies = append(rc.bodies, string(b))
	rc.deliveries = append(rc.deliveries, r.Header.Get("X-Vigil-Delivery"))
}

func (rc *receiver) setBroken(b bool) {
	rc.mu.Lock()
	rc.broken = b
	rc.mu.Unlock()
}

func (rc *receiver) got() (bodies, deliveries []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.bodies...), append([]string(nil), rc.deliveries...)
}

// startOperatorServer runs vigil serve on its own pipeline and returns
// the pipeline, the server's URL and the receiver its rule delivers to.
func startOperatorServer(t *testing.T) (*pipeline.Pipeline, string, *receiver) {
	t.Helper()
	rc := &receiver{}
	hs := httptest.NewServer(rc)
	t.Cleanup(hs.Close)
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	cfg := pipelinetest.Config(t, `
database: DB
server: {listen: "127.0.0.1:0", api_keys: [env:VIGIL_TEST_KEY]}
rules:
  - name: orders
    event_pattern: {"source": ["app.orders"]}
    targets:
      - {id: hook, type: webhook, url: "`+hs.URL+`", input_transformer: {input_paths_map: {"o": "$.detail.order", "r": "$.replay-name"}, input_template: '{"order": <o>, "replay": "<r>"}'}}
  - name: orders-text
    event_pattern: {"source": ["app.text"]}
    targets:
      - {id: text, type: webhook, url: "`+hs.URL+`", input_transformer: {input_paths_map: {"o": "$.detail.order"}, input_template: '<o> was ordered'}}
`)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, p, server.RunOptions{Listening: func(a string) { addr <- a }}) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case a := <-addr:
		return p, "http://" + a, rc
	case err := <-done:
		t.Fatal(err)
	}
	return nil, "", nil
}

func postEvent(t *testing.T, url, body string) {
	t.Helper()
	if code, b := pipelinetest.Do(t, "POST", url+"/events", []byte(body)); code != 200 {
		t.Fatalf("post: %d %s", code, b)
	}
}

// TestOperatorAPI runs the operator verbs against a running vigil serve,
// once on its database directly (operator.Local, what the CLI does
// without --server) and once over HTTP (operator.Client, --server URL):
// both must behave the same.
func TestOperatorAPI(t *testing.T) {
	for _, mode := range []string{"local", "http"} {
		t.Run(mode, func(t *testing.T) {
			p, url, rc := startOperatorServer(t)
			var api operator.API = p.Operator()
			if mode == "http" {
				api = &operator.Client{URL: url, APIKey: pipelinetest.APIKey}
			}
			ctx := context.Background()
			start := time.Now().Add(-time.Second)

			// Silences: added, listed, muting, expired.
			s, err := api.AddSilence(ctx, operator.NewSilence{Pattern: json.RawMessage(`{"detail":{"order":["o-muted"]}}`), Rule: "orders",
				EndsAt: time.Now().Add(time.Hour), CreatedBy: "alice", Comment: "load test"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := api.AddSilence(ctx, operator.NewSilence{Pattern: json.RawMessage(`{"source":["x"]}`), Rule: "ordrs", EndsAt: time.Now().Add(time.Hour), CreatedBy: "a", Comment: "c"}); operator.StatusOf(err) != 400 || !strings.Contains(err.Error(), "did you mean orders") {
				t.Errorf("silence on a rule that does not exist: %v", err)
			}
			list, err := api.Silences(ctx, false)
			if err != nil || len(list) != 1 || list[0].ID != s.ID || list[0].State != "active" {
				t.Fatalf("silences: %+v %v", list, err)
			}
			postEvent(t, url, `{"id":"e-muted","source":"app.orders","detail-type":"x","detail":{"order":"o-muted"}}`)
			postEvent(t, url, `{"id":"e-1","source":"app.orders","detail-type":"x","detail":{"order":"o-1"}}`)
			pipelinetest.WaitIdle(t, p)
			if bodies, _ := rc.got(); len(bodies) != 1 || !strings.Contains(bodies[0], `"o-1"`) {
				t.Fatalf("deliveries with the silence: %q", bodies)
			}
			if err := api.ExpireSilence(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			if err := api.ExpireSilence(ctx, "nope"); operator.StatusOf(err) != 404 {
				t.Errorf("expire a silence that does not exist: %v", err)
			}
			if list, _ := api.Silences(ctx, true); len(list) != 1 || list[0].State != "expired" {
				t.Errorf("silences --all after expiry: %+v", list)
			}

			// Dead letters: the receiver refuses, the delivery is
			// dead-lettered; fixed, it is redriven.
			rc.setBroken(true)
			postEvent(t, url, `{"id":"e-2","source":"app.orders","detail-type":"x","detail":{"order":"o-2"}}`)
			pipelinetest.WaitIdle(t, p)
			dls, err := api.DeadLetters(ctx, operator.DeadLetterFilter{Rule: "orders"})
			if err != nil || len(dls) != 1 || dls[0].EventID != "e-2" || !strings.Contains(dls[0].LastError, "400") {
				t.Fatalf("dead letters: %+v %v", dls, err)
			}
			dl, err := api.DeadLetter(ctx, dls[0].Job)
			var payload struct{ Order string }
			if err != nil || json.Unmarshal(dl.Payload, &payload) != nil || payload.Order != "o-2" || dl.DedupKey != "id:e-2" {
				t.Fatalf("dead letter: %+v %s %v", dl, dl.Payload, err)
			}
			if _, err := api.DeadLetter(ctx, 999999); operator.StatusOf(err) != 404 {
				t.Errorf("a dead letter that does not exist: %v", err)
			}
			if _, err := api.Redrive(ctx, operator.RedriveRequest{}); operator.StatusOf(err) != 400 {
				t.Errorf("redrive of nothing: %v", err)
			}
			rc.setBroken(false)
			red, err := api.Redrive(ctx, operator.RedriveRequest{All: true, Rule: "orders"})
			if err != nil || len(red) != 1 || red[0].NewJob == 0 || red[0].Error != "" {
				t.Fatalf("redrive: %+v %v", red, err)
			}
			pipelinetest.WaitIdle(t, p)
			if bodies, _ := rc.got(); len(bodies) != 2 || !strings.Contains(bodies[1], `"o-2"`) {
				t.Fatalf("after the redrive: %q", bodies)
			}
			if again, _ := api.Redrive(ctx, operator.RedriveRequest{Jobs: []int64{dls[0].Job}}); len(again) != 1 || !strings.Contains(again[0].Error, "already redriven") {
				t.Errorf("second redrive: %+v", again)
			}

			// Events and rules.
			evs, err := api.Events(ctx, operator.EventFilter{Since: start, Source: "app.orders"})
			if err != nil || len(evs) != 3 || evs[0].ID != "e-2" || evs[2].ID != "e-muted" {
				t.Fatalf("events (newest first): %+v %v", evs, err)
			}
			ev, err := api.Event(ctx, "e-1")
			if err != nil || !strings.Contains(string(ev.Raw), `"o-1"`) {
				t.Fatalf("event: %+v %v", ev, err)
			}
			if _, err := api.Event(ctx, "nope"); operator.StatusOf(err) != 404 {
				t.Errorf("an event that does not exist: %v", err)
			}
			rules, err := api.Rules(ctx)
			if err != nil || len(rules) != 2 || rules[0].Name != "orders" || rules[0].Targets[0].Type != "webhook" || rules[1].Name != "orders-text" {
				t.Fatalf("rules: %+v %v", rules, err)
			}
			dec, err := api.TestEvent(ctx, []byte(`{"id":"t-1","source":"app.orders","detail-type":"x","detail":{"order":"o-test"}}`))
			if err != nil || len(dec.Matched) != 1 || !strings.Contains(dec.Matched[0].Targets[0].Payload, `"o-test"`) {
				t.Fatalf("rules test: %+v %v", dec, err)
			}
			// A plain-text payload (a string template) comes back as the
			// exact text.
			dec, err = api.TestEvent(ctx, []byte(`{"id":"t-2","source":"app.text","detail-type":"x","detail":{"order":"o-t"}}`))
			if err != nil || len(dec.Matched) != 1 || dec.Matched[0].Targets[0].Payload != `"o-t" was ordered` {
				t.Fatalf("rules test, text payload: %+v %v", dec, err)
			}
			if _, err := api.TestEvent(ctx, []byte(`{"source":"x"}`)); operator.StatusOf(err) != 400 {
				t.Errorf("rules test of a bad event: %v", err)
			}
			if n, _ := api.Events(ctx, operator.EventFilter{Since: start, Source: "app.orders"}); len(n) != 3 {
				t.Errorf("rules test stored the event: %d events", len(n))
			}

			// Replay: the three stored events go to the rule again, with
			// replay-name and delivery ids of their own.
			res, err := api.Replay(ctx, operator.ReplayRequest{Name: "after-fix", Since: start, Rule: "orders"})
			if err != nil || res.Events != 3 || res.Matched != 3 || res.Deliveries != 3 || res.Silenced != 0 {
				t.Fatalf("replay: %+v %v", res, err)
			}
			pipelinetest.WaitIdle(t, p)
			bodies, ids := rc.got()
			if len(bodies) != 5 {
				t.Fatalf("after the replay: %q", bodies)
			}
			for i := 2; i < 5; i++ {
				if !strings.Contains(bodies[i], `"replay": "after-fix"`) || !strings.HasPrefix(ids[i], "replay/after-fix/id:e-") {
					t.Errorf("replayed delivery %d: %s (id %s)", i, bodies[i], ids[i])
				}
			}
			if _, err := api.Replay(ctx, operator.ReplayRequest{}); operator.StatusOf(err) != 400 {
				t.Errorf("replay without since: %v", err)
			}
		})
	}
}

// TestOperatorAPIAuth: the operator API takes the server's credentials.
func TestOperatorAPIAuth(t *testing.T) {
	_, url, _ := startOperatorServer(t)
	_, err := (&operator.Client{URL: url, APIKey: "wrong"}).Silences(context.Background(), false)
	if operator.StatusOf(err) != 401 || !strings.Contains(err.Error(), "VIGIL_API_KEY") {
		t.Errorf("wrong key: %v", err)
	}
}
