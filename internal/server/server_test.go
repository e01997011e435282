package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/server"
)

func newAPI(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("t.yaml", []byte(`
rules:
  - name: ec2
    event_pattern: {"source": ["aws.ec2"]}
    targets: [{id: hook, type: webhook, url: "http://127.0.0.1:1/never"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = "sqlite://" + filepath.Join(t.TempDir(), "v.db")
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{Workers: -1})
	if err != nil {
		t.Fatal(err)
	}
	in := p.Ingester()
	s := &server.Server{Ingester: in, Auth: server.Auth{APIKeys: []string{"k1"}, Basic: map[string]string{"eb": "pw"}}}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		p.Stop(context.Background())
	})
	return hs
}

type call struct {
	name    string
	path    string
	body    string
	headers map[string]string
	basic   [2]string
	status  int
	want    []string // substrings of the response
}

func TestEventsAPI(t *testing.T) {
	hs := newAPI(t)
	key := map[string]string{"x-api-key": "k1"}
	ev := `{"id":"e1","source":"aws.ec2","detail-type":"x","detail":{}}`
	for _, c := range []call{
		{name: "no credentials", path: "/events", body: ev, status: 401, want: []string{"credentials"}},
		{name: "wrong key", path: "/events", body: ev, headers: map[string]string{"x-api-key": "nope"}, status: 401},
		{name: "api key", path: "/events", body: ev, headers: key, status: 200, want: []string{`"EventId":"e1"`, `"FailedEntryCount":0`}},
		{name: "bearer", path: "/events", body: ev, headers: map[string]string{"Authorization": "Bearer k1"}, status: 200, want: []string{`"Duplicate":true`}},
		{name: "basic auth", path: "/events", body: `[` + ev + `]`, basic: [2]string{"eb", "pw"}, status: 200, want: []string{`"EventId":"e1"`}},
		{name: "not JSON", path: "/events", body: `hello`, headers: key, status: 400, want: []string{"not JSON"}},
		{name: "missing field", path: "/events", body: `{"source":"aws.ec2","detail":{}}`, headers: key, status: 400, want: []string{`detail-type`, `MalformedDetail`}},
		{name: "partial batch", path: "/events", body: `[` + ev + `,{"source":"x"}]`, headers: key, status: 200, want: []string{`"FailedEntryCount":1`, `"EventId":"e1"`, `"ErrorCode":"MalformedDetail"`}},
		{name: "PutEvents entries", path: "/events", headers: key, status: 200,
			body: `{"Entries":[{"Source":"aws.ec2","DetailType":"x","Detail":"{\"a\":1}"},{"Source":"s","DetailType":"x","Detail":"[1]"}]}`,
			want: []string{`"FailedEntryCount":1`, `"EventId":"`, `Detail is malformed`}},
		{name: "too large", path: "/events", body: `{"source":"` + strings.Repeat("a", 300000) + `"}`, headers: key, status: 413, want: []string{"256 KB"}},
		{name: "empty array", path: "/events", body: `[]`, headers: key, status: 400},
		{name: "invocations", path: "/invocations", body: ev, headers: key, status: 200, want: []string{`"statusCode":200`, `\"alert_source\":\"aws.ec2\"`, `\"rule\":\"ec2\"`}},
		{name: "invocations bad event", path: "/invocations", body: `{}`, headers: key, status: 400, want: []string{`"statusCode":400`, `MalformedDetail`}},
		{name: "invocations no credentials", path: "/invocations", body: ev, status: 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", hs.URL+c.path, strings.NewReader(c.body))
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			if c.basic[0] != "" {
				req.SetBasicAuth(c.basic[0], c.basic[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.status, b)
			}
			if !json.Valid(b) {
				t.Errorf("response is not JSON: %s", b)
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("response lacks %s: %s", w, b)
				}
			}
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	hs := newAPI(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// Issue 13 item 9: /metrics names every rule and target, so by default it
// takes the API's credentials; server.metrics.auth makes it take its own
// key, or none.
func TestMetricsAuth(t *testing.T) {
	get := func(s *server.Server, headers map[string]string) int {
		hs := httptest.NewServer(s.Handler())
		defer hs.Close()
		req, _ := http.NewRequest("GET", hs.URL+"/metrics", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	auth := server.Auth{APIKeys: []string{"api-key-1"}}
	for _, c := range []struct {
		name    string
		metrics server.MetricsAuth
		headers map[string]string
		want    int
	}{
		{"default, no credentials", server.MetricsAuth{}, nil, 401},
		{"default, API key", server.MetricsAuth{}, map[string]string{"x-api-key": "api-key-1"}, 200},
		{"api_keys, bearer", server.MetricsAuth{Mode: "api_keys"}, map[string]string{"Authorization": "Bearer api-key-1"}, 200},
		{"key, no credentials", server.MetricsAuth{Mode: "key", Key: "scrape-key"}, nil, 401},
		{"key, the API's key", server.MetricsAuth{Mode: "key", Key: "scrape-key"}, map[string]string{"x-api-key": "api-key-1"}, 401},
		{"key, its key as bearer", server.MetricsAuth{Mode: "key", Key: "scrape-key"}, map[string]string{"Authorization": "Bearer scrape-key"}, 200},
		{"none", server.MetricsAuth{Mode: "none"}, nil, 200},
	} {
		if got := get(&server.Server{Auth: auth, Metrics: c.metrics}, c.headers); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// With server.no_auth the API is open, and so are its metrics.
	if got := get(&server.Server{Auth: server.Auth{NoAuth: true}}, nil); got != 200 {
		t.Errorf("no_auth: %d", got)
	}
}

// Run refuses to start without credentials unless no_auth is set.
func TestRunNeedsCredentials(t *testing.T) {
	cfg, err := config.Parse("t.yaml", []byte("database: sqlite://"+filepath.Join(t.TempDir(), "v.db")+"\nserver:\n  listen: 127.0.0.1:0\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = server.RunConfig(ctx, cfg, pipeline.Deps{}, server.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("want a no-credentials error, got %v", err)
	}
}
