package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// Passwords of the test's users, given to vigil as env: references.
const (
	alicePassword = "alice-correct-horse"
	bobPassword   = "bob-battery-staple"
	carolPassword = "carol-admin-pass"
)

// serveConsole runs vigil serve with the console, remediation in approve
// mode against the sandbox's demo account, and a rule sending GuardDuty
// findings to remediation and a summarize target. It returns the base URL
// and the sandbox.
func serveConsole(t testing.TB) (string, *sandbox.Sandbox) {
	t.Helper()
	base, sb, _ := serveConsoleDB(t)
	return base, sb
}

// serveConsoleDB is serveConsole that also returns the database's DSN.
func serveConsoleDB(t testing.TB) (string, *sandbox.Sandbox, string) {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	t.Setenv("ALICE_PASSWORD", alicePassword)
	t.Setenv("BOB_PASSWORD", bobPassword)
	t.Setenv("CAROL_PASSWORD", carolPassword)
	cfg := pipelinetest.Config(t, `
database: DB
server:
  listen: "127.0.0.1:0"
  api_keys: ["env:VIGIL_TEST_KEY"]
  users:
    - {name: alice, password: env:ALICE_PASSWORD, role: approver}
    - {name: bob, password: env:BOB_PASSWORD, role: viewer}
    - {name: carol, password: env:CAROL_PASSWORD, role: admin}
jobs: {poll_interval: 20ms}
remediation:
  mode: approve
  propagation_wait: 50ms
  verify_timeout: 5s
  retry: {max_attempts: 3, min_backoff: 100ms, max_backoff: 200ms}
rules:
  - name: guardduty-ec2
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - {type: remediate}
      - {id: explain, type: summarize}
`)
	return pipelinetest.ServeConfig(t, cfg, pipeline.Deps{}), sb, cfg.Database
}

// postFinding sends the demo's GuardDuty EC2 finding through the API.
func postFinding(t testing.TB, base string) {
	t.Helper()
	postEvent(t, base, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json")
}

// postEvent sends one of the demo's sample events through the API.
func postEvent(t testing.TB, base, name string) {
	t.Helper()
	ev, err := examples.Events.ReadFile("events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	code, body := pipelinetest.Do(t, "POST", base+"/events", append(append([]byte("["), ev...), ']'))
	if code != 200 || !strings.Contains(string(body), `"FailedEntryCount":0`) {
		t.Fatalf("POST /events = %d %s", code, body)
	}
}

// browser is an HTTP client with a cookie jar, as a browser keeps.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the anti-forgery token of the form on the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	code, page, _ := b.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(page)
	if code != 200 || m == nil {
		b.t.Fatalf("GET %s = %d, no csrf field:\n%s", path, code, page)
	}
	return m[1]
}

func (b *browser) signIn(user, password string) int {
	b.t.Helper()
	tok := b.csrf("/ui/login")
	code, _, _ := b.do("POST", "/ui/login", url.Values{"csrf": {tok}, "username": {user}, "password": {password}, "next": {"/ui/approvals"}})
	return code
}

// waitFor polls cond until it holds, for at most a minute (the machines
// tests run on are shared and can be slow).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

var approvalLink = regexp.MustCompile(`href="/ui/approvals/([^"]+)">ec2-isolate on (i-[0-9a-f]+)<`)

// TestApproveInTheConsole: an approver signs in, opens the pending
// isolation of the GuardDuty finding's instance, approves it with the
// form's token, and the remediation reaches verified; the decision is in
// the audit log with their name. A viewer sees the page without the
// buttons, and their POST, a POST without the token, a POST with another
// session's token and one from another origin are all refused.
func TestApproveInTheConsole(t *testing.T) {
	base, sb := serveConsole(t)
	postFinding(t, base)

	alice := newBrowser(t, base)
	if code := alice.signIn("alice", alicePassword); code != http.StatusSeeOther {
		t.Fatalf("sign in = %d", code)
	}
	var id, instance string
	waitFor(t, "the isolation approval in the list", func() bool {
		_, page, _ := alice.do("GET", "/ui/approvals", nil)
		if m := approvalLink.FindStringSubmatch(page); m != nil {
			id, instance = m[1], m[2]
		}
		return id != ""
	})
	if instance != "i-04f2e6a8c0b1d3957" {
		t.Fatalf("approval is for %s", instance)
	}
	code, page, hdr := alice.do("GET", "/ui/approvals/"+id, nil)
	if code != 200 || !strings.Contains(page, ">Approve</button>") || !strings.Contains(page, "ModifyInstanceAttribute") {
		t.Fatalf("approval page = %d:\n%s", code, page)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("Content-Security-Policy = %q", csp)
	}
	tok := csrfField.FindStringSubmatch(page)[1]

	bob := newBrowser(t, base)
	if code := bob.signIn("bob", bobPassword); code != http.StatusSeeOther {
		t.Fatalf("bob's sign in = %d", code)
	}
	code, page, _ = bob.do("GET", "/ui/approvals/"+id, nil)
	if code != 200 || strings.Contains(page, ">Approve</button>") || strings.Contains(page, ">Reject</button>") || !strings.Contains(page, instance) {
		t.Fatalf("viewer's approval page = %d (want no buttons):\n%s", code, page)
	}
	bobTok := csrfField.FindStringSubmatch(page)[1] // the sign-out form's
	for _, c := range []struct {
		name   string
		b      *browser
		form   url.Values
		header []string
	}{
		{"viewer with a valid token", bob, url.Values{"csrf": {bobTok}}, nil},
		{"approver without a token", alice, url.Values{}, nil},
		{"approver with the viewer's token", alice, url.Values{"csrf": {bobTok}}, nil},
		{"approver's token from another origin", alice, url.Values{"csrf": {tok}}, []string{"Origin", "https://evil.example"}},
	} {
		if code, page, _ := c.b.do("POST", "/ui/approvals/"+id+"/approve", c.form, c.header...); code != http.StatusForbidden {
			t.Fatalf("%s: POST approve = %d, want 403:\n%s", c.name, code, page)
		}
	}
	if code, _, _ := newBrowser(t, base).do("POST", "/ui/approvals/"+id+"/approve", url.Values{"csrf": {tok}}); code != http.StatusUnauthorized {
		t.Fatalf("signed-out POST approve = %d, want 401", code)
	}
	if calls := sb.Calls(); hasCall(calls, "ModifyInstanceAttribute") {
		t.Fatalf("the instance was changed before approval")
	}

	code, _, hdr = alice.do("POST", "/ui/approvals/"+id+"/approve", url.Values{"csrf": {tok}}, "Origin", base)
	if code != http.StatusSeeOther || hdr.Get("Location") != "/ui/approvals/"+id {
		t.Fatalf("approve = %d %v", code, hdr)
	}
	_, page, _ = alice.do("GET", "/ui/approvals/"+id, nil)
	rem := regexp.MustCompile(`data-poll="(/ui/remediations/[^/"]+/status)"`).FindStringSubmatch(page)
	if rem == nil {
		t.Fatalf("approval page has no status to follow:\n%s", page)
	}
	waitFor(t, "verified", func() bool {
		_, body, _ := alice.do("GET", rem[1], nil)
		var st struct{ Status, Label string }
		json.Unmarshal([]byte(body), &st)
		return st.Status == "verified" && st.Label == "verified"
	})
	if !hasCall(sb.Calls(), "ModifyInstanceAttribute") {
		t.Fatal("verified without a ModifyInstanceAttribute call")
	}
	// The status console.js polls carries the verification in both languages.
	_, body, _ := alice.do("GET", rem[1], nil)
	var st struct {
		Verification   string `json:"verification"`
		VerificationJA string `json:"verification_ja"`
	}
	if json.Unmarshal([]byte(body), &st); !strings.HasPrefix(st.Verification, "i-04f2e6a8c0b1d3957 is only in sg-") || !strings.HasPrefix(st.VerificationJA, "インスタンス i-04f2e6a8c0b1d3957 は隔離用セキュリティグループ sg-") {
		t.Errorf("status = %s", body)
	}
	remPath := strings.TrimSuffix(rem[1], "/status")
	_, page, _ = alice.do("GET", remPath, nil, "Accept-Language", "ja,en;q=0.5")
	for _, want := range []string{"検証済み", "approval.approved", ">alice<", "修復", "<span>インスタンス i-04f2e6a8c0b1d3957 は隔離用セキュリティグループ sg-"} {
		if !strings.Contains(page, want) {
			t.Fatalf("remediation page (ja) lacks %q:\n%s", want, page)
		}
	}
	// In English, the English text; the Japanese page shows no English
	// verification in the lists either.
	_, page, _ = alice.do("GET", remPath, nil, "Accept-Language", "en")
	if !strings.Contains(page, `<span lang="en">i-04f2e6a8c0b1d3957 is only in sg-`) || strings.Contains(page, "隔離用") {
		t.Fatalf("remediation page (en) lacks the English verification:\n%s", page)
	}
	for _, p := range []string{"/ui/remediations", "/ui/approvals/" + id} {
		_, page, _ = alice.do("GET", p, nil, "Accept-Language", "ja")
		if !strings.Contains(page, "インスタンス i-04f2e6a8c0b1d3957 は隔離用セキュリティグループ sg-") || strings.Contains(page, "is only in sg-") {
			t.Fatalf("%s (ja) does not show the Japanese verification:\n%s", p, page)
		}
	}
	// An approver may not roll back; an admin may.
	if code, _, _ := alice.do("POST", remPath+"/rollback", url.Values{"csrf": {tok}}); code != http.StatusForbidden {
		t.Fatalf("approver's rollback = %d, want 403", code)
	}
}

func hasCall(calls []sandbox.Call, op string) bool {
	for _, c := range calls {
		if c.Operation == op {
			return true
		}
	}
	return false
}

// TestEveryPage: each page renders in both languages for a viewer; an
// approver adds and expires a silence, a viewer tests an event against
// the rules; each action is in the audit log with the person's name.
func TestEveryPage(t *testing.T) {
	base, _ := serveConsole(t)
	postFinding(t, base)
	postEvent(t, base, "cloudtrail.authorize_ssh_world.json")
	bob := newBrowser(t, base)
	if code := bob.signIn("bob", bobPassword); code != http.StatusSeeOther {
		t.Fatalf("sign in = %d", code)
	}
	var eventID string
	waitFor(t, "the event in the list", func() bool {
		_, page, _ := bob.do("GET", "/ui/", nil)
		m := regexp.MustCompile(`href="/ui/events/([^"]+)">Bitcoin-related`).FindStringSubmatch(page)
		if m != nil {
			eventID = m[1]
		}
		return m != nil
	})
	// The incident lists its deliveries with each attempt's outcome.
	waitFor(t, "the summarize delivery on the incident page", func() bool {
		_, page, _ := bob.do("GET", "/ui/events/"+eventID, nil)
		return strings.Contains(page, "<h2>Deliveries</h2>") && strings.Contains(page, "guardduty-ec2 → explain") && strings.Contains(page, "Attempt 1") && strings.Contains(page, "— delivered")
	})
	const user = "/ui/investigate?entity=arn:aws:iam::111122223333:user/etl-batch"
	waitFor(t, "the CloudTrail call recorded", func() bool {
		code, page, _ := bob.do("GET", user, nil)
		return code == 200 && strings.Contains(page, "AuthorizeSecurityGroupIngress") && strings.Contains(page, "<svg") && strings.Contains(page, "203.0.113.77")
	})
	pages := []string{"/ui/", user, "/ui/?q=bitcoin&source=aws.guardduty", "/ui/events/" + eventID, "/ui/approvals", "/ui/approvals?all=1", "/ui/remediations",
		"/ui/investigate", "/ui/deadletters", "/ui/silences", "/ui/rules", "/ui/reports"}
	for _, lang := range []string{"en", "ja"} {
		for _, p := range pages {
			code, page, _ := bob.do("GET", p, nil, "Accept-Language", lang)
			if code != 200 || !strings.Contains(page, `<html lang="`+lang+`">`) {
				t.Fatalf("GET %s (%s) = %d:\n%s", p, lang, code, page)
			}
		}
	}
	code, page, _ := bob.do("GET", "/ui/?q=no-such-thing-anywhere", nil)
	if code != 200 || strings.Contains(page, "/ui/events/") {
		t.Fatalf("search for nothing = %d:\n%s", code, page)
	}
	_, page, _ = bob.do("GET", "/ui/?q=BitcoinTool", nil)
	if !strings.Contains(page, "/ui/events/"+eventID) {
		t.Fatalf("search for the finding's type does not list it:\n%s", page)
	}

	tok := bob.csrf("/ui/rules")
	ev, _ := examples.Events.ReadFile("events/guardduty.cryptocurrency_ec2_bitcointool_b_dns.json")
	code, page, _ = bob.do("POST", "/ui/rules/test", url.Values{"csrf": {tok}, "event": {string(ev)}})
	if code != 200 || !strings.Contains(page, "guardduty-ec2") || !strings.Contains(page, "would be delivered") {
		t.Fatalf("rules test = %d:\n%s", code, page)
	}
	if code, _, _ := bob.do("POST", "/ui/silences", url.Values{"csrf": {tok}, "pattern": {`{"source":["aws.guardduty"]}`}, "duration": {"1h"}, "comment": {"maintenance"}}); code != http.StatusForbidden {
		t.Fatalf("viewer's silence = %d, want 403", code)
	}

	alice := newBrowser(t, base)
	alice.signIn("alice", alicePassword)
	tok = alice.csrf("/ui/silences")
	code, _, _ = alice.do("POST", "/ui/silences", url.Values{"csrf": {tok}, "pattern": {`{"source":["aws.guardduty"]}`}, "duration": {"1h"}, "comment": {"maintenance window"}})
	if code != http.StatusSeeOther {
		t.Fatalf("add silence = %d", code)
	}
	_, page, _ = alice.do("GET", "/ui/silences", nil)
	m := regexp.MustCompile(`action="/ui/silences/([^/"]+)/expire"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "alice: maintenance window") {
		t.Fatalf("silence not listed:\n%s", page)
	}
	if code, _, _ := alice.do("POST", "/ui/silences/"+m[1]+"/expire", url.Values{"csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("expire = %d", code)
	}
	code, body := pipelinetest.Do(t, "GET", base+"/api/v1/silences?all=1", nil)
	if code != 200 || !strings.Contains(string(body), `"state":"expired"`) {
		t.Fatalf("silences after expiry = %d %s", code, body)
	}
}
