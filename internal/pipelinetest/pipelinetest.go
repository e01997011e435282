// Package pipelinetest assembles vigil in a test: a started pipeline on a
// database of the test's own, or the whole of vigil serve on 127.0.0.1, for
// tests of target types and anything else that needs the whole path
// (ingest, store, jobs, routing and delivery).
package pipelinetest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/server"
)

// APIKey is the key Serve configures the server to accept, as the
// environment variable VIGIL_TEST_KEY (write api_keys: [env:VIGIL_TEST_KEY]).
const APIKey = "test-key"

// Config parses cfgYAML, in which the word DB is replaced by a SQLite
// database in a temporary directory of the test.
func Config(t testing.TB, cfgYAML string) *config.Config {
	t.Helper()
	text := strings.ReplaceAll(cfgYAML, "DB", "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	cfg, err := config.Parse("vigil.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Start assembles and starts a pipeline; it stops when the test ends.
func Start(t testing.TB, cfg *config.Config, deps pipeline.Deps) *pipeline.Pipeline {
	t.Helper()
	ctx := context.Background()
	p, err := pipeline.New(ctx, cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		p.Stop(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Stop(sctx)
	})
	return p
}

// Serve runs vigil serve with the configuration cfgYAML (see Config) and
// returns the API's base URL. The server stops when the test ends.
func Serve(t testing.TB, cfgYAML string) string {
	t.Helper()
	t.Setenv("VIGIL_TEST_KEY", APIKey)
	return ServeConfig(t, Config(t, cfgYAML), pipeline.Deps{})
}

// ServeConfig runs vigil serve on cfg with deps and returns the API's base
// URL. The server stops when the test ends.
func ServeConfig(t testing.TB, cfg *config.Config, deps pipeline.Deps) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.RunConfig(ctx, cfg, deps, server.RunOptions{Listening: func(a string) { addr <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && err != context.Canceled {
				t.Errorf("server: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-done:
		t.Fatalf("server: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	return ""
}

// Do sends a request with the test API key and returns the status and body.
func Do(t testing.TB, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// WaitIdle waits until every job of p has finished (delivered, dead-lettered
// or discarded), so a test can assert that nothing more is sent without
// sleeping. It fails the test after 30 seconds.
func WaitIdle(t testing.TB, p *pipeline.Pipeline) {
	t.Helper()
	// A bound, not a speed target: CI machines are shared and a burst of
	// hundreds of jobs under -race can take a while.
	const bound = 2 * time.Minute
	deadline := time.Now().Add(bound)
	for {
		n, err := p.Queue().Unfinished(context.Background())
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still unfinished after %s: %d (%v)", bound, n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
