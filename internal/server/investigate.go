package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/vigilhq/vigil/internal/investigate"
)

// investigateRoutes serves investigation: GET /investigate/timeline,
// /investigate/related and /investigate/entity, each with the entity as
// ?entity=ENTITY or as the rest of the path (an ARN, an access key id or
// an IP address), as vigil investigate does.
func (s *Server) investigateRoutes(mux *http.ServeMux) {
	for _, p := range []string{"/investigate/timeline", "/investigate/related", "/investigate/entity"} {
		h := s.authenticated(http.HandlerFunc(s.investigate))
		mux.Handle("GET "+p, h)
		mux.Handle("GET "+p+"/{entity...}", h)
	}
}

func (s *Server) investigate(w http.ResponseWriter, r *http.Request) {
	if s.Investigate == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "investigation is not available on this server"})
		return
	}
	q := r.URL.Query()
	name := r.PathValue("entity")
	if name == "" {
		name = q.Get("entity")
	}
	e, err := investigate.ParseEntity(name)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	bad := func(format string, err error) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": format + ": " + err.Error()})
	}
	limit := 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "limit: want a positive number, got " + strconv.Quote(v)})
			return
		}
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "text" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "format: want json or text, got " + strconv.Quote(format)})
		return
	}
	var out any
	var text func() error
	inv := s.Investigate
	path := r.URL.Path
	switch {
	case hasSegment(path, "/investigate/timeline"):
		var tq investigate.TimelineQuery
		tq.Limit, tq.Lang = limit, q.Get("lang")
		for _, f := range []struct {
			name string
			dst  *time.Time
		}{{"since", &tq.Since}, {"until", &tq.Until}} {
			if v := q.Get(f.name); v != "" {
				if *f.dst, err = time.Parse(time.RFC3339, v); err != nil {
					bad(f.name, errors.New("want an RFC 3339 time such as 2023-07-10T11:00:00Z, got "+strconv.Quote(v)))
					return
				}
			}
		}
		tl, err := inv.Timeline(r.Context(), e, tq)
		if err != nil {
			s.investigateError(w, err)
			return
		}
		out, text = tl, func() error { return investigate.WriteTimeline(w, tl) }
	case hasSegment(path, "/investigate/related"):
		rel, err := inv.Related(r.Context(), e, limit)
		if err != nil {
			s.investigateError(w, err)
			return
		}
		out, text = rel, func() error { return investigate.WriteRelated(w, rel) }
	default:
		sum, err := inv.Entity(r.Context(), e)
		if err != nil {
			s.investigateError(w, err)
			return
		}
		out, text = sum, func() error { return investigate.WriteSummary(w, sum) }
	}
	if format == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		text()
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// hasSegment reports whether path is prefix or continues it with a slash.
func hasSegment(path, prefix string) bool {
	return path == prefix || len(path) > len(prefix) && path[:len(prefix)+1] == prefix+"/"
}

func (s *Server) investigateError(w http.ResponseWriter, err error) {
	if investigate.IsNotFound(err) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	if investigate.IsBadQuery(err) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.Logger.Error("investigate", "error", err.Error())
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "investigation query failed"})
}
