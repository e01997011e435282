// Package mcpdocs looks up AWS documentation through an MCP server that
// speaks Streamable HTTP, by default the AWS Knowledge MCP server
// (https://knowledge-mcp.global.api.aws), with the official MCP Go SDK.
//
// The server is rate-limited (about one request per 15 seconds per client;
// JSON-RPC error -32004 when exceeded), so a Client keeps one session for
// its whole life, answers repeated questions from a cache on disk, spaces
// every request (the handshake included) by MinInterval, backs off on
// -32004, and reports the server as unavailable (UnavailableError) rather
// than waiting past its caller's deadline.
//
// Only read-only documentation tools are ever exposed or called: the names
// in Options.Tools (DefaultTools), discovered with tools/list.
package mcpdocs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultURL is the AWS Knowledge MCP server.
const DefaultURL = "https://knowledge-mcp.global.api.aws"

// DefaultMinInterval spaces requests to the AWS Knowledge MCP server,
// which allows about one request per 15 seconds per client.
const DefaultMinInterval = 15 * time.Second

// CodeRateLimited is the JSON-RPC error code the AWS Knowledge MCP server
// returns when a client exceeds its rate limit.
const CodeRateLimited = -32004

// DefaultTools are the read-only documentation tools a Client exposes: the
// AWS Knowledge MCP server's names, and the same tools as the AWS
// Documentation MCP server names them.
var DefaultTools = []string{
	"aws___search_documentation", "aws___read_documentation", "aws___recommend",
	"search_documentation", "read_documentation", "recommend",
}

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// URL is the server's Streamable HTTP endpoint; DefaultURL when empty.
	URL string
	// HTTPClient is used for every request when not nil.
	HTTPClient *http.Client
	// CacheDir keeps tool results (and the tool list) on disk across runs;
	// no disk cache when empty. It is created when missing.
	CacheDir string
	// CacheTTL is how long a cached result is used: 7 days by default.
	CacheTTL time.Duration
	// Tools are the tool names that may be exposed and called;
	// DefaultTools when nil. A tool is exposed only if the server lists it.
	Tools []string
	// MinInterval spaces every request to the server, the handshake
	// included. 0 means DefaultMinInterval for the AWS Knowledge MCP server
	// (DefaultURL) and no spacing for other servers; a negative value
	// turns spacing off.
	MinInterval time.Duration
	// Backoff is the first wait after a rate-limit error (15 s by default);
	// it doubles on each further one.
	Backoff time.Duration
	// MaxRetries is how many times a rate-limited call is tried again, 2 by
	// default; negative means never.
	MaxRetries int
	// Logger receives debug and warning messages; none when nil.
	Logger *slog.Logger
	// Version is sent to the server as the client version.
	Version string
}

// Tool is a documentation tool the server offers.
type Tool struct {
	Name        string
	Description string
	InputSchema json.RawMessage // a JSON Schema object
}

// Result is what a tool call returned.
type Result struct {
	Text string
	// IsError is true when the tool reported a failure (a bad argument, a
	// page that does not exist); the model may try something else.
	IsError bool
	// Cached is true when the result came from the cache.
	Cached bool
}

// UnavailableError means the documentation server cannot be used now:
// unreachable, failing, or rate-limited past the caller's patience.
type UnavailableError struct {
	URL         string
	RateLimited bool
	Err         error
}

func (e *UnavailableError) Error() string {
	if e.RateLimited {
		return fmt.Sprintf("documentation server %s: rate limited (JSON-RPC %d): %v", e.URL, CodeRateLimited, e.Err)
	}
	return fmt.Sprintf("documentation server %s: unavailable: %v", e.URL, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Client is a documentation lookup client. It is safe for concurrent use;
// requests to the server are sent one at a time over one session.
type Client struct {
	o       Options
	allowed map[string]bool

	mu       sync.Mutex // serialises server requests and guards the fields below
	session  *mcp.ClientSession
	tools    []Tool
	toolsAt  time.Time
	cooldown time.Time // no request before this after a rate-limit error
}

// New returns a client. It does not contact the server.
func New(o Options) *Client {
	if o.URL == "" {
		o.URL = DefaultURL
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = 7 * 24 * time.Hour
	}
	if o.Tools == nil {
		o.Tools = DefaultTools
	}
	if o.Backoff <= 0 {
		o.Backoff = 15 * time.Second
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 2
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	switch {
	case o.MinInterval == 0 && o.URL == DefaultURL:
		o.MinInterval = DefaultMinInterval
	case o.MinInterval < 0:
		o.MinInterval = 0
	}
	if o.MinInterval > 0 {
		o.HTTPClient = pacedClient(o.HTTPClient, o.MinInterval)
	}
	c := &Client{o: o, allowed: map[string]bool{}}
	for _, t := range o.Tools {
		c.allowed[t] = true
	}
	return c
}

// URL returns the server's endpoint.
func (c *Client) URL() string { return c.o.URL }

// Close ends the session, if one is open.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return nil
	}
	err := c.session.Close()
	c.session = nil
	return err
}

// Tools returns the allowed tools the server offers, from memory, the disk
// cache or tools/list, in that order.
func (c *Client) Tools(ctx context.Context) ([]Tool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tools != nil && time.Since(c.toolsAt) < c.o.CacheTTL {
		return c.tools, nil
	}
	var cached []Tool
	if c.readCache(c.key("tools/list", nil), &cached) && len(cached) > 0 {
		c.tools, c.toolsAt = cached, time.Now()
		return cached, nil
	}
	var listed []*mcp.Tool
	err := c.do(ctx, func(s *mcp.ClientSession) error {
		listed = listed[:0]
		for t, err := range s.Tools(ctx, nil) {
			if err != nil {
				return err
			}
			listed = append(listed, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var tools []Tool
	for _, t := range listed {
		if !c.allowed[t.Name] || destructive(t) {
			continue
		}
		schema, err := json.Marshal(t.InputSchema)
		if err != nil || t.InputSchema == nil {
			schema = json.RawMessage(`{"type":"object"}`)
		}
		tools = append(tools, Tool{Name: t.Name, Description: t.Description, InputSchema: schema})
	}
	if len(tools) == 0 {
		return nil, &UnavailableError{URL: c.o.URL, Err: fmt.Errorf("the server lists %d tools but none of the documentation tools %s", len(listed), strings.Join(c.o.Tools, ", "))}
	}
	c.tools, c.toolsAt = tools, time.Now()
	c.writeCache(c.key("tools/list", nil), tools)
	return tools, nil
}

// destructive reports a tool whose annotations say it changes things, even
// if its name is allowed.
func destructive(t *mcp.Tool) bool {
	a := t.Annotations
	return a != nil && !a.ReadOnlyHint && a.DestructiveHint != nil && *a.DestructiveHint
}

// Call runs the allowed tool name with args (a JSON object), from the
// cache when it can. A tool-level failure is a Result with IsError; an
// error means the call could not be made (UnavailableError when the server
// cannot be used now).
func (c *Client) Call(ctx context.Context, name string, args json.RawMessage) (Result, error) {
	if !c.allowed[name] {
		return Result{}, fmt.Errorf("mcpdocs: tool %q is not an allowed documentation tool", name)
	}
	var argv map[string]any
	if len(args) > 0 {
		if err := json.Unmarshal(args, &argv); err != nil {
			return Result{Text: fmt.Sprintf("The arguments of %s must be a JSON object: %v", name, err), IsError: true}, nil
		}
	}
	key := c.key(name, argv)
	var r Result
	if c.readCache(key, &r) {
		r.Cached = true
		return r, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var res *mcp.CallToolResult
	err := c.do(ctx, func(s *mcp.ClientSession) error {
		var err error
		res, err = s.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: argv})
		return err
	})
	if err != nil {
		return Result{}, err
	}
	var b strings.Builder
	for _, ct := range res.Content {
		switch ct := ct.(type) {
		case *mcp.TextContent:
			b.WriteString(ct.Text)
		case *mcp.EmbeddedResource:
			if ct.Resource != nil {
				b.WriteString(ct.Resource.Text)
			}
		case *mcp.ResourceLink:
			fmt.Fprintf(&b, "%s %s", ct.Title, ct.URI)
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 && res.StructuredContent != nil {
		sc, _ := json.Marshal(res.StructuredContent)
		b.Write(sc)
	}
	r = Result{Text: strings.TrimSpace(b.String()), IsError: res.IsError}
	if !r.IsError {
		c.writeCache(key, r)
	}
	return r, nil
}

// do runs one request on the session, connecting first when needed,
// spacing requests, backing off on rate-limit errors and reconnecting once
// when the session was lost. c.mu is held.
func (c *Client) do(ctx context.Context, req func(*mcp.ClientSession) error) error {
	reconnected := false
	for attempt := 0; ; attempt++ {
		if err := c.wait(ctx); err != nil {
			return err
		}
		s, err := c.connect(ctx)
		if err != nil {
			var soon *tooSoonError
			return &UnavailableError{URL: c.o.URL, RateLimited: errors.As(err, &soon), Err: err}
		}
		err = req(s)
		if err == nil {
			return nil
		}
		var we *jsonrpc.Error
		var soon *tooSoonError
		switch {
		case errors.As(err, &soon):
			// Sending now would break the server's rate limit.
			return &UnavailableError{URL: c.o.URL, RateLimited: true, Err: err}
		case rateLimited(err):
			wait := c.o.Backoff << min(attempt, 8)
			c.cooldown = time.Now().Add(wait)
			c.log(slog.LevelWarn, "documentation server rate limited", "url", c.o.URL, "attempt", attempt+1, "wait", wait)
			if attempt >= c.o.MaxRetries {
				return &UnavailableError{URL: c.o.URL, RateLimited: true, Err: err}
			}
		case errors.As(err, &we):
			// The server answered with a protocol error: the session is
			// fine, the request is not.
			return &UnavailableError{URL: c.o.URL, Err: err}
		case ctx.Err() != nil:
			return &UnavailableError{URL: c.o.URL, Err: ctx.Err()}
		default:
			// Transport trouble or a lost session: start a new one, once.
			c.dropSession()
			if reconnected {
				return &UnavailableError{URL: c.o.URL, Err: err}
			}
			reconnected = true
			c.log(slog.LevelDebug, "documentation server session lost; reconnecting", "url", c.o.URL, "err", err)
		}
	}
}

// rateLimited reports a -32004 answer (or an HTTP 429). The SDK reports
// -32004, which JSON-RPC also uses for "server is closing", as
// mcp.ErrConnectionClosed with the server's message and without the code;
// the session stays usable, and if it was not, the retry after the
// backoff finds out and reconnects.
func rateLimited(err error) bool {
	var we *jsonrpc.Error
	if errors.As(err, &we) && we.Code == CodeRateLimited {
		return true
	}
	s := err.Error()
	if errors.Is(err, mcp.ErrConnectionClosed) && !strings.Contains(s, "client is closing") {
		return true
	}
	return strings.Contains(s, "429") && strings.Contains(strings.ToLower(s), "too many requests")
}

// wait sleeps until the cooldown after a rate-limit error is over, or
// fails at once with UnavailableError when that is past ctx's deadline.
// (Every request is also spaced by MinInterval, below the SDK: pace.go.)
func (c *Client) wait(ctx context.Context) error {
	d := time.Until(c.cooldown)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
		return &UnavailableError{URL: c.o.URL, RateLimited: true,
			Err: fmt.Errorf("the next request may be sent in %s, after the deadline", d.Round(time.Second))}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return &UnavailableError{URL: c.o.URL, Err: ctx.Err()}
	}
}

func (c *Client) connect(ctx context.Context) (*mcp.ClientSession, error) {
	if c.session != nil {
		return c.session, nil
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "vigil", Version: c.o.Version}, nil)
	t := &mcp.StreamableClientTransport{
		Endpoint:             c.o.URL,
		HTTPClient:           c.o.HTTPClient,
		MaxRetries:           1,
		DisableStandaloneSSE: true, // request/response only: no server-initiated messages are needed
	}
	s, err := client.Connect(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	c.session = s
	return s, nil
}

func (c *Client) dropSession() {
	if c.session != nil {
		c.session.Close()
		c.session = nil
	}
}

func (c *Client) log(level slog.Level, msg string, args ...any) {
	if c.o.Logger != nil {
		c.o.Logger.Log(context.Background(), level, msg, args...)
	}
}

// ---- disk cache ----

// key names a cache entry: the server, the tool and its arguments (a map,
// so encoding/json sorts the keys and equal arguments share an entry).
func (c *Client) key(tool string, args map[string]any) string {
	a, _ := json.Marshal(args)
	h := sha256.Sum256([]byte(c.o.URL + "\x00" + tool + "\x00" + string(a)))
	return hex.EncodeToString(h[:])
}

type cacheEntry struct {
	Stored time.Time       `json:"stored"`
	Value  json.RawMessage `json:"value"`
}

func (c *Client) readCache(key string, v any) bool {
	if c.o.CacheDir == "" {
		return false
	}
	b, err := os.ReadFile(filepath.Join(c.o.CacheDir, key+".json"))
	if err != nil {
		return false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil || time.Since(e.Stored) > c.o.CacheTTL || json.Unmarshal(e.Value, v) != nil {
		return false
	}
	return true
}

// writeCache stores v; failures only cost a future lookup, so they are
// logged, not returned.
func (c *Client) writeCache(key string, v any) {
	if c.o.CacheDir == "" {
		return
	}
	val, err := json.Marshal(v)
	if err == nil {
		err = writeFileAtomic(c.o.CacheDir, key+".json", cacheEntry{Stored: time.Now().UTC(), Value: val})
	}
	if err != nil {
		c.log(slog.LevelWarn, "documentation cache not written", "dir", c.o.CacheDir, "err", err)
	}
}

func writeFileAtomic(dir, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// MinInterval returns how far apart requests to the server are spaced.
func (c *Client) MinInterval() time.Duration { return c.o.MinInterval }
