package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/shareddata"
	"github.com/vigilhq/vigil/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var ctx = context.Background()

// call is one request the Slack test server received.
type call struct {
	Method string
	Form   map[string]string
	Body   []byte // the uploaded file, for upload URLs
	Auth   string
}

// server is slacktest's server with the file upload endpoints it lacks
// and a record of every Web API call.
type server struct {
	*slacktest.Server
	mu    sync.Mutex
	calls []call
	ts    int
	// fail, when set, answers a method instead of the normal handler.
	fail map[string]http.HandlerFunc
}

func (s *server) record(method string, r *http.Request) call {
	c := call{Method: method, Form: map[string]string{}, Auth: r.Header.Get("Authorization")}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.ParseMultipartForm(32 << 20)
		if f, _, err := r.FormFile("file"); err == nil {
			c.Body, _ = io.ReadAll(f)
		}
	} else {
		r.ParseForm()
	}
	for k := range r.Form {
		c.Form[k] = r.Form.Get(k)
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	return c
}

func (s *server) Calls(method string) []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (s *server) handler(method string, h func(w http.ResponseWriter, r *http.Request, c call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		f := s.fail[method]
		s.mu.Unlock()
		if f != nil {
			f(w, r)
			return
		}
		c := s.record(method, r)
		h(w, r, c)
	}
}

func (s *server) nextTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ts++
	return fmt.Sprintf("1700000000.%06d", s.ts)
}

func (s *server) setFail(method string, h http.HandlerFunc) {
	s.mu.Lock()
	if s.fail == nil {
		s.fail = map[string]http.HandlerFunc{}
	}
	s.fail[method] = h
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func startSlack(t *testing.T) *server {
	s := &server{}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", s.handler("chat.postMessage", func(w http.ResponseWriter, r *http.Request, c call) {
			writeJSON(w, map[string]any{"ok": true, "channel": c.Form["channel"], "ts": s.nextTS()})
		}))
		c.Handle("/files.getUploadURLExternal", s.handler("files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request, c call) {
			id := fmt.Sprintf("F%04d", len(s.Calls("files.getUploadURLExternal")))
			writeJSON(w, map[string]any{"ok": true, "file_id": id, "upload_url": "http://" + r.Host + "/upload/" + id})
		}))
		c.Handle("/upload/", s.handler("upload", func(w http.ResponseWriter, r *http.Request, c call) {
			w.Write([]byte("OK - " + fmt.Sprint(len(c.Body))))
		}))
		c.Handle("/files.completeUploadExternal", s.handler("files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request, c call) {
			var files []map[string]string
			json.Unmarshal([]byte(c.Form["files"]), &files)
			writeJSON(w, map[string]any{"ok": true, "files": files})
		}))
		c.Handle("/services/", s.handler("webhook", func(w http.ResponseWriter, r *http.Request, c call) {
			w.Write([]byte("ok"))
		}))
	})
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

func explanation(t *testing.T, lang lang.Lang) *explain.Explanation {
	t.Helper()
	dir := shareddata.Dir(t, "events")
	b, err := os.ReadFile(filepath.Join(dir, "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	x, err := explain.Builtin{}.Explain(ctx, ev, explain.Options{Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func newNotifier(t *testing.T, s *server) *slack.Notifier {
	t.Setenv("VIGIL_TEST_SLACK_TOKEN", "xoxb-test-token")
	return &slack.Notifier{Token: "env:VIGIL_TEST_SLACK_TOKEN", Channel: "C0SECOPS", APIURL: s.GetAPIURL()}
}

func TestPostExplanationAndThreadFollowUps(t *testing.T) {
	for _, lang := range []lang.Lang{lang.EN, lang.JA} {
		t.Run(string(lang), func(t *testing.T) {
			s := startSlack(t)
			n := newNotifier(t, s)
			x := explanation(t, lang)
			m := notify.Message{ID: "d1", Thread: "finding-1", Lang: lang, Explanation: x}
			if retry, err := n.Notify(ctx, m); err != nil {
				t.Fatalf("retry=%v err=%v", retry, err)
			}
			// A follow-up about the same incident, and a new incident.
			if _, err := n.Notify(ctx, notify.Message{ID: "d2", Thread: "finding-1", Subject: "update", Text: "still open"}); err != nil {
				t.Fatal(err)
			}
			if _, err := n.Notify(ctx, notify.Message{ID: "d3", Thread: "finding-2", Text: "another"}); err != nil {
				t.Fatal(err)
			}
			posts := s.Calls("chat.postMessage")
			if len(posts) != 3 {
				t.Fatalf("got %d posts, want 3", len(posts))
			}
			first := posts[0]
			if first.Auth != "Bearer xoxb-test-token" && first.Form["token"] != "xoxb-test-token" {
				t.Errorf("token not sent: auth=%q", first.Auth)
			}
			if first.Form["channel"] != "C0SECOPS" || first.Form["thread_ts"] != "" {
				t.Errorf("first post: channel=%q thread_ts=%q", first.Form["channel"], first.Form["thread_ts"])
			}
			// The blocks are the explanation's payload, as sent.
			want, err := slack.Payload(x)
			if err != nil {
				t.Fatal(err)
			}
			var payload struct {
				Text   string          `json:"text"`
				Blocks json.RawMessage `json:"blocks"`
			}
			json.Unmarshal(want, &payload)
			if first.Form["text"] != payload.Text {
				t.Errorf("text = %q, want %q", first.Form["text"], payload.Text)
			}
			var gotBlocks, wantBlocks any
			json.Unmarshal([]byte(first.Form["blocks"]), &gotBlocks)
			json.Unmarshal(payload.Blocks, &wantBlocks)
			g, _ := json.MarshalIndent(gotBlocks, "", "  ")
			w, _ := json.MarshalIndent(wantBlocks, "", "  ")
			if !bytes.Equal(g, w) {
				t.Errorf("blocks differ from slack.Payload:\n got %s\nwant %s", g, w)
			}
			golden(t, "blocks."+string(lang)+".golden.json", append(g, '\n'))

			if posts[1].Form["thread_ts"] != "1700000000.000001" {
				t.Errorf("follow-up thread_ts = %q, want the first post's ts", posts[1].Form["thread_ts"])
			}
			if posts[2].Form["thread_ts"] != "" {
				t.Errorf("a new incident was threaded under %q", posts[2].Form["thread_ts"])
			}
		})
	}
}

func TestUploadReportWithCommentAndMentions(t *testing.T) {
	s := startSlack(t)
	n := newNotifier(t, s)
	csv := []byte("\ufeffリソース名,違反事項\narn:aws:s3:::logs,S3.1\n")
	m := notify.Message{
		ID:          "report-1",
		Subject:     "🚨 本番 環境で 1 件の違反を検出しました",
		Text:        "新規 1 件、解決 0 件、継続 0 件",
		Mentions:    []notify.Mention{{Who: "U0ALICE", Text: "1 件: S3.1 arn:aws:s3:::logs"}, {Who: "bob@example.com", Text: "0 件"}},
		Attachments: []notify.Attachment{notify.Bytes("securityhub.csv", "text/csv", csv)},
	}
	if _, err := n.Notify(ctx, m); err != nil {
		t.Fatal(err)
	}
	get := s.Calls("files.getUploadURLExternal")
	up := s.Calls("upload")
	done := s.Calls("files.completeUploadExternal")
	if len(get) != 1 || len(up) != 1 || len(done) != 1 {
		t.Fatalf("calls: %d getUploadURLExternal, %d uploads, %d completeUploadExternal", len(get), len(up), len(done))
	}
	if get[0].Form["filename"] != "securityhub.csv" || get[0].Form["length"] != fmt.Sprint(len(csv)) {
		t.Errorf("getUploadURLExternal form = %v", get[0].Form)
	}
	if !bytes.Equal(up[0].Body, csv) {
		t.Errorf("uploaded bytes = %q, want %q", up[0].Body, csv)
	}
	c := done[0].Form
	if c["channel_id"] != "C0SECOPS" {
		t.Errorf("shared to %q", c["channel_id"])
	}
	wantComment := "🚨 本番 環境で 1 件の違反を検出しました\n新規 1 件、解決 0 件、継続 0 件\n\n<@U0ALICE> 1 件: S3.1 arn:aws:s3:::logs\nbob@example.com 0 件"
	if c["initial_comment"] != wantComment {
		t.Errorf("comment = %q\nwant %q", c["initial_comment"], wantComment)
	}
	if !strings.Contains(c["files"], get[0].Form["filename"]) && !strings.Contains(c["files"], "F0001") {
		t.Errorf("completeUploadExternal files = %s", c["files"])
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	s := startSlack(t)
	n := newNotifier(t, s)
	var mu sync.Mutex
	limited := 0
	s.setFail("chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		limited++
		mu.Unlock()
		s.setFail("chat.postMessage", nil)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	start := time.Now()
	if _, err := n.Notify(ctx, notify.Message{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if limited != 1 || len(s.Calls("chat.postMessage")) != 1 {
		t.Errorf("limited %d times, %d posts", limited, len(s.Calls("chat.postMessage")))
	}
	if time.Since(start) < time.Second {
		t.Errorf("did not wait for Retry-After")
	}

	// A wait longer than the delivery may take is handed back as retryable.
	s.setFail("chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	retry, err := n.Notify(ctx, notify.Message{Text: "hello"})
	if !retry || err == nil {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	if d, ok := notify.RetryAfter(err); !ok || d != 120*time.Second {
		t.Errorf("RetryAfter = %v, %v", d, ok)
	}
}

func TestErrorsSayWhetherToRetry(t *testing.T) {
	s := startSlack(t)
	n := newNotifier(t, s)
	for code, wantRetry := range map[string]bool{"channel_not_found": false, "internal_error": true, "invalid_auth": false} {
		s.setFail("chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, map[string]any{"ok": false, "error": code})
		})
		retry, err := n.Notify(ctx, notify.Message{Text: "x"})
		if err == nil || retry != wantRetry || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: retry=%v err=%v", code, retry, err)
		}
		if err != nil && strings.Contains(err.Error(), "xoxb-test-token") {
			t.Errorf("%s: error shows the token: %v", code, err)
		}
	}
	s.setFail("chat.postMessage", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	if retry, err := n.Notify(ctx, notify.Message{Text: "x"}); !retry || err == nil {
		t.Errorf("502: retry=%v err=%v", retry, err)
	}
	os.Unsetenv("VIGIL_TEST_SLACK_TOKEN")
	if _, err := n.Notify(ctx, notify.Message{Text: "x"}); err == nil || !strings.Contains(err.Error(), "VIGIL_TEST_SLACK_TOKEN is not set") {
		t.Errorf("missing token: %v", err)
	}
}

func TestIncomingWebhook(t *testing.T) {
	s := startSlack(t)
	hook := s.GetAPIURL() + "services/T000/B000/sEcReTpAtH"
	t.Setenv("VIGIL_TEST_SLACK_WEBHOOK", hook)
	n := &slack.Notifier{WebhookURL: "env:VIGIL_TEST_SLACK_WEBHOOK"}
	x := explanation(t, lang.JA)
	if _, err := n.Notify(ctx, notify.Message{Explanation: x}); err != nil {
		t.Fatal(err)
	}
	// Incoming webhooks take a JSON body; the recorder saw no form, so
	// check the message through a second post against a capturing
	// handler.
	var body []byte
	s.setFail("webhook", func(w http.ResponseWriter, r *http.Request) { body, _ = io.ReadAll(r.Body); w.Write([]byte("ok")) })
	if _, err := n.Notify(ctx, notify.Message{Explanation: x}); err != nil {
		t.Fatal(err)
	}
	var msg goslack.WebhookMessage
	if err := json.Unmarshal(body, &msg); err != nil || msg.Blocks == nil || len(msg.Blocks.BlockSet) == 0 || msg.Text != x.Title {
		t.Errorf("webhook body %s: %v", body, err)
	}
	// A refused webhook does not quote its URL (a credential).
	s.setFail("webhook", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	retry, err := n.Notify(ctx, notify.Message{Text: "x"})
	if err == nil || retry || strings.Contains(err.Error(), "sEcReTpAtH") {
		t.Errorf("404: retry=%v err=%v", retry, err)
	}
	s.Stop()
	retry, err = n.Notify(ctx, notify.Message{Text: "x"})
	if err == nil || !retry || strings.Contains(err.Error(), "sEcReTpAtH") {
		t.Errorf("unreachable: retry=%v err=%v", retry, err)
	}
	if _, err := n.Notify(ctx, notify.Message{Text: "x", Attachments: []notify.Attachment{notify.Bytes("a.csv", "text/csv", []byte("a"))}}); err == nil {
		t.Errorf("an incoming webhook accepted a file")
	}
}

func TestThreadsInDatabase(t *testing.T) {
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := startSlack(t)
	threads, err := slack.StoreThreads(ctx, st, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Two notifiers (two replicas, or a restart) share the thread.
	a, b := newNotifier(t, s), newNotifier(t, s)
	a.Threads, b.Threads = threads, threads
	if _, err := a.Notify(ctx, notify.Message{Thread: "inc-1", Text: "first"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Notify(ctx, notify.Message{Thread: "inc-1", Text: "second"}); err != nil {
		t.Fatal(err)
	}
	posts := s.Calls("chat.postMessage")
	if len(posts) != 2 || posts[1].Form["thread_ts"] != "1700000000.000001" {
		t.Errorf("second post thread_ts = %q", posts[len(posts)-1].Form["thread_ts"])
	}
}

func TestMention(t *testing.T) {
	for in, want := range map[string]string{"U012AB3CD": "<@U012AB3CD>", "W0ABC": "<@W0ABC>", "S0TEAM": "<!subteam^S0TEAM>",
		"alice@example.com": "alice@example.com", "<!channel>": "&lt;!channel&gt;"} {
		if got := slack.Mention(in); got != want {
			t.Errorf("Mention(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestContentActions: a message's actions become buttons whose action ids
// and values come back in Slack's interaction payloads.
func TestContentActions(t *testing.T) {
	_, blocks := slack.Content(notify.Message{Subject: "Approval needed", Text: "vigil approve apr-1 --by NAME",
		Actions: []notify.Action{{ID: "vigil_approve", Text: "Approve", Value: "apr-1", Style: "primary"}, {ID: "vigil_reject", Text: "Reject", Value: "apr-1", Style: "danger"}}})
	b, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"type":"actions"`, `"action_id":"vigil_approve"`, `"value":"apr-1"`, `"style":"primary"`, `"action_id":"vigil_reject"`, `"style":"danger"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("blocks lack %s: %s", want, b)
		}
	}
}
