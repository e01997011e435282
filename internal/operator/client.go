package operator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client carries out the operator verbs by asking a running vigil serve
// (its /api/v1 routes), authenticated with an API key.
type Client struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8080.
	URL string
	// APIKey is sent as "Authorization: Bearer KEY".
	APIKey string
	// HTTP makes the requests; one with a 60s timeout when nil.
	HTTP *http.Client
}

var _ API = (*Client)(nil)

// maxAnswer bounds what the client reads of one answer.
const maxAnswer = 64 << 20

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := strings.TrimRight(c.URL, "/") + "/api/v1/" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("asking vigil serve at %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("reading vigil serve's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		if resp.StatusCode == http.StatusUnauthorized {
			msg += " (set VIGIL_API_KEY to one of the server's server.api_keys)"
		}
		return &Error{Status: resp.StatusCode, Message: msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("vigil serve's answer to %s %s is not what this vigil expects (%v); are both the same version?", method, path, err)
	}
	return nil
}

func timeParam(q url.Values, name string, t time.Time) {
	if !t.IsZero() {
		q.Set(name, t.UTC().Format(time.RFC3339Nano))
	}
}

// Silences implements API.
func (c *Client) Silences(ctx context.Context, all bool) ([]Silence, error) {
	q := url.Values{}
	if all {
		q.Set("all", "true")
	}
	var out []Silence
	return out, c.do(ctx, "GET", "silences", q, nil, &out)
}

// AddSilence implements API.
func (c *Client) AddSilence(ctx context.Context, s NewSilence) (*Silence, error) {
	var out Silence
	if err := c.do(ctx, "POST", "silences", nil, s, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExpireSilence implements API.
func (c *Client) ExpireSilence(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "silences/"+url.PathEscape(id), nil, nil, nil)
}

// DeadLetters implements API.
func (c *Client) DeadLetters(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error) {
	q := url.Values{}
	if f.Rule != "" {
		q.Set("rule", f.Rule)
	}
	if f.Target != "" {
		q.Set("target", f.Target)
	}
	if f.All {
		q.Set("all", "true")
	}
	var out []DeadLetter
	return out, c.do(ctx, "GET", "deadletters", q, nil, &out)
}

// DeadLetter implements API.
func (c *Client) DeadLetter(ctx context.Context, job int64) (*DeadLetter, error) {
	var out DeadLetter
	if err := c.do(ctx, "GET", "deadletters/"+strconv.FormatInt(job, 10), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Redrive implements API.
func (c *Client) Redrive(ctx context.Context, r RedriveRequest) ([]Redriven, error) {
	var out []Redriven
	return out, c.do(ctx, "POST", "deadletters/redrive", nil, r, &out)
}

// Events implements API.
func (c *Client) Events(ctx context.Context, f EventFilter) ([]Event, error) {
	q := url.Values{}
	timeParam(q, "since", f.Since)
	timeParam(q, "until", f.Until)
	if f.Source != "" {
		q.Set("source", f.Source)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out []Event
	return out, c.do(ctx, "GET", "events", q, nil, &out)
}

// Event implements API.
func (c *Client) Event(ctx context.Context, id string) (*Event, error) {
	var out Event
	if err := c.do(ctx, "GET", "events/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Rules implements API.
func (c *Client) Rules(ctx context.Context) ([]Rule, error) {
	var out []Rule
	return out, c.do(ctx, "GET", "rules", nil, nil, &out)
}

// TestEvent implements API.
func (c *Client) TestEvent(ctx context.Context, raw []byte) (*Decision, error) {
	if !json.Valid(raw) {
		return nil, badRequest("event: not JSON")
	}
	var out Decision
	if err := c.do(ctx, "POST", "rules/test", nil, json.RawMessage(raw), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Replay implements API.
func (c *Client) Replay(ctx context.Context, r ReplayRequest) (*ReplayResult, error) {
	var out ReplayResult
	if err := c.do(ctx, "POST", "replay", nil, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
