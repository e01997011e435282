// Package mcpdocstest runs a local MCP server, built with the official MCP
// Go SDK and served over Streamable HTTP on 127.0.0.1, that plays the AWS
// Knowledge MCP server for tests: aws___search_documentation and
// aws___read_documentation over a small fixture corpus, rate limits (tool
// calls answered with JSON-RPC -32004, and any request that comes too soon
// after the previous one answered with HTTP 429), and decoy tools that
// change things, which a correct client never exposes nor calls.
package mcpdocstest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Page is one document of the fixture corpus.
type Page struct {
	URL, Title, Text string
	Keywords         []string // a search matches a page when a word of the phrase is a keyword
}

// Corpus is the fixture corpus. The prose is written for these tests; the
// URLs are real AWS documentation pages.
var Corpus = []Page{
	{
		URL:      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7",
		Title:    "[EC2.7] EBS default encryption should be enabled - AWS Security Hub",
		Keywords: []string{"ec2.7", "ebs", "encryption", "default", "securityhub", "security", "hub"},
		Text: "# [EC2.7] EBS default encryption should be enabled\n\n" +
			"The control checks whether account-level encryption is enabled by default for Amazon EBS volumes. " +
			"It fails when default encryption is off.\n\n## Remediation\n\n" +
			"Turn on EBS encryption by default for the Region in the Amazon EC2 console (EC2 Dashboard, Account attributes, Data protection and security), " +
			"or run aws ec2 enable-ebs-encryption-by-default. See https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
	},
	{
		URL:      "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
		Title:    "Enable Amazon EBS encryption by default - Amazon EBS",
		Keywords: []string{"ebs", "encryption", "default", "kms"},
		Text: "# Enable Amazon EBS encryption by default\n\n" +
			"Encryption by default is a Region-specific setting. When it is on, new EBS volumes and snapshot copies are encrypted. " +
			"Existing unencrypted volumes are not changed. Use aws ec2 get-ebs-encryption-by-default to check the setting.",
	},
	{
		URL:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
		Title:    "Manage access keys for IAM users - AWS Identity and Access Management",
		Keywords: []string{"access", "key", "keys", "credentials", "exposed", "rotate", "iam", "aws_risk_credentials_exposed"},
		Text: "# Manage access keys for IAM users\n\n" +
			"If an access key may be exposed, deactivate it, create a new one, update applications, then delete the old key. " +
			"Review AWS CloudTrail for activity with the exposed key. Example account: 123456789012.",
	},
	{
		URL:      "https://docs.aws.amazon.com/health/latest/ug/aws-health-concepts-and-terms.html",
		Title:    "AWS Health concepts - AWS Health",
		Keywords: []string{"health", "event", "issue", "scheduledchange", "accountnotification"},
		Text:     "# AWS Health concepts\n\nAn AWS Health event is a notification sent on behalf of AWS services. Event type categories are issue, accountNotification, scheduledChange and investigation.",
	},
}

// Options shape a test server.
type Options struct {
	// RateLimitAll answers every tools/call with JSON-RPC -32004.
	RateLimitAll bool
	// RateLimitFirst answers the first n tools/call requests with -32004.
	RateLimitFirst int
	// MinInterval, when set, rejects every HTTP request (the handshake's
	// initialize and notifications/initialized, tools/list, tools/call,
	// the session's DELETE) that comes sooner than this after the previous
	// one, with HTTP 429, as the AWS Knowledge MCP server does with a
	// client that does not space its requests.
	MinInterval time.Duration
}

// Call is one tools/call the server received.
type Call struct {
	Tool string
	Args map[string]any
}

// Server is a running fixture MCP server.
type Server struct {
	// URL is the Streamable HTTP endpoint.
	URL string

	mu          sync.Mutex
	o           Options
	calls       []Call
	limited     int
	sessions    map[string]bool
	destructive int
	requests    int       // HTTP requests received
	tooSoon     int       // HTTP requests rejected for MinInterval
	last        time.Time // when the last accepted request arrived
}

// DecoyTools are tools the fixture server also lists that change things;
// they must never be offered to a model or called.
var DecoyTools = []string{"aws___terminate_instances", "remediate"}

type searchArgs struct {
	SearchPhrase string `json:"search_phrase" jsonschema:"the words to search for"`
	Limit        int    `json:"limit,omitempty" jsonschema:"the maximum number of results"`
}

type readArgs struct {
	URL        string `json:"url" jsonschema:"the URL of an AWS documentation page"`
	MaxLength  int    `json:"max_length,omitempty" jsonschema:"the maximum number of characters to return"`
	StartIndex int    `json:"start_index,omitempty" jsonschema:"the first character to return"`
}

// Start starts a server for the duration of t.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{o: o, sessions: map[string]bool{}}
	srv := mcp.NewServer(&mcp.Implementation{Name: "fixture-aws-knowledge", Version: "test"}, nil)
	ro := &mcp.ToolAnnotations{ReadOnlyHint: true}
	mcp.AddTool(srv, &mcp.Tool{Name: "aws___search_documentation", Description: "Search AWS documentation.", Annotations: ro},
		func(ctx context.Context, req *mcp.CallToolRequest, a searchArgs) (*mcp.CallToolResult, any, error) {
			if err := s.record("aws___search_documentation", req); err != nil {
				return nil, nil, err
			}
			return text(search(a.SearchPhrase, a.Limit)), nil, nil
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "aws___read_documentation", Description: "Read an AWS documentation page as Markdown.", Annotations: ro},
		func(ctx context.Context, req *mcp.CallToolRequest, a readArgs) (*mcp.CallToolResult, any, error) {
			if err := s.record("aws___read_documentation", req); err != nil {
				return nil, nil, err
			}
			for _, p := range Corpus {
				if p.URL == a.URL || strings.SplitN(p.URL, "#", 2)[0] == a.URL {
					body := p.Text
					if a.StartIndex > 0 && a.StartIndex < len(body) {
						body = body[a.StartIndex:]
					}
					if a.MaxLength > 0 && a.MaxLength < len(body) {
						body = body[:a.MaxLength]
					}
					return text(body), nil, nil
				}
			}
			r := text("No page at " + a.URL)
			r.IsError = true
			return r, nil, nil
		})
	yes := true
	for _, name := range DecoyTools {
		srv.AddTool(&mcp.Tool{Name: name, Description: "Terminates EC2 instances or applies a remediation.",
			InputSchema: map[string]any{"type": "object"}, Annotations: &mcp.ToolAnnotations{DestructiveHint: &yes}},
			func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				s.mu.Lock()
				s.destructive++
				s.mu.Unlock()
				return text("done"), nil
			})
	}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server {
		return srv
	}, &mcp.StreamableHTTPOptions{JSONResponse: true})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.admit() {
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, r)
		if id := w.Header().Get("Mcp-Session-Id"); id != "" {
			s.mu.Lock()
			s.sessions[id] = true
			s.mu.Unlock()
		}
	}))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// admit counts a request and says whether it respects MinInterval.
func (s *Server) admit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	now := time.Now()
	if s.o.MinInterval > 0 && !s.last.IsZero() && now.Sub(s.last) < s.o.MinInterval {
		s.tooSoon++
		return false
	}
	s.last = now
	return true
}

// Requests returns how many HTTP requests the server received, and how
// many of them it rejected for coming sooner than MinInterval.
func (s *Server) Requests() (total, tooSoon int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.tooSoon
}

// record logs a call and says whether it is rate limited.
func (s *Server) record(tool string, req *mcp.CallToolRequest) error {
	var args map[string]any
	json.Unmarshal(req.Params.Arguments, &args)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Tool: tool, Args: args})
	if s.o.RateLimitAll || s.limited < s.o.RateLimitFirst {
		s.limited++
		return &jsonrpc.Error{Code: -32004, Message: "Rate limit exceeded. Please try again later."}
	}
	return nil
}

// Calls returns the tools/call requests received so far, rate-limited ones
// included.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// RateLimited returns how many calls were answered with -32004.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Sessions returns how many sessions the server handed out.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// DestructiveCalls returns how many times a decoy tool was called.
func (s *Server) DestructiveCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.destructive
}

func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// search ranks pages by how many words of the phrase are keywords, and
// answers with the JSON the AWS Knowledge MCP server uses.
func search(phrase string, limit int) string {
	if limit <= 0 {
		limit = 5
	}
	type hit struct {
		Rank    int    `json:"rank_order"`
		URL     string `json:"url"`
		Title   string `json:"title"`
		Context string `json:"context"`
		score   int
	}
	var hits []hit
	words := strings.Fields(strings.ToLower(phrase))
	for _, p := range Corpus {
		score := 0
		for _, w := range words {
			for _, k := range p.Keywords {
				if strings.Trim(w, ".,:;()[]\"'") == k {
					score++
				}
			}
		}
		if score > 0 {
			ctx := p.Text
			if len(ctx) > 160 {
				ctx = ctx[:160]
			}
			hits = append(hits, hit{URL: p.URL, Title: p.Title, Context: ctx, score: score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	for i := range hits {
		hits[i].Rank = i + 1
	}
	b, _ := json.Marshal(hits)
	if len(hits) == 0 {
		return fmt.Sprintf("[] (no results for %q)", phrase)
	}
	return string(b)
}
