// Package webhook sends notifications as HTTP POST requests with a JSON body,
// the way EventBridge API destinations call an HTTP endpoint.
//
// Each request carries X-Vigil-Delivery, an id that stays the same across
// retries of one delivery, so a receiver can drop the duplicates that
// at-least-once delivery can produce (after a crash between sending and
// recording the success, for example).
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Message is one notification.
type Message struct {
	// ID identifies the delivery; it is sent as X-Vigil-Delivery.
	ID string
	// Attempt counts from 1; it is sent as X-Vigil-Attempt.
	Attempt int
	// Body is sent as is, with Content-Type application/json.
	Body []byte
}

// Notifier posts messages to one URL.
type Notifier struct {
	URL string
	// Headers are added to every request.
	Headers map[string]string
	// Client is used for requests; nil means a client with keep-alive and a
	// 30 s overall timeout (a context deadline takes precedence).
	Client *http.Client
}

var defaultClient = &http.Client{
	Timeout: 30 * time.Second,
	Transport: &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	},
}

// StatusError is returned for a response that is not 2xx.
type StatusError struct {
	URL    string
	Status int
	// Body is the start of the response body, for the error message.
	Body string
}

// Error says which URL answered what.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("webhook %s answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Notify posts m. retry is true when trying again can help: a network
// error, a timeout, 408, 429 or a 5xx; false for other 4xx answers, which
// mean the request itself is wrong.
func (n *Notifier) Notify(ctx context.Context, m Message) (retry bool, err error) {
	if n.URL == "" {
		return false, errors.New("webhook: no URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(m.Body))
	if err != nil {
		return false, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vigil")
	for k, v := range n.Headers {
		req.Header.Set(k, v)
	}
	if m.ID != "" {
		req.Header.Set("X-Vigil-Delivery", m.ID)
	}
	if m.Attempt > 0 {
		req.Header.Set("X-Vigil-Attempt", strconv.Itoa(m.Attempt))
	}
	c := n.Client
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return true, fmt.Errorf("webhook %s: %w", n.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return false, nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	e := &StatusError{URL: n.URL, Status: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
	retry = resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	return retry, e
}
