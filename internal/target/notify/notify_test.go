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

// TestNotifyThroughPipeline: an event matched by a rule with a notify
// target reaches the notifier (a signed webhook here) explained in the
// notifier's language, with its thread named after the finding.
func TestNotifyThroughPipeline(t *testing.T) {
	var mu sync.Mutex
	var docs []webhook.Document
	key := []byte("sign-me")
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(key, r.Header.Get(webhook.TimestampHeader), r.Header.Get(webhook.SignatureHeader), body, time.Minute); err != nil {
			t.Errorf("signature: %v", err)
		}
		var d webhook.Document
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		mu.Lock()
		docs = append(docs, d)
		mu.Unlock()
	}))
	defer hook.Close()
	t.Setenv("VIGIL_TEST_SIGNING_KEY", string(key))
	base := pipelinetest.Serve(t, fmt.Sprintf(`
database: DB
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_TEST_KEY]
notifiers:
  - name: tickets
    lang: ja
    webhook:
      url: %s
      signing_key: env:VIGIL_TEST_SIGNING_KEY
rules:
  - name: guardduty
    event_pattern: {"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 2]}]}}
    targets:
      - id: tickets
        type: notify
        notifier: tickets
`, hook.URL))
	ev, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "guardduty"), "guardduty.unauthorizedaccess_ec2_sshbruteforce.json"))
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
	mu.Lock()
	d := docs[0]
	mu.Unlock()
	if d.Lang != "ja" || d.Explanation == nil || !strings.Contains(d.Subject, "SSHBruteForce") || !strings.Contains(d.Text, "i-0a1b2c3d4e5f60718") {
		t.Errorf("document: lang %q subject %q explanation %v\n%s", d.Lang, d.Subject, d.Explanation != nil, d.Text)
	}
	if !strings.HasPrefix(d.Thread, "finding/") {
		t.Errorf("thread %q is not named after the finding", d.Thread)
	}
}
