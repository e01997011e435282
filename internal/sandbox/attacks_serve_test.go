package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// TestAttackScenarioEndToEndAgainstVigilServe plays the stolen-key game
// day against vigil serve: the sandbox posts to POST /events, vigil's
// rules match the GuardDuty finding, the CloudTrail call and the alarm,
// and deliver each to a webhook.
func TestAttackScenarioEndToEndAgainstVigilServe(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]string{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e struct {
			DetailType string          `json:"detail-type"`
			Detail     json.RawMessage `json:"detail"`
		}
		json.Unmarshal(b, &e)
		mu.Lock()
		got[r.URL.Path] = append(got[r.URL.Path], e.DetailType)
		mu.Unlock()
	}))
	defer hook.Close()
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	cfg := pipelinetest.Config(t, `
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
rules:
  - name: guardduty-iam
    event_pattern: {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"type": [{"prefix": "PrivilegeEscalation:IAMUser/"}]}}
    targets: [{type: webhook, url: "`+hook.URL+`/guardduty", retry: {max_attempts: 2}}]
  - name: new-admin
    event_pattern: {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventName": ["AttachUserPolicy"], "requestParameters": {"policyArn": ["arn:aws:iam::aws:policy/AdministratorAccess"]}}}
    targets: [{type: webhook, url: "`+hook.URL+`/cloudtrail", retry: {max_attempts: 2}}]
  - name: alarms
    event_pattern: {"source": ["aws.cloudwatch"], "detail": {"state": {"value": ["ALARM"]}}}
    targets: [{type: webhook, url: "`+hook.URL+`/alarm", retry: {max_attempts: 2}}]
`)
	base := pipelinetest.ServeConfig(t, cfg, pipeline.Deps{})
	sc, err := sandbox.AttackScenario("stolen-key")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sc, EventsURL: base + "/events", EventsAPIKey: pipelinetest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		done := len(got["/guardduty"]) >= 1 && len(got["/cloudtrail"]) >= 2 && len(got["/alarm"]) >= 1
		snapshot := map[string][]string{}
		for k, v := range got {
			snapshot[k] = slices.Clone(v)
		}
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("vigil delivered %v; want the privilege-escalation finding, two AdministratorAccess attachments and the alarm", snapshot)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
