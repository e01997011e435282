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
	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/internal/remediate"
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
	Basic map[string]string
	// AccessKeys maps AWS access key ids to secret access keys: requests
	// signed with SigV4 by one of them are accepted (sigv4.go).
	AccessKeys map[string]string
	NoAuth     bool
}

// Explainer produces the result of /invocations for an event. Run sets one
// that explains with the configured engine; a Server without one answers
// with the routing decision.
type Explainer func(ctx context.Context, ev *event.Event) (any, error)

// Server serves the HTTP API.
type Server struct {
	Ingester *ingest.Ingester
	// Metrics says who may read /metrics: the API's credentials when
	// zero.
	Metrics MetricsAuth
	Auth    Auth
	// Registry is served at /metrics; nil serves an empty registry.
	Registry *prometheus.Registry
	// Ready reports whether the process can accept events (database
	// reachable); nil means ready.
	Ready   func(ctx context.Context) error
	Explain Explainer
	// Explanations, when set, serves GET /explanations/{event id}: what
	// summarize targets wrote about an event.
	Explanations func(ctx context.Context, eventID string) ([]*store.Explanation, error)
	// Operator, when set, serves the operator API under /api/v1
	// (operator.go).
	Operator operator.API
	// Investigate, when set, serves GET /investigate/... (investigate.go).
	Investigate *investigate.Service
	// Reload, when set, serves POST /-/reload: read the configuration
	// file again and switch to it, or keep the running one and say why.
	Reload func(ctx context.Context) (*ReloadResult, error)
	// Asker, when set, serves POST /ask; with AskSlack, POST /slack/ask.
	Asker    *ask.Asker
	AskSlack *AskSlack
	// Remediation, when set, serves /approvals and /remediations.
	Remediation *remediate.Service
	// SlackSigningSecret, when set with Remediation, serves
	// /slack/interactions (approval buttons).
	SlackSigningSecret string
	// Console, when set, serves the web console under /ui/.
	Console http.Handler
	Logger  *slog.Logger

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
	mux.HandleFunc("POST /{$}", s.awsAPI) // EventBridge's API (awsapi.go)
	mux.Handle("POST /events", s.authenticated(http.HandlerFunc(s.events)))
	mux.Handle("POST /invocations", s.authenticated(http.HandlerFunc(s.invocations)))
	mux.Handle("GET /explanations/{id}", s.authenticated(http.HandlerFunc(s.explanations)))
	s.askRoutes(mux)
	if s.Remediation != nil {
		s.approvalRoutes(mux)
		s.remediationRoutes(mux)
		s.slackRoutes(mux)
	}
	s.investigateRoutes(mux)
	mux.Handle("GET /metrics", s.metrics(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	mux.Handle("POST /-/reload", s.authenticated(http.HandlerFunc(s.reload)))
	s.operatorRoutes(mux) // /api/v1/... (operator.go)
	if s.Console != nil {
		mux.Handle("/ui/", s.Console)
		mux.Handle("GET /ui", http.RedirectHandler("/ui/", http.StatusMovedPermanently))
	}
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
		if isSigV4(r) && len(s.Auth.AccessKeys) > 0 {
			if err := verifySigV4(r, s.Auth.AccessKeys, time.Now()); err != nil {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "SigV4: " + err.Error()})
				return
			}
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

// readBody reads at most limit bytes; tooLarge is true when there was
// more.
func readBody(r *http.Request, limit int) (b []byte, tooLarge bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, false, err
	}
	return b, len(b) > limit, nil
}

// PutEventsResponse is the answer to POST /events, shaped as EventBridge's
// PutEvents response. A request refused as a whole carries Error, and,
// when PutEvents-shaped, AWS's error Type and Message.
type PutEventsResponse struct {
	FailedEntryCount int          `json:"FailedEntryCount"`
	Entries          []EntryReply `json:"Entries,omitempty"`
	// Error summarises why the request was rejected (400/413/503).
	Error string `json:"error,omitempty"`
	// Type and Message are AWS's JSON error fields (__type:
	// ValidationException) for a PutEvents request refused as a whole.
	Type    string `json:"__type,omitempty"`
	Message string `json:"message,omitempty"`
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
	body, tooLarge, err := readBody(r, maxRequestBody)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, PutEventsResponse{Error: "reading the request body: " + err.Error()})
		return
	}
	if tooLarge {
		writeJSON(w, http.StatusRequestEntityTooLarge, PutEventsResponse{Error: fmt.Sprintf("request body is larger than %d bytes: send one event or up to %d events in at most 256 KB, or PutEvents entries totalling at most 256 KB", maxRequestBody, maxArrayEvents)})
		return
	}
	entries, raws, entryErrs, err := splitBody(body)
	if err != nil {
		resp := PutEventsResponse{Error: boundMessage(err.Error())}
		var re *RequestError
		if errors.As(err, &re) && re.Type != "" {
			resp.Type, resp.Message = re.Type, resp.Error
		}
		writeJSON(w, http.StatusBadRequest, resp)
		return
	}
	if !entries && len(body) > maxEventsBody {
		// One event or an array of events: EventBridge's event size
		// limit applies to the body as a whole.
		writeJSON(w, http.StatusRequestEntityTooLarge, PutEventsResponse{Error: fmt.Sprintf("request body is larger than %d bytes (256 KB, EventBridge's limit for events)", maxEventsBody)})
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
			resp.Entries[i] = EntryReply{ErrorCode: ie.Code, ErrorMessage: boundMessage(ie.Error())}
		} else {
			internal++
			resp.Entries[i] = EntryReply{ErrorCode: "InternalFailure", ErrorMessage: boundMessage("not stored, send again: " + res.Err.Error())}
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
			resp.Error = boundMessage(fmt.Sprintf("all %d entries are invalid; first: %s", len(results), resp.Error))
		}
	}
	writeJSON(w, status, resp)
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
	body, tooLarge, err := readBody(r, maxEventsBody)
	if err != nil {
		reply(http.StatusBadRequest, invocationBody{Error: err.Error(), ErrorCode: "InvalidArgument"})
		return
	}
	if tooLarge {
		reply(http.StatusRequestEntityTooLarge, invocationBody{Error: fmt.Sprintf("event is larger than %d bytes", maxEventsBody), ErrorCode: "EntrySizeTooLarge"})
		return
	}
	ev, err := ingest.Parse(bytes.TrimSpace(body))
	if err != nil {
		var ie *ingest.Error
		errors.As(err, &ie)
		reply(http.StatusBadRequest, invocationBody{Error: boundMessage(err.Error()), ErrorCode: ie.Code})
		return
	}
	res := s.Ingester.Accept(r.Context(), "invocations", [][]byte{ev.Raw})[0]
	if res.Err != nil {
		var ie *ingest.Error
		if errors.As(res.Err, &ie) {
			// Refused when stored (the database would not take it): bad
			// input still, never a server error.
			reply(http.StatusBadRequest, invocationBody{Error: boundMessage(ie.Error()), ErrorCode: ie.Code})
			return
		}
		s.Logger.Error("invocation failed", "event_id", ev.ID, "error", res.Err.Error())
		reply(http.StatusServiceUnavailable, invocationBody{Error: "event not stored, send again: " + boundMessage(res.Err.Error()), ErrorCode: "InternalFailure"})
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

// ReloadResult is what POST /-/reload answers after a reload.
type ReloadResult struct {
	Status string `json:"status"`
	Rules  int    `json:"rules"`
	// RestartNeeded names the changed sections that take effect only at
	// the next restart (database, server, jobs, sqs, explain).
	RestartNeeded []string `json:"restart_needed,omitempty"`
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if s.Reload == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "this server does not reload its configuration"})
		return
	}
	res, err := s.Reload(r.Context())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the configuration was not reloaded; the running one stays: " + err.Error()})
		return
	}
	res.Status = "reloaded"
	writeJSON(w, http.StatusOK, res)
}
