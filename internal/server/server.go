// Package server is vigil's HTTP API: POST /events (what EventBridge API
// destinations and PutEvents-style clients send), POST /invocations (the
// Bedrock AgentCore runtime contract), /metrics for Prometheus, and /healthz
// and /readyz for orchestrators.
package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/store"
)

// Auth says which credentials the API accepts. With no keys and no basic
// auth users, every request is refused unless NoAuth is set.
type Auth struct {
	// APIKeys are accepted in Header or as "Authorization: Bearer KEY".
	APIKeys []string
	// Header is the API key header; "x-api-key" when empty.
	Header string
	// Basic maps usernames to passwords.
	Basic  map[string]string
	NoAuth bool
}

// Explainer produces the result of /invocations for an event. Run sets one
// that explains with the configured engine; a Server without one answers
// with the routing decision.
type Explainer func(ctx context.Context, ev *event.Event) (any, error)

// Server serves the HTTP API.
type Server struct {
	Ingester *ingest.Ingester
	Auth     Auth
	// Registry is served at /metrics; nil serves an empty registry.
	Registry *prometheus.Registry
	// Ready reports whether the process can accept events (database
	// reachable); nil means ready.
	Ready   func(ctx context.Context) error
	Explain Explainer
	// Explanations, when set, serves GET /explanations/{event id}: what
	// summarize targets wrote about an event.
	Explanations func(ctx context.Context, eventID string) ([]*store.Explanation, error)
	Logger       *slog.Logger

	draining atomic.Bool
}

// SetDraining makes /readyz fail so load balancers stop sending, while
// requests in flight finish.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	reg := s.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	mux.Handle("POST /events", s.authenticated(http.HandlerFunc(s.events)))
	mux.Handle("POST /invocations", s.authenticated(http.HandlerFunc(s.invocations)))
	mux.Handle("GET /explanations/{id}", s.authenticated(http.HandlerFunc(s.explanations)))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	return mux
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	if s.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

func (s *Server) authenticated(next http.Handler) http.Handler {
	header := s.Auth.Header
	if header == "" {
		header = "x-api-key"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Auth.NoAuth || s.authorized(r, header) {
			next.ServeHTTP(w, r)
			return
		}
		if len(s.Auth.Basic) > 0 {
			w.Header().Set("WWW-Authenticate", `Basic realm="vigil"`)
		}
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or invalid credentials: send an API key in " + header + " or Authorization: Bearer, or basic auth"})
	})
}

func (s *Server) authorized(r *http.Request, header string) bool {
	var key string
	if v := r.Header.Get(header); v != "" {
		key = v
	} else if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		key = strings.TrimSpace(v)
	}
	if key != "" {
		for _, k := range s.Auth.APIKeys {
			if subtle.ConstantTimeCompare([]byte(key), []byte(k)) == 1 {
				return true
			}
		}
	}
	if u, p, ok := r.BasicAuth(); ok {
		if want, found := s.Auth.Basic[u]; found && subtle.ConstantTimeCompare([]byte(p), []byte(want)) == 1 {
			return true
		}
	}
	return false
}

// maxBody is the largest request body: PutEvents' limit for a whole
// request, which is also the limit for one event.
const maxBody = event.MaxSize

// readBody reads at most maxBody bytes; tooLarge is true when there was
// more.
func readBody(r *http.Request) (b []byte, tooLarge bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, false, err
	}
	return b, len(b) > maxBody, nil
}

// PutEventsResponse is the answer to POST /events, shaped as EventBridge's
// PutEvents response.
type PutEventsResponse struct {
	FailedEntryCount int          `json:"FailedEntryCount"`
	Entries          []EntryReply `json:"Entries,omitempty"`
	// Error summarises why the request was rejected (400/413/503).
	Error string `json:"error,omitempty"`
}

// EntryReply is the result for one entry: EventId, or ErrorCode and
// ErrorMessage.
type EntryReply struct {
	EventID      string `json:"EventId,omitempty"`
	Duplicate    bool   `json:"Duplicate,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	body, tooLarge, err := readBody(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, PutEventsResponse{Error: "reading the request body: " + err.Error()})
		return
	}
	if tooLarge {
		writeJSON(w, http.StatusRequestEntityTooLarge, PutEventsResponse{Error: fmt.Sprintf("request body is larger than %d bytes (256 KB, EventBridge's limit)", maxBody)})
		return
	}
	raws, entryErrs, err := SplitEvents(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, PutEventsResponse{Error: err.Error()})
		return
	}
	// Entries that could not even be made into events are answered
	// without going through the ingester.
	var valid [][]byte
	var at []int
	for i, raw := range raws {
		if entryErrs[i] == nil {
			valid = append(valid, raw)
			at = append(at, i)
		}
	}
	results := make([]ingest.Result, len(raws))
	for i, e := range entryErrs {
		if e != nil {
			results[i].Err = e
		}
	}
	if len(valid) > 0 {
		for j, res := range s.Ingester.Accept(r.Context(), "http", valid) {
			results[at[j]] = res
		}
	}
	resp := PutEventsResponse{Entries: make([]EntryReply, len(results))}
	bad, internal := 0, 0
	for i, res := range results {
		if res.Err == nil {
			resp.Entries[i] = EntryReply{EventID: res.EventID, Duplicate: res.Duplicate}
			continue
		}
		resp.FailedEntryCount++
		var ie *ingest.Error
		if errors.As(res.Err, &ie) {
			bad++
			resp.Entries[i] = EntryReply{ErrorCode: ie.Code, ErrorMessage: ie.Error()}
		} else {
			internal++
			resp.Entries[i] = EntryReply{ErrorCode: "InternalFailure", ErrorMessage: "not stored, send again: " + res.Err.Error()}
			s.Logger.Error("storing event failed", "error", res.Err.Error())
		}
	}
	status := http.StatusOK
	switch {
	case internal > 0 && internal == len(results)-bad:
		// Nothing valid was stored: tell the sender to retry.
		status = http.StatusServiceUnavailable
		resp.Error = "events not stored; send again"
	case bad == len(results):
		status = http.StatusBadRequest
		resp.Error = resp.Entries[0].ErrorMessage
		if len(results) > 1 {
			resp.Error = fmt.Sprintf("all %d entries are invalid; first: %s", len(results), resp.Error)
		}
	}
	writeJSON(w, status, resp)
}

// SplitEvents reads a POST /events body: one event object, a JSON array of
// events, or PutEvents' {"Entries": [...]}, whose entries are turned into
// events. entryErrs[i] is set for an entry that could not be turned into an
// event (the entry is then an empty placeholder in raws).
func SplitEvents(body []byte) (raws [][]byte, entryErrs []error, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, errors.New("empty body: send an event, an array of events or {\"Entries\": [...]}")
	}
	switch body[0] {
	case '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(body, &arr); err != nil {
			return nil, nil, fmt.Errorf("body is not a JSON array of events: %v", err)
		}
		if len(arr) == 0 {
			return nil, nil, errors.New("empty array: no events")
		}
		raws = make([][]byte, len(arr))
		for i, a := range arr {
			raws[i] = a
		}
		return raws, make([]error, len(raws)), nil
	case '{':
		var probe struct {
			Entries *[]putEventsEntry `json:"Entries"`
			Source  json.RawMessage   `json:"source"`
		}
		if err := json.Unmarshal(body, &probe); err == nil && probe.Entries != nil && probe.Source == nil {
			entries := *probe.Entries
			if len(entries) == 0 {
				return nil, nil, errors.New("Entries is empty")
			}
			raws = make([][]byte, len(entries))
			entryErrs = make([]error, len(entries))
			for i, e := range entries {
				raws[i], entryErrs[i] = e.event()
				if entryErrs[i] != nil {
					raws[i] = []byte(`{}`)
				}
			}
			return raws, entryErrs, nil
		}
		return [][]byte{body}, make([]error, 1), nil
	}
	return nil, nil, errors.New("body is not JSON: send an event object, an array of events or {\"Entries\": [...]}")
}

// putEventsEntry is one PutEventsRequestEntry.
type putEventsEntry struct {
	Source       string   `json:"Source"`
	DetailType   string   `json:"DetailType"`
	Detail       string   `json:"Detail"`
	Resources    []string `json:"Resources"`
	Time         any      `json:"Time"`
	EventBusName string   `json:"EventBusName"`
	Account      string   `json:"Account"`
	Region       string   `json:"Region"`
}

// event builds the envelope EventBridge would deliver for the entry.
func (e putEventsEntry) event() ([]byte, error) {
	switch {
	case e.Source == "":
		return nil, &ingest.Error{Code: "InvalidArgument", Err: errors.New("Parameter Source is not valid. Reason: Source is a required argument.")}
	case e.DetailType == "":
		return nil, &ingest.Error{Code: "InvalidArgument", Err: errors.New("Parameter DetailType is not valid. Reason: DetailType is a required argument.")}
	case e.Detail == "":
		return nil, &ingest.Error{Code: "InvalidArgument", Err: errors.New("Parameter Detail is not valid. Reason: Detail is a required argument.")}
	}
	var detail json.RawMessage
	if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil || !bytes.HasPrefix(bytes.TrimSpace(detail), []byte("{")) {
		return nil, &ingest.Error{Code: "MalformedDetail", Err: errors.New("Detail is malformed: it must be a JSON object")}
	}
	t := time.Now().UTC()
	switch v := e.Time.(type) {
	case float64: // the SDK sends epoch seconds
		t = time.Unix(int64(v), 0).UTC()
	case string:
		if p, err := time.Parse(time.RFC3339, v); err == nil {
			t = p.UTC()
		}
	}
	res := e.Resources
	if res == nil {
		res = []string{}
	}
	env := struct {
		Version    string          `json:"version"`
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Time       string          `json:"time"`
		Region     string          `json:"region"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}{"0", ingest.NewID(), e.DetailType, e.Source, e.Account, t.Format(time.RFC3339), e.Region, res, detail}
	return json.Marshal(env)
}

// invocationResponse is the AgentCore runtime contract's answer.
type invocationResponse struct {
	StatusCode int    `json:"statusCode"`
	Body       string `json:"body"`
}

// invocationBody is the JSON carried (as a string) in Body.
type invocationBody struct {
	AlertSource string `json:"alert_source,omitempty"`
	SourceField string `json:"source_field,omitempty"`
	Result      any    `json:"result,omitempty"`
	Error       string `json:"error,omitempty"`
	ErrorCode   string `json:"error_code,omitempty"`
}

// invocations takes one event, stores and routes it like POST /events, and
// answers synchronously with the explanation (for now: the routing
// decision).
func (s *Server) invocations(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, b invocationBody) {
		j, _ := json.Marshal(b)
		writeJSON(w, status, invocationResponse{StatusCode: status, Body: string(j)})
	}
	body, tooLarge, err := readBody(r)
	if err != nil {
		reply(http.StatusBadRequest, invocationBody{Error: err.Error(), ErrorCode: "InvalidArgument"})
		return
	}
	if tooLarge {
		reply(http.StatusRequestEntityTooLarge, invocationBody{Error: fmt.Sprintf("event is larger than %d bytes", maxBody), ErrorCode: "EntrySizeTooLarge"})
		return
	}
	ev, err := ingest.Parse(bytes.TrimSpace(body))
	if err != nil {
		var ie *ingest.Error
		errors.As(err, &ie)
		reply(http.StatusBadRequest, invocationBody{Error: err.Error(), ErrorCode: ie.Code})
		return
	}
	res := s.Ingester.Accept(r.Context(), "invocations", [][]byte{ev.Raw})[0]
	if res.Err != nil {
		s.Logger.Error("invocation failed", "event_id", ev.ID, "error", res.Err.Error())
		reply(http.StatusInternalServerError, invocationBody{Error: res.Err.Error(), ErrorCode: "InternalFailure"})
		return
	}
	out := invocationBody{AlertSource: alertSource(ev), SourceField: sourceField(ev)}
	if s.Explain != nil {
		x, err := s.Explain(r.Context(), ev)
		if err != nil {
			reply(http.StatusInternalServerError, invocationBody{AlertSource: out.AlertSource, SourceField: out.SourceField, Error: err.Error(), ErrorCode: "ExplainFailed"})
			return
		}
		out.Result = x
	} else {
		dec := res.Decision
		if dec == nil { // a duplicate: say what it was routed to
			dec, err = s.Ingester.Table().Route(ev, time.Now(), nil)
			if err != nil {
				reply(http.StatusInternalServerError, invocationBody{Error: err.Error(), ErrorCode: "InternalFailure"})
				return
			}
		}
		out.Result = struct {
			Routing   any  `json:"routing"`
			Duplicate bool `json:"duplicate"`
		}{dec, res.Duplicate}
	}
	reply(http.StatusOK, out)
}

// explanations answers GET /explanations/{id}[?format=markdown|text]: the
// explanations summarize targets stored for an event, as JSON (a list), or
// rendered one after another.
func (s *Server) explanations(w http.ResponseWriter, r *http.Request) {
	if s.Explanations == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "explanations are not kept by this server"})
		return
	}
	id := r.PathValue("id")
	xs, err := s.Explanations(r.Context(), id)
	if err != nil {
		s.Logger.Error("reading explanations", "event_id", id, "error", err.Error())
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "reading explanations failed"})
		return
	}
	if len(xs) == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no explanation of event " + id + " (is a summarize target on a rule it matched?)"})
		return
	}
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		type item struct {
			Rule        string          `json:"rule"`
			Target      string          `json:"target"`
			Lang        string          `json:"lang"`
			Engine      string          `json:"engine"`
			CreatedAt   time.Time       `json:"created_at"`
			Explanation json.RawMessage `json:"explanation"`
		}
		out := make([]item, len(xs))
		for i, x := range xs {
			out[i] = item{x.Rule, x.Target, x.Lang, x.Engine, x.CreatedAt.UTC(), x.Body}
		}
		writeJSON(w, http.StatusOK, out)
	case "markdown", "text":
		var buf bytes.Buffer
		for i, x := range xs {
			var e explain.Explanation
			if err := json.Unmarshal(x.Body, &e); err != nil {
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "a stored explanation is unreadable"})
				return
			}
			if i > 0 {
				buf.WriteString("\n---\n\n")
			}
			if format == "markdown" {
				buf.Write(explain.RenderMarkdown(&e))
			} else {
				buf.Write(explain.RenderText(&e))
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(buf.Bytes())
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "format: want json, markdown or text, got " + format})
	}
}

// alertSource names the kind of alert (securityhub, guardduty, ...), or
// the event's source when vigil has no view of it.
func alertSource(ev *event.Event) string {
	if k := ev.Kind(); k != "" && k != event.KindOther {
		return string(k)
	}
	return ev.Source
}

// sourceField is where in the event the alert is: the findings array for
// Security Hub, the detail for everything else.
func sourceField(ev *event.Event) string {
	if ev.Kind() == event.KindSecurityHub {
		return "detail.findings"
	}
	return "detail"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
