package mcpdocs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs/mcpdocstest"
)

// TestEveryRequestSpaced: the fixture refuses any request that comes too
// soon after the previous one (the handshake's too). A client spaced by
// MinInterval gets through a handshake, tools/list and two calls without
// one refusal; an unspaced client is refused during the handshake itself.
func TestEveryRequestSpaced(t *testing.T) {
	t.Parallel()
	const server, client = 40 * time.Millisecond, 60 * time.Millisecond
	srv := mcpdocstest.Start(t, mcpdocstest.Options{MinInterval: server})
	c := newClient(t, srv.URL, mcpdocs.Options{MinInterval: client})
	ctx := ctxT(t)
	if _, err := c.Tools(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"EC2.7", "EBS encryption"} {
		if _, err := c.Call(ctx, "aws___search_documentation", json.RawMessage(`{"search_phrase":"`+q+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	total, soon := srv.Requests()
	if soon != 0 || total < 5 { // initialize, initialized, tools/list, two tools/call
		t.Errorf("%d requests, %d refused as too soon", total, soon)
	}

	srv2 := mcpdocstest.Start(t, mcpdocstest.Options{MinInterval: time.Hour})
	unspaced := newClient(t, srv2.URL, mcpdocs.Options{MinInterval: -1})
	_, err := unspaced.Tools(ctx)
	var ue *mcpdocs.UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("an unspaced client got through: %v", err)
	}
	if _, soon := srv2.Requests(); soon == 0 {
		t.Error("the fixture refused nothing")
	}
}

// TestSpacingNeverWaitsPastDeadline: when the next request's turn comes
// after the caller's deadline, the call fails at once as rate limited
// instead of waiting.
func TestSpacingNeverWaitsPastDeadline(t *testing.T) {
	t.Parallel()
	srv := mcpdocstest.Start(t, mcpdocstest.Options{})
	c := newClient(t, srv.URL, mcpdocs.Options{MinInterval: time.Hour})
	// The first request (initialize) goes at once; the next one is an hour away.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Tools(ctx)
	var ue *mcpdocs.UnavailableError
	if !errors.As(err, &ue) || !ue.RateLimited {
		t.Fatalf("err %v, want a rate-limited UnavailableError", err)
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("waited %s for a turn past the deadline", time.Since(start))
	}
	if total, _ := srv.Requests(); total != 1 {
		t.Errorf("%d requests reached the server, want 1", total)
	}
}

// The public AWS Knowledge MCP server is spaced by 15 s unless told
// otherwise.
func TestDefaultSpacingForThePublicServer(t *testing.T) {
	t.Parallel()
	if got := mcpdocs.New(mcpdocs.Options{}).MinInterval(); got != mcpdocs.DefaultMinInterval {
		t.Errorf("public server: %s", got)
	}
	if got := mcpdocs.New(mcpdocs.Options{URL: "http://127.0.0.1:1/mcp"}).MinInterval(); got != 0 {
		t.Errorf("other server: %s", got)
	}
	if got := mcpdocs.New(mcpdocs.Options{MinInterval: -1}).MinInterval(); got != 0 {
		t.Errorf("turned off: %s", got)
	}
}
