package server_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// slackAPI is a stand-in for Slack's side: the Web API (chat.postMessage)
// and the response URLs of slash commands, recording what vigil posts.
type slackAPI struct {
	*httptest.Server
	mu    sync.Mutex
	posts []map[string]string
}

func newSlackAPI(t *testing.T) *slackAPI {
	s := &slackAPI{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		post := map[string]string{"path": r.URL.Path, "auth": r.Header.Get("Authorization")}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			var m map[string]any
			json.Unmarshal(b, &m)
			for k, v := range m {
				post[k] = fmt.Sprint(v)
			}
		} else {
			form, _ := url.ParseQuery(string(b))
			for k := range form {
				post[k] = form.Get(k)
			}
		}
		s.mu.Lock()
		s.posts = append(s.posts, post)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true, "channel": "C1", "ts": "1.2"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// wait returns the posts once there are n, failing after 60 seconds.
func (s *slackAPI) wait(t *testing.T, n int) []map[string]string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s.mu.Lock()
		posts := append([]map[string]string(nil), s.posts...)
		s.mu.Unlock()
		if len(posts) >= n {
			return posts
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d posts to Slack after 60s, want %d", len(posts), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// signed sends body to url as Slack does, signed with secret.
func signed(t *testing.T, url, contentType, body, secret string, at time.Time) (int, []byte) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestAskOverHTTPAndSlack(t *testing.T) {
	sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo(), Findings: 300, Seed: 5})
	slk := newSlackAPI(t)
	t.Setenv("VIGIL_TEST_SLACK_SIGNING", signingSecret)
	t.Setenv("VIGIL_TEST_SLACK_BOT", "xoxb-test-token")
	policies, _ := filepath.Abs(filepath.Join("..", "kb", "testdata", "policies"))
	base := pipelinetest.Serve(t, `
database: DB
server: {listen: "127.0.0.1:0", api_keys: [env:VIGIL_TEST_KEY]}
knowledge: {sources: ["`+policies+`"]}
ask:
  slack: {signing_secret: env:VIGIL_TEST_SLACK_SIGNING, bot_token: env:VIGIL_TEST_SLACK_BOT, api_url: "`+slk.URL+`/api/"}
`)

	// POST /ask: the JSON contract, exactly.
	status, body := pipelinetest.Do(t, http.MethodPost, base+"/ask", []byte(`{"question": "クリティカルな検出結果は何件？", "limit": 3}`))
	if status != http.StatusOK {
		t.Fatalf("POST /ask: %d %s", status, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"answer", "citations", "findings", "tool_calls", "total"}) {
		t.Errorf("keys %v", keys)
	}
	var ans struct {
		Answer   string
		Total    int
		Findings []map[string]string
	}
	json.Unmarshal(body, &ans)
	if ans.Total < 4 || len(ans.Findings) != 3 || !strings.Contains(ans.Answer, fmt.Sprintf("%d 件", ans.Total)) {
		t.Errorf("answer %s", body)
	}
	for _, f := range ans.Findings {
		var fk []string
		for k := range f {
			fk = append(fk, k)
		}
		slices.Sort(fk)
		if !slices.Equal(fk, []string{"AccountId", "ControlId", "Id", "Region", "ResourceId", "SeverityLabel", "Title"}) || f["SeverityLabel"] != "CRITICAL" {
			t.Errorf("finding %v", f)
		}
	}
	// The knowledge base, as text.
	status, body = pipelinetest.Do(t, http.MethodPost, base+"/ask?format=text", []byte(`{"question": "パスワードについての社内規程は？"}`))
	if status != http.StatusOK || !strings.Contains(string(body), "password-policy.md › パスワードの長さと文字種") {
		t.Errorf("POST /ask?format=text: %d\n%s", status, body)
	}
	// No API key, no answer.
	resp, err := http.Post(base+"/ask", "application/json", bytes.NewReader([]byte(`{"question": "S3.1"}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /ask without a key: %d", resp.StatusCode)
	}
	if status, body := pipelinetest.Do(t, http.MethodPost, base+"/ask", []byte(`{"question": ""}`)); status != http.StatusBadRequest {
		t.Errorf("empty question: %d %s", status, body)
	}

	// A slash command: acknowledged at once with the question, answered in
	// the channel through the response URL.
	form := url.Values{"command": {"/vigil"}, "text": {"How many critical findings are there?"}, "user_id": {"U0ASKER"},
		"channel_id": {"C0SEC"}, "response_url": {slk.URL + "/commands/T1/123"}}.Encode()
	status, body = signed(t, base+"/slack/ask", "application/x-www-form-urlencoded", form, signingSecret, time.Now())
	if status != http.StatusOK || !strings.Contains(string(body), "in_channel") || !strings.Contains(string(body), "U0ASKER") {
		t.Fatalf("slash command: %d %s", status, body)
	}
	posts := slk.wait(t, 1)
	if p := posts[0]; p["path"] != "/commands/T1/123" || p["response_type"] != "in_channel" || !strings.Contains(p["text"], fmt.Sprintf("%d findings match", ans.Total)) {
		t.Errorf("slash command answer %v", p)
	}

	// An app mention: answered in its thread with the bot token.
	event := `{"type": "event_callback", "event": {"type": "app_mention", "user": "U0ASKER", "text": "<@U0VIGIL> S3.1 の違反は何件？", "channel": "C0SEC", "ts": "1700000000.000100"}}`
	if status, body := signed(t, base+"/slack/ask", "application/json", event, signingSecret, time.Now()); status != http.StatusOK {
		t.Fatalf("app mention: %d %s", status, body)
	}
	posts = slk.wait(t, 2)
	if p := posts[1]; p["path"] != "/api/chat.postMessage" || p["channel"] != "C0SEC" || p["thread_ts"] != "1700000000.000100" ||
		!strings.Contains(p["text"], "件です") || p["auth"] != "Bearer xoxb-test-token" && p["token"] != "xoxb-test-token" {
		t.Errorf("mention answer %v", p)
	}

	// URL verification, and requests that are not Slack's.
	if status, body := signed(t, base+"/slack/ask", "application/json", `{"type": "url_verification", "challenge": "c-123"}`, signingSecret, time.Now()); status != http.StatusOK || !strings.Contains(string(body), "c-123") {
		t.Errorf("url_verification: %d %s", status, body)
	}
	for name, c := range map[string]struct {
		secret string
		at     time.Time
	}{"wrong secret": {"not-the-secret", time.Now()}, "replayed": {signingSecret, time.Now().Add(-10 * time.Minute)}} {
		if status, _ := signed(t, base+"/slack/ask", "application/x-www-form-urlencoded", form, c.secret, c.at); status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, status)
		}
	}
}

// iam7 is a finding of control IAM.7 (a weak account password policy).
var iam7 = map[string]any{
	"SchemaVersion": "2018-10-08",
	"Id":            "arn:aws:securityhub:ap-northeast-1:111122223333:security-control/IAM.7/finding/pw-0001",
	"ProductArn":    "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
	"ProductName":   "Security Hub", "CompanyName": "AWS",
	"GeneratorId": "security-control/IAM.7", "AwsAccountId": "111122223333", "Region": "ap-northeast-1",
	"Types":     []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
	"CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-02T00:00:00.000Z",
	"Severity":    map[string]any{"Label": "MEDIUM"},
	"Title":       "Password policies for IAM users should have strong configurations",
	"Resources":   []any{map[string]any{"Type": "AwsAccount", "Id": "AWS::::Account:111122223333", "Region": "ap-northeast-1"}},
	"Compliance":  map[string]any{"Status": "FAILED", "SecurityControlId": "IAM.7"},
	"Workflow":    map[string]any{"Status": "NEW"},
	"RecordState": "ACTIVE",
}

// TestChangeRequestPlansWithPolicyParameters: 「IAM.7 を修復して」 makes a
// plan with the parameters of the organisation's password policy document
// (cited) and a pending approval, and changes nothing.
func TestChangeRequestPlansWithPolicyParameters(t *testing.T) {
	sc := sandbox.Demo()
	sc.Findings = append(sc.Findings, iam7)
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sc})
	before := sb.State()
	policies, _ := filepath.Abs(filepath.Join("..", "kb", "testdata", "policies"))
	base := pipelinetest.Serve(t, `
database: DB
server: {listen: "127.0.0.1:0", api_keys: [env:VIGIL_TEST_KEY]}
knowledge: {sources: ["`+policies+`"]}
remediation:
  playbooks:
    iam-password-policy: {minimum_password_length: 14, hard_expiry: true}
`)
	status, body := pipelinetest.Do(t, http.MethodPost, base+"/ask", []byte(`{"question": "IAM.7 を修復して", "by": "alice"}`))
	if status != http.StatusOK {
		t.Fatalf("POST /ask: %d %s", status, body)
	}
	var ans struct {
		Answer    string
		Citations []map[string]string
		ToolCalls []map[string]any `json:"tool_calls"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"iam-password-policy", `"MinimumPasswordLength":16`, `"HardExpiry":true`, `"PasswordReusePrevention":12`,
		"社内規程のパラメータ: " + policies + "/iam/password-policy.md › IAM パスワードポリシー規程", "承認待ち", "何も変更していません"} {
		if !strings.Contains(ans.Answer, want) {
			t.Errorf("the answer does not say %q:\n%s", want, ans.Answer)
		}
	}
	if !slices.ContainsFunc(ans.Citations, func(c map[string]string) bool {
		return c["type"] == "policy" && strings.HasSuffix(c["path"], "iam/password-policy.md") && c["heading"] == "IAM パスワードポリシー規程"
	}) {
		t.Errorf("citations %v", ans.Citations)
	}
	t.Logf("answer:\n%s", ans.Answer)
	id := regexp.MustCompile(`apr-[0-9a-f]+`).FindString(ans.Answer)
	if id == "" {
		t.Fatalf("no approval id in the answer:\n%s", ans.Answer)
	}
	status, body = pipelinetest.Do(t, http.MethodGet, base+"/approvals/"+id, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"pending"`) || !strings.Contains(string(body), `"requested_by":"alice"`) ||
		!strings.Contains(string(body), "password-policy.md") {
		t.Errorf("GET /approvals/%s: %d %s", id, status, body)
	}
	// Asking again finds the same approval and makes no second one.
	_, body = pipelinetest.Do(t, http.MethodPost, base+"/ask", []byte(`{"question": "IAM.7 を修復して", "by": "alice"}`))
	if !strings.Contains(string(body), id) {
		t.Errorf("asked again: %s", body)
	}
	_, body = pipelinetest.Do(t, http.MethodGet, base+"/approvals", nil)
	if n := strings.Count(string(body), `"id":"apr-`); n != 1 {
		t.Errorf("%d pending approvals, want 1: %s", n, body)
	}
	for _, c := range sb.Calls() {
		if c.Operation == "UpdateAccountPasswordPolicy" || c.Operation == "DeleteAccountPasswordPolicy" {
			t.Errorf("a question changed the account: %s", c.Operation)
		}
	}
	if !reflect.DeepEqual(sb.State(), before) {
		t.Error("the sandbox's state changed")
	}
}
