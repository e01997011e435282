package notify_test

import (
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

	"github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/shareddata"
)

// TestFindingLinksToTimelines: with server.public_url set, the
// notification of a finding links to the timelines of the entities it
// names; the explanation itself carries no vigil URL.
func TestFindingLinksToTimelines(t *testing.T) {
	var mu sync.Mutex
	var docs []webhook.Document
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var d webhook.Document
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		mu.Lock()
		docs = append(docs, d)
		mu.Unlock()
	}))
	defer hook.Close()
	base := pipelinetest.Serve(t, fmt.Sprintf(`
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
  public_url: https://vigil.example.com/
notifiers:
  - name: tickets
    webhook:
      url: %s
rules:
  - name: guardduty
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - id: tickets
        type: notify
        notifier: tickets
`, hook.URL))
	ev, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "guardduty"), "guardduty.unauthorizedaccess_iamuser_instancecredentialexfiltration_outsideaws.json"))
	if err != nil {
		t.Fatal(err)
	}
	if code, b := pipelinetest.Do(t, "POST", base+"/events", ev); code != http.StatusOK {
		t.Fatalf("POST /events: %d %s", code, b)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(docs)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing reached the webhook notifier")
		}
		time.Sleep(20 * time.Millisecond)
	}
	d := docs[0]
	var f struct {
		Detail struct {
			Resource struct {
				AccessKeyDetails struct {
					AccessKeyID string `json:"accessKeyId"`
				} `json:"accessKeyDetails"`
			} `json:"resource"`
		} `json:"detail"`
	}
	json.Unmarshal(ev, &f)
	key := f.Detail.Resource.AccessKeyDetails.AccessKeyID
	want := "Timeline of " + key + ": https://vigil.example.com/investigate/timeline?entity=" + key
	if key == "" || !strings.Contains(d.Text, want) {
		t.Errorf("text lacks %q:\n%s", want, d.Text)
	}
	x, _ := json.Marshal(d.Explanation)
	if strings.Contains(string(x), "vigil.example.com") {
		t.Errorf("the explanation carries a vigil URL: %s", x)
	}
}
