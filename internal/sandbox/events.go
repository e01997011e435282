package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// event is an EventBridge event as AWS delivers it.
type event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// newEvent builds an event; the caller holds mu (for the id).
func (sb *Sandbox) newEvent(detailType, source, acct, region string, t time.Time, resources []string, detail []byte) event {
	if resources == nil {
		resources = []string{}
	}
	return event{Version: "0", ID: sb.st.uuid(), DetailType: detailType, Source: source, Account: acct,
		Time: t.UTC().Format("2006-01-02T15:04:05Z"), Region: region, Resources: resources, Detail: detail}
}

// emit posts an event to the events URL, if one is configured; the
// caller holds mu.
func (sb *Sandbox) emit(e event) {
	if sb.sink == nil {
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	sb.sink.add(b)
}

// eventSink posts events to a vigil URL (POST /events takes a JSON array
// of events with the API key in x-api-key), in batches of up to ten, with
// a few retries. Its queue is bounded: when vigil is down for long, the
// oldest events are dropped and counted.
type eventSink struct {
	url, apiKey string
	client      *http.Client
	log         *slog.Logger

	mu      sync.Mutex
	cond    *sync.Cond
	queue   [][]byte
	busy    bool // a batch is being posted
	closed  bool
	dropped int
	posted  int
	failed  int
}

const (
	maxQueuedEvents = 10_000
	eventBatch      = 10
)

func newEventSink(url, apiKey string, log *slog.Logger) *eventSink {
	s := &eventSink{url: url, apiKey: apiKey, log: log, client: &http.Client{Timeout: 10 * time.Second}}
	s.cond = sync.NewCond(&s.mu)
	go s.run()
	return s
}

func (s *eventSink) add(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) >= maxQueuedEvents {
		s.queue = s.queue[1:]
		s.dropped++
	}
	s.queue = append(s.queue, b)
	s.cond.Broadcast()
}

func (s *eventSink) run() {
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.queue) == 0 && s.closed {
			s.mu.Unlock()
			return
		}
		n := min(len(s.queue), eventBatch)
		batch := s.queue[:n:n]
		s.queue = s.queue[n:]
		s.busy = true
		s.mu.Unlock()

		err := s.post(batch)

		s.mu.Lock()
		s.busy = false
		if err != nil {
			s.failed += len(batch)
			s.log.Warn("sandbox: posting events failed; they are dropped", "url", s.url, "events", len(batch), "error", err)
		} else {
			s.posted += len(batch)
		}
		s.cond.Broadcast()
		s.mu.Unlock()
	}
}

// post sends one batch, retrying a network error or a 5xx or 429 three
// times with a growing pause.
func (s *eventSink) post(batch [][]byte) error {
	body := append([]byte("["), bytes.Join(batch, []byte(","))...)
	body = append(body, ']')
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt*attempt) * 200 * time.Millisecond)
		}
		var req *http.Request
		req, err = http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if s.apiKey != "" {
			req.Header.Set("X-Api-Key", s.apiKey)
		}
		var resp *http.Response
		resp, err = s.client.Do(req)
		if err != nil {
			continue
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		if resp.StatusCode < 300 {
			return nil
		}
		err = fmt.Errorf("%s answered %d: %s", s.url, resp.StatusCode, bytes.TrimSpace(msg))
		if resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			return err
		}
	}
	return err
}

// flush waits until every queued event has been posted (or given up on),
// or ctx ends.
func (s *eventSink) flush(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.mu.Lock()
		for len(s.queue) > 0 || s.busy {
			s.cond.Wait()
		}
		s.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
		return ctx.Err()
	}
}

func (s *eventSink) close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
}

// EventStats says how many events were posted to the events URL, failed
// after retries, or were dropped from a full queue.
type EventStats struct {
	Posted  int `json:"posted"`
	Failed  int `json:"failed"`
	Dropped int `json:"dropped"`
	Queued  int `json:"queued"`
}
