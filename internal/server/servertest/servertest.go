// Package servertest runs vigil's pipeline in the test's process, for tests
// of target types and other parts that need the whole path: ingest, store,
// jobs, routing and delivery.
package servertest

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
	"github.com/vigilhq/vigil/internal/server"
)

// APIKey is the key Start configures the server to accept, as the
// environment variable VIGIL_TEST_KEY (write api_keys: [env:VIGIL_TEST_KEY]).
const APIKey = "test-key"

// Start runs a server with the configuration cfgYAML, in which the word DB
// is replaced by a SQLite database in a temporary directory, and returns the
// API's base URL. The server stops when the test ends.
func Start(t testing.TB, cfgYAML string) string {
	t.Helper()
	t.Setenv("VIGIL_TEST_KEY", APIKey)
	text := strings.ReplaceAll(cfgYAML, "DB", "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	cfg, err := config.Parse("vigil.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, server.RunOptions{Listening: func(a string) { addr <- a }}) }()
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

// Do sends an authenticated request and returns the status and body.
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
