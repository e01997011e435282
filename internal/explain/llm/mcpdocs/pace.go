package mcpdocs

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// pacer spaces every HTTP request to the documentation server by at least
// interval: the handshake (initialize, notifications/initialized),
// tools/list and every tools/call alike. The AWS Knowledge MCP server
// allows about one request per 15 s per client, and a refused notification
// ends the session, so the spacing has to happen below the MCP SDK, where
// each JSON-RPC message is one HTTP request.
type pacer struct {
	next     http.RoundTripper
	interval time.Duration

	mu   sync.Mutex
	last time.Time // when the last request was answered, or will be sent
}

// tooSoonError says that a request could not be sent before its
// deadline without coming too soon after the previous one.
type tooSoonError struct{ wait time.Duration }

func (e *tooSoonError) Error() string {
	return fmt.Sprintf("the next request to the documentation server may be sent in %s, after the deadline", e.wait.Round(time.Second))
}

// RoundTrip waits for the request's turn, then sends it. A request whose
// turn comes after its context's deadline fails at once; so does the
// DELETE that ends a session (the server expires idle sessions itself, and
// a process that stops should not wait for it).
func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	now := time.Now()
	slot := now
	if !p.last.IsZero() && p.last.Add(p.interval).After(now) {
		slot = p.last.Add(p.interval)
	}
	wait := slot.Sub(now)
	if wait > 0 {
		dl, ok := req.Context().Deadline()
		if req.Method == http.MethodDelete || ok && slot.After(dl) {
			p.mu.Unlock()
			return nil, &tooSoonError{wait: wait}
		}
	}
	p.last = slot
	p.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		}
	}
	resp, err := p.next.RoundTrip(req)
	// Count the interval from when the server answered: a request slowed
	// on its way (a new connection, TLS) must not bring the next one
	// closer to it at the server.
	p.mu.Lock()
	if now := time.Now(); now.After(p.last) {
		p.last = now
	}
	p.mu.Unlock()
	return resp, err
}

// pacedClient returns an HTTP client like hc (http.DefaultClient when nil)
// whose requests are spaced by interval.
func pacedClient(hc *http.Client, interval time.Duration) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &pacer{next: next, interval: interval}
	return &c
}
