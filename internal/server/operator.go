package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vigilhq/vigil/internal/operator"
)

// The operator API: what vigil silence, vigil deadletters, vigil events,
// vigil rules and vigil replay do, over HTTP with the server's
// credentials, so the CLI (--server URL) and other tools can work on a
// running vigil instead of opening its database file.
//
//	GET    /api/v1/silences[?all=true]          list
//	POST   /api/v1/silences                     add (operator.NewSilence)
//	DELETE /api/v1/silences/{id}                expire now
//	GET    /api/v1/deadletters[?rule&target&all] list
//	GET    /api/v1/deadletters/{job}            one, with its payload
//	POST   /api/v1/deadletters/redrive          operator.RedriveRequest
//	GET    /api/v1/events[?since&until&source&limit] stored events, newest first
//	GET    /api/v1/events/{id}                  one, with the event
//	GET    /api/v1/rules                        the rules in force
//	POST   /api/v1/rules/test                   an event in, the routing decision out
//	POST   /api/v1/replay                       operator.ReplayRequest

// operatorRoutes adds the operator API to mux.
func (s *Server) operatorRoutes(mux *http.ServeMux) {
	handle := func(pattern string, f func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error)) {
		mux.Handle(pattern, s.authenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.Operator == nil {
				writeJSON(w, http.StatusNotImplemented, map[string]string{"error": "this server has no operator API"})
				return
			}
			out, err := f(w, r, s.Operator)
			if err != nil {
				status := operator.StatusOf(err)
				msg := err.Error()
				if status == http.StatusInternalServerError {
					s.Logger.Error("operator API", "path", r.URL.Path, "error", msg)
				}
				writeJSON(w, status, map[string]string{"error": msg})
				return
			}
			if out == nil {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})))
	}
	handle("GET /api/v1/silences", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		all, err := boolParam(r, "all")
		if err != nil {
			return nil, err
		}
		return api.Silences(r.Context(), all)
	})
	handle("POST /api/v1/silences", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		var n operator.NewSilence
		if err := decodeBody(r, &n); err != nil {
			return nil, err
		}
		return api.AddSilence(r.Context(), n)
	})
	handle("DELETE /api/v1/silences/{id}", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		return nil, api.ExpireSilence(r.Context(), r.PathValue("id"))
	})
	handle("GET /api/v1/deadletters", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		all, err := boolParam(r, "all")
		if err != nil {
			return nil, err
		}
		q := r.URL.Query()
		return api.DeadLetters(r.Context(), operator.DeadLetterFilter{Rule: q.Get("rule"), Target: q.Get("target"), All: all})
	})
	handle("GET /api/v1/deadletters/{job}", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		job, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
		if err != nil {
			return nil, &operator.Error{Status: 400, Message: fmt.Sprintf("job: want a number, got %q", r.PathValue("job"))}
		}
		return api.DeadLetter(r.Context(), job)
	})
	handle("POST /api/v1/deadletters/redrive", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		var req operator.RedriveRequest
		if err := decodeBody(r, &req); err != nil {
			return nil, err
		}
		return api.Redrive(r.Context(), req)
	})
	handle("GET /api/v1/events", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		var f operator.EventFilter
		var err error
		if f.Since, err = timeParam(r, "since"); err != nil {
			return nil, err
		}
		if f.Until, err = timeParam(r, "until"); err != nil {
			return nil, err
		}
		f.Source = r.URL.Query().Get("source")
		if v := r.URL.Query().Get("limit"); v != "" {
			if f.Limit, err = strconv.Atoi(v); err != nil {
				return nil, &operator.Error{Status: 400, Message: fmt.Sprintf("limit: want a number, got %q", v)}
			}
		}
		return api.Events(r.Context(), f)
	})
	handle("GET /api/v1/events/{id}", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		return api.Event(r.Context(), r.PathValue("id"))
	})
	handle("GET /api/v1/rules", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		return api.Rules(r.Context())
	})
	handle("POST /api/v1/rules/test", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		body, tooLarge, err := readBody(r, maxEventsBody)
		switch {
		case err != nil:
			return nil, &operator.Error{Status: 400, Message: "reading the event: " + err.Error()}
		case tooLarge:
			return nil, &operator.Error{Status: 413, Message: fmt.Sprintf("the event is larger than %d bytes", maxEventsBody)}
		}
		return api.TestEvent(r.Context(), body)
	})
	handle("POST /api/v1/replay", func(w http.ResponseWriter, r *http.Request, api operator.API) (any, error) {
		var req operator.ReplayRequest
		if err := decodeBody(r, &req); err != nil {
			return nil, err
		}
		return api.Replay(r.Context(), req)
	})
}

// decodeBody reads a JSON request of at most 1 MB into v, strictly.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &operator.Error{Status: 400, Message: "empty body: send a JSON object"}
		}
		return &operator.Error{Status: 400, Message: "request body: " + err.Error()}
	}
	return nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &operator.Error{Status: 400, Message: fmt.Sprintf("%s: want true or false, got %q", name, v)}
	}
	return b, nil
}

func timeParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, &operator.Error{Status: 400, Message: fmt.Sprintf("%s: want an RFC 3339 time such as 2026-12-01T09:00:00Z, got %q", name, v)}
	}
	return t, nil
}
