package investigate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
)

// example reads an event of examples/events.
func example(t testing.TB, name string) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLiveCloudTrailAndFindings: CloudTrail events and findings the
// pipeline accepts are recorded by investigation's own job: the call is
// in its principal's timeline, the finding is linked to the access key,
// role, instance and IP it names.
func TestLiveCloudTrailAndFindings(t *testing.T) {
	p := pipelinetest.Start(t, pipelinetest.Config(t, "database: DB\n"), pipeline.Deps{})
	inv := p.Investigate()
	ctx := context.Background()
	for _, name := range []string{"cloudtrail.authorize_ssh_world.json", "guardduty.unauthorizedaccess_iamuser_instancecredentialexfiltration_outsideaws.json"} {
		if res := p.Accept(ctx, "http", [][]byte{example(t, name)}); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
	}
	var ev struct {
		Detail struct {
			EventID      string `json:"eventID"`
			EventName    string `json:"eventName"`
			UserIdentity struct {
				Arn string `json:"arn"`
			} `json:"userIdentity"`
		} `json:"detail"`
	}
	json.Unmarshal(example(t, "cloudtrail.authorize_ssh_world.json"), &ev)
	who, _ := investigate.ParseEntity(ev.Detail.UserIdentity.Arn)
	waitFor(t, "the CloudTrail call in its principal's timeline", func() bool {
		tl, err := inv.Timeline(ctx, who, investigate.TimelineQuery{})
		return err == nil && len(tl.Events) == 1 && tl.Events[0].EventID == ev.Detail.EventID && tl.Events[0].EventName == ev.Detail.EventName
	})
	key, _ := investigate.ParseEntity("ASIAVB2TO4DJSEVF5UO3")
	finding := "arn:aws:guardduty:ap-northeast-1:111122223333:detector/5c9aa6b5b8c0b3c7c858b9d0773f2db4/finding/912835e4d3adbead487a02c63341e9d8"
	waitFor(t, "the finding linked to the access key it names", func() bool {
		rel, err := inv.Related(ctx, key, 0)
		if err != nil {
			return false
		}
		for _, r := range rel.Related {
			if r.Relation == "named-in" && r.Entity == finding && r.Kind == investigate.KindFinding {
				return true
			}
		}
		return false
	})
	f, _ := investigate.ParseEntity(finding)
	rel, err := inv.Related(ctx, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, r := range rel.Related {
		if r.Relation == "names" {
			named[r.Entity] = true
		}
	}
	for _, want := range []string{"ASIAVB2TO4DJSEVF5UO3", "arn:aws:iam::111122223333:role/app-server-role", "198.51.100.23"} {
		if !named[want] {
			t.Errorf("finding does not name %s: %v", want, named)
		}
	}
}

// TestLiveOff: with investigate.live false nothing is recorded.
func TestLiveOff(t *testing.T) {
	p := pipelinetest.Start(t, pipelinetest.Config(t, "database: DB\ninvestigate:\n  live: false\n"), pipeline.Deps{})
	if res := p.Accept(context.Background(), "http", [][]byte{example(t, "cloudtrail.authorize_ssh_world.json")}); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	pipelinetest.WaitIdle(t, p)
	var n int
	if err := p.Store().Q().QueryRow(context.Background(), `SELECT count(*) FROM inv_events`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d records (err %v), want none with live: false", n, err)
	}
}

// TestHTTP: GET /investigate/... answers as the CLI does, behind the API
// key.
func TestHTTP(t *testing.T) {
	base := pipelinetest.Serve(t, "database: DB\nserver:\n  listen: 127.0.0.1:0\n  api_keys: [env:VIGIL_TEST_KEY]\n")
	code, body := pipelinetest.Do(t, "POST", base+"/events", example(t, "cloudtrail.authorize_ssh_world.json"))
	if code != 200 {
		t.Fatalf("POST /events: %d %s", code, body)
	}
	var ev struct {
		Detail struct {
			UserIdentity struct {
				Arn string `json:"arn"`
			} `json:"userIdentity"`
		} `json:"detail"`
	}
	json.Unmarshal(example(t, "cloudtrail.authorize_ssh_world.json"), &ev)
	arn := ev.Detail.UserIdentity.Arn
	var tl investigate.Timeline
	waitFor(t, "the call in the timeline over HTTP", func() bool {
		code, body := pipelinetest.Do(t, "GET", base+"/investigate/timeline?entity="+url.QueryEscape(arn), nil)
		return code == 200 && json.Unmarshal(body, &tl) == nil && len(tl.Events) == 1
	})
	if tl.Entity != arn || tl.Events[0].EventName != "AuthorizeSecurityGroupIngress" || !contains(tl.Events[0].Labels, "sensitive") {
		t.Errorf("timeline = %+v", tl)
	}
	// The entity as the rest of the path works too.
	if code, body := pipelinetest.Do(t, "GET", base+"/investigate/related/"+arn, nil); code != 200 || !strings.Contains(string(body), `"related"`) {
		t.Errorf("GET /investigate/related/ARN: %d %s", code, body)
	}
	if code, body := pipelinetest.Do(t, "GET", base+"/investigate/entity?format=text&entity="+url.QueryEscape(arn), nil); code != 200 || !strings.Contains(string(body), "first seen") {
		t.Errorf("GET /investigate/entity text: %d %s", code, body)
	}
	if code, _ := pipelinetest.Do(t, "GET", base+"/investigate/timeline?entity=203.0.113.250", nil); code != 404 {
		t.Errorf("unknown entity: %d, want 404", code)
	}
	if code, _ := pipelinetest.Do(t, "GET", base+"/investigate/timeline?since=yesterday&entity="+url.QueryEscape(arn), nil); code != 400 {
		t.Errorf("bad since: %d, want 400", code)
	}
	resp, err := httpGet(base + "/investigate/timeline?entity=" + url.QueryEscape(arn))
	if err != nil {
		t.Fatal(err)
	}
	if resp != 401 {
		t.Errorf("without an API key: %d, want 401", resp)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func httpGet(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
