package remediate_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// demoEvent reads one of the demo's embedded sample events.
func demoEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.Events.ReadFile("events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withEventID returns ev with another envelope id (the same finding sent
// again, as GuardDuty does when it updates a finding).
func withEventID(t *testing.T, ev []byte, id string) []byte {
	var m map[string]any
	if err := json.Unmarshal(ev, &m); err != nil {
		t.Fatal(err)
	}
	m["id"] = id
	b, _ := json.Marshal(m)
	return b
}

// hook records the JSON documents a webhook notifier posts.
type hook struct {
	srv  *httptest.Server
	mu   sync.Mutex
	docs []map[string]any
}

func newHook(t testing.TB) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &d)
		h.mu.Lock()
		h.docs = append(h.docs, d)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) subjects() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, d := range h.docs {
		out = append(out, fmt.Sprint(d["subject"]))
	}
	return out
}

// server is vigil serve with remediation against a sandbox.
type server struct {
	t    testing.TB
	base string
	sb   *sandbox.Sandbox
	hook *hook
	db   string
}

// serve starts vigil serve with the remediation section's extra lines and
// one rule sending GuardDuty findings to target (a remediate target using
// the mapping when empty).
func serve(t testing.TB, remediation string, target ...string) *server {
	t.Helper()
	return serveDB(t, "DB", remediation, target...)
}

// serveDB is serve on the database dsn ("DB": a SQLite file of the test's).
func serveDB(t testing.TB, dsn, remediation string, target ...string) *server {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	t.Setenv("VIGIL_TEST_SLACK_SECRET", slackSecret)
	h := newHook(t)
	tgt := "{type: remediate}"
	if len(target) > 0 {
		tgt = target[0]
	}
	cfg := `
database: ` + dsn + `
server:
  listen: "127.0.0.1:0"
  api_keys: ["env:VIGIL_TEST_KEY"]
jobs: {poll_interval: 20ms}
notifiers:
  - name: secops
    webhook: {url: "` + h.srv.URL + `"}
remediation:
  propagation_wait: 50ms
  verify_timeout: 5s
  notify: [secops]
  slack_signing_secret: env:VIGIL_TEST_SLACK_SECRET
  retry: {max_attempts: 3, min_backoff: 100ms, max_backoff: 200ms}
` + remediation + `
rules:
  - name: guardduty-ec2
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - ` + tgt + `
`
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	c := pipelinetest.Config(t, cfg)
	base := pipelinetest.ServeConfig(t, c, pipelinetestDeps())
	return &server{t: t, base: base, sb: sb, hook: h, db: c.Database}
}

func (s *server) do(method, path string, body any) (int, []byte) {
	s.t.Helper()
	var b []byte
	switch x := body.(type) {
	case nil:
	case []byte:
		b = x
	default:
		b, _ = json.Marshal(x)
	}
	return pipelinetest.Do(s.t, method, s.base+path, b)
}

func (s *server) post(events ...[]byte) {
	s.t.Helper()
	code, body := s.do("POST", "/events", append(append([]byte("["), bytes.Join(events, []byte(","))...), ']'))
	if code != 200 || !strings.Contains(string(body), `"FailedEntryCount":0`) {
		s.t.Fatalf("POST /events = %d %s", code, body)
	}
}

func (s *server) approvals(all bool) []remediate.ApprovalView {
	s.t.Helper()
	path := "/approvals"
	if all {
		path += "?all=1"
	}
	code, body := s.do("GET", path, nil)
	if code != 200 {
		s.t.Fatalf("GET %s = %d %s", path, code, body)
	}
	var out []remediate.ApprovalView
	if err := json.Unmarshal(body, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

func (s *server) remediations() []remediate.Remediation {
	s.t.Helper()
	code, body := s.do("GET", "/remediations", nil)
	if code != 200 {
		s.t.Fatalf("GET /remediations = %d %s", code, body)
	}
	var out []remediate.Remediation
	if err := json.Unmarshal(body, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

func (s *server) remediation(id string) remediate.Remediation {
	s.t.Helper()
	code, body := s.do("GET", "/remediations/"+id, nil)
	if code != 200 {
		s.t.Fatalf("GET /remediations/%s = %d %s", id, code, body)
	}
	var out remediate.Remediation
	if err := json.Unmarshal(body, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds or the deadline passes (generous:
// the machines tests run on are shared and can be very slow).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) waitStatus(id, status string) remediate.Remediation {
	s.t.Helper()
	var r remediate.Remediation
	waitFor(s.t, id+" to be "+status, func() bool {
		r = s.remediation(id)
		if r.Status == remediate.StatusEscalated && status != remediate.StatusEscalated {
			s.t.Fatalf("%s escalated: %s", id, r.Error)
		}
		return r.Status == status
	})
	return r
}

// slackClick posts a signed block_actions interaction as Slack does.
func (s *server) slackClick(user, action, approval string, secret string) (int, string) {
	s.t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]string{"id": user},
		"actions": []map[string]string{{"block_id": "vigil_actions", "action_id": action, "value": approval, "type": "button"}},
	})
	body := "payload=" + url.QueryEscape(string(payload))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest("POST", s.base+"/slack/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mutating returns the sandbox's mutating calls so far.
func mutating(sb *sandbox.Sandbox) []sandbox.Call {
	var out []sandbox.Call
	for _, c := range sb.Calls() {
		if !strings.HasPrefix(c.Operation, "Describe") && !strings.HasPrefix(c.Operation, "Get") && !strings.HasPrefix(c.Operation, "List") && c.Operation != "AssumeRole" {
			out = append(out, c)
		}
	}
	return out
}

func (s *server) deliveriesDone(n int) func() bool {
	return func() bool {
		st, err := store.OpenShared(context.Background(), s.db)
		if err != nil {
			s.t.Fatal(err)
		}
		defer st.Close()
		var done int
		st.Q().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'vigil_deliver' AND state = 'completed'`).Scan(&done)
		return done >= n
	}
}

// TestGuardDutyFindingEndToEnd: a GuardDuty EC2 finding goes to
// isolation and a forensic snapshot, each waiting for approval; one is
// approved over HTTP, the other with a signed Slack click; both are
// applied, verified and notified. The same finding sent again starts
// nothing. On SQLite, and on PostgreSQL when VIGIL_TEST_POSTGRES_URL is set.
func TestGuardDutyFindingEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { guardDutyEndToEnd(t, "DB") })
	t.Run("postgres", func(t *testing.T) { guardDutyEndToEnd(t, storetest.PostgresURL(t)) })
}

func guardDutyEndToEnd(t *testing.T, dsn string) {
	s := serveDB(t, dsn, `
  mode: approve
  approvers: [{name: alice, slack: U0ALICE01}, {name: bob}]`)
	ev := demoEvent(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json")
	s.post(ev)

	var pending []remediate.ApprovalView
	waitFor(t, "two pending approvals", func() bool { pending = s.approvals(false); return len(pending) == 2 })
	byPlaybook := map[string]remediate.ApprovalView{}
	for _, a := range pending {
		byPlaybook[a.Playbook] = a
		if a.Plan == nil || len(a.Plan.Steps) == 0 || len(a.Plan.Before) == 0 || a.Resource != "i-04f2e6a8c0b1d3957" || a.RequestedAt.IsZero() {
			t.Fatalf("approval lacks its plan: %+v", a)
		}
	}
	iso, snap := byPlaybook["ec2-isolate"], byPlaybook["ec2-forensic-snapshot"]
	if iso.ID == "" || snap.ID == "" {
		t.Fatalf("approvals = %+v", pending)
	}
	if len(mutating(s.sb)) != 0 {
		t.Fatalf("changes before any approval: %+v", mutating(s.sb))
	}

	// Someone who is not an approver is refused.
	if code, body := s.do("POST", "/approvals/"+iso.ID+"/approve", map[string]string{"by": "mallory"}); code != 403 {
		t.Fatalf("approve by mallory = %d %s", code, body)
	}
	if code, body := s.do("POST", "/approvals/"+iso.ID+"/approve", map[string]string{"by": "bob"}); code != 200 {
		t.Fatalf("approve = %d %s", code, body)
	}
	// A forged Slack click is refused; a signed one by a stranger too.
	if code, _ := s.slackClick("U0ALICE01", remediate.ActionApprove, snap.ID, "not-the-secret"); code != 401 {
		t.Fatalf("unsigned click = %d", code)
	}
	if _, text := s.slackClick("U0STRANGER", remediate.ActionApprove, snap.ID, slackSecret); !strings.Contains(text, "not in remediation.approvers") {
		t.Fatalf("stranger's click = %s", text)
	}
	if code, text := s.slackClick("U0ALICE01", remediate.ActionApprove, snap.ID, slackSecret); code != 200 || !strings.Contains(text, "approved by alice") {
		t.Fatalf("alice's click = %d %s", code, text)
	}

	isoR := s.waitStatus(iso.RemediationID, remediate.StatusVerified)
	s.waitStatus(snap.RemediationID, remediate.StatusVerified)

	st := s.sb.State()
	var groups []string
	var snaps int
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for _, in := range r.Instances {
				if in.ID == "i-04f2e6a8c0b1d3957" {
					groups = in.SecurityGroups
					if in.Tags["vigil:isolated-from"] != "sg-03a9f1c7e5b2d4680" {
						t.Errorf("instance tags = %v", in.Tags)
					}
				}
			}
			for _, sn := range r.Snapshots {
				if sn.Tags["vigil:source-instance"] == "i-04f2e6a8c0b1d3957" && sn.Tags["vigil:finding-id"] == "e6a5b0af7e6fee9e482749af4225c175" && sn.Tags["vigil:severity"] == "HIGH" {
					snaps++
				}
			}
		}
	}
	var isoData struct {
		GroupID string `json:"isolation_group_id"`
	}
	json.Unmarshal(isoR.Result.Data, &isoData)
	if len(groups) != 1 || groups[0] != isoData.GroupID {
		t.Errorf("instance groups = %v, want [%s]", groups, isoData.GroupID)
	}
	if snaps != 2 {
		t.Errorf("forensic snapshots = %d, want 2 (two volumes)", snaps)
	}
	// The verification is kept in both languages, under the JSON field
	// names verification (English) and verification_ja.
	if !strings.Contains(isoR.Verification, "i-04f2e6a8c0b1d3957 is only in "+isoData.GroupID) ||
		!strings.Contains(isoR.VerificationJA, "インスタンス i-04f2e6a8c0b1d3957 は隔離用セキュリティグループ "+isoData.GroupID+" のみに属しています") {
		t.Errorf("verification = %q / %q", isoR.Verification, isoR.VerificationJA)
	}
	if code, body := s.do("GET", "/remediations/"+iso.RemediationID, nil); code != 200 ||
		!strings.Contains(string(body), `"verification":"i-04f2e6a8c0b1d3957 is only in`) || !strings.Contains(string(body), `"verification_ja":"インスタンス i-04f2e6a8c0b1d3957 は`) {
		t.Errorf("GET /remediations/%s = %d %s", iso.RemediationID, code, body)
	}
	waitFor(t, "the success notices", func() bool {
		n := 0
		for _, sub := range s.hook.subjects() {
			if strings.HasPrefix(sub, "Remediated:") {
				n++
			}
		}
		return n == 2
	})
	if subs := s.hook.subjects(); !slices.ContainsFunc(subs, func(x string) bool {
		return strings.HasPrefix(x, "Approval needed: ec2-isolate on i-04f2e6a8c0b1d3957")
	}) {
		t.Errorf("notices = %q", subs)
	}

	// The same finding again, in a new event.
	changes := len(mutating(s.sb))
	s.post(withEventID(t, ev, "6a69bd77-0000-4893-ba44-ff58cd7ad8d5"))
	waitFor(t, "the second event's delivery", s.deliveriesDone(2))
	if n := len(s.remediations()); n != 2 {
		t.Errorf("remediations after the repeat = %d, want 2", n)
	}
	if p := s.approvals(false); len(p) != 0 {
		t.Errorf("pending approvals after the repeat = %+v", p)
	}
	if n := len(mutating(s.sb)); n != changes {
		t.Errorf("the repeat made %d more changes", n-changes)
	}
}

func pipelinetestDeps() pipeline.Deps {
	if os.Getenv("VIGIL_TEST_LOG") != "" {
		return pipeline.Deps{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	}
	return pipeline.Deps{}
}
