package mcpdocs_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs/mcpdocstest"
)

func newClient(t *testing.T, url string, o mcpdocs.Options) *mcpdocs.Client {
	t.Helper()
	o.URL = url
	if o.Backoff == 0 {
		o.Backoff = 5 * time.Millisecond
	}
	c := mcpdocs.New(o)
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestToolsOnlyReadOnlyDocs(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{})
	c := newClient(t, srv.URL, mcpdocs.Options{})
	tools, err := c.Tools(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools {
		names = append(names, tl.Name)
		if !json.Valid(tl.InputSchema) || !strings.Contains(string(tl.InputSchema), `"object"`) {
			t.Errorf("%s: schema %s", tl.Name, tl.InputSchema)
		}
	}
	if strings.Join(names, ",") != "aws___read_documentation,aws___search_documentation" &&
		strings.Join(names, ",") != "aws___search_documentation,aws___read_documentation" {
		t.Errorf("tools %v: want only the two documentation tools", names)
	}
	// Even if asked directly, a tool that is not a documentation tool is not called.
	for _, decoy := range mcpdocstest.DecoyTools {
		if _, err := c.Call(ctxT(t), decoy, json.RawMessage(`{}`)); err == nil {
			t.Errorf("%s: called", decoy)
		}
	}
	if n := srv.DestructiveCalls(); n != 0 {
		t.Errorf("decoy tools called %d times", n)
	}
}

func TestSearchAndReadReuseOneSession(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{})
	c := newClient(t, srv.URL, mcpdocs.Options{})
	ctx := ctxT(t)
	if _, err := c.Tools(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.Call(ctx, "aws___search_documentation", json.RawMessage(`{"search_phrase":"EC2.7 EBS default encryption","limit":3}`))
	if err != nil {
		t.Fatal(err)
	}
	var hits []struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.Text), &hits); err != nil || len(hits) == 0 {
		t.Fatalf("search result %q: %v", r.Text, err)
	}
	if hits[0].URL != mcpdocstest.Corpus[0].URL || r.IsError || r.Cached {
		t.Errorf("first hit %+v, result %+v", hits[0], r)
	}
	r, err = c.Call(ctx, "aws___read_documentation", json.RawMessage(`{"url":"https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Region-specific setting") {
		t.Errorf("read: %q", r.Text)
	}
	// A page that does not exist is a tool error the model can recover from.
	r, err = c.Call(ctx, "aws___read_documentation", json.RawMessage(`{"url":"https://docs.aws.amazon.com/nope.html"}`))
	if err != nil || !r.IsError {
		t.Errorf("missing page: %+v, %v", r, err)
	}
	if n := srv.Sessions(); n != 1 {
		t.Errorf("%d sessions, want 1 reused", n)
	}
	if n := len(srv.Calls()); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestDiskCache(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{})
	dir := t.TempDir()
	args := json.RawMessage(`{"search_phrase":"exposed access key","limit":2}`)
	c1 := newClient(t, srv.URL, mcpdocs.Options{CacheDir: dir})
	if _, err := c1.Tools(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	r1, err := c1.Call(ctxT(t), "aws___search_documentation", args)
	if err != nil || r1.Cached {
		t.Fatalf("%+v %v", r1, err)
	}
	// A new client (a new process) answers from disk without any request:
	// same arguments in another order, tools included.
	c2 := newClient(t, srv.URL, mcpdocs.Options{CacheDir: dir})
	sessions := srv.Sessions()
	tools, err := c2.Tools(ctxT(t))
	if err != nil || len(tools) != 2 {
		t.Fatalf("tools %v %v", tools, err)
	}
	r2, err := c2.Call(ctxT(t), "aws___search_documentation", json.RawMessage(`{"limit":2,"search_phrase":"exposed access key"}`))
	if err != nil || !r2.Cached || r2.Text != r1.Text {
		t.Fatalf("cached %+v %v", r2, err)
	}
	if srv.Sessions() != sessions || len(srv.Calls()) != 1 {
		t.Errorf("the cache did not spare the server: %d sessions, %d calls", srv.Sessions(), len(srv.Calls()))
	}
	// Expired entries are not used.
	c3 := newClient(t, srv.URL, mcpdocs.Options{CacheDir: dir, CacheTTL: time.Nanosecond})
	if r3, err := c3.Call(ctxT(t), "aws___search_documentation", args); err != nil || r3.Cached {
		t.Errorf("expired entry used: %+v %v", r3, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestRateLimitBackoffThenSuccess(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{RateLimitFirst: 2})
	c := newClient(t, srv.URL, mcpdocs.Options{})
	r, err := c.Call(ctxT(t), "aws___search_documentation", json.RawMessage(`{"search_phrase":"ebs encryption"}`))
	if err != nil || r.IsError {
		t.Fatalf("%+v %v", r, err)
	}
	if srv.RateLimited() != 2 || len(srv.Calls()) != 3 || srv.Sessions() != 1 {
		t.Errorf("rate limited %d, calls %d, sessions %d", srv.RateLimited(), len(srv.Calls()), srv.Sessions())
	}
}

func TestRateLimitedIsUnavailable(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{RateLimitAll: true})
	c := newClient(t, srv.URL, mcpdocs.Options{MaxRetries: 1})
	_, err := c.Call(ctxT(t), "aws___search_documentation", json.RawMessage(`{"search_phrase":"ebs"}`))
	var ue *mcpdocs.UnavailableError
	if !errors.As(err, &ue) || !ue.RateLimited {
		t.Fatalf("err %v: want a rate-limited UnavailableError", err)
	}
	if !strings.Contains(err.Error(), "-32004") {
		t.Errorf("error does not name the code: %v", err)
	}
	if n := len(srv.Calls()); n != 2 {
		t.Errorf("%d calls: want the first and one retry", n)
	}
}

func TestBackoffPastDeadlineFailsFast(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{RateLimitAll: true})
	c := newClient(t, srv.URL, mcpdocs.Options{Backoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.Call(ctx, "aws___search_documentation", json.RawMessage(`{"search_phrase":"ebs"}`))
	var ue *mcpdocs.UnavailableError
	if !errors.As(err, &ue) || !ue.RateLimited {
		t.Fatalf("err %v", err)
	}
	if ctx.Err() != nil {
		t.Error("waited for the backoff past the deadline")
	}
	// The cooldown is remembered: the next call does not hit the server.
	n := len(srv.Calls())
	if _, err := c.Call(ctx, "aws___read_documentation", json.RawMessage(`{"url":"x"}`)); !errors.As(err, &ue) {
		t.Fatalf("err %v", err)
	}
	if len(srv.Calls()) != n {
		t.Error("a call was sent during the cooldown")
	}
}

func TestServerDown(t *testing.T) {
	hs := httptest.NewServer(nil)
	url := hs.URL
	hs.Close()
	c := newClient(t, url, mcpdocs.Options{})
	_, err := c.Tools(ctxT(t))
	var ue *mcpdocs.UnavailableError
	if !errors.As(err, &ue) || ue.RateLimited {
		t.Fatalf("err %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	srv := mcpdocstest.Start(t, mcpdocstest.Options{})
	c := newClient(t, srv.URL, mcpdocs.Options{})
	r, err := c.Call(ctxT(t), "aws___search_documentation", json.RawMessage(`"not an object"`))
	if err != nil || !r.IsError {
		t.Errorf("%+v %v", r, err)
	}
	if len(srv.Calls()) != 0 {
		t.Error("bad arguments were sent")
	}
}
