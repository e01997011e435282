package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/remediate"
)

// Remediations API:
//
//	GET  /remediations[?status=&limit=]   newest first
//	GET  /remediations/{id}               with approval, steps and audit trail
//	POST /remediations                    {"event": {...}, "playbooks": [...], "by": "NAME"}
//	POST /remediations/{id}/rollback      {"by": "NAME"}
func (s *Server) remediationRoutes(mux *http.ServeMux) {
	mux.Handle("GET /remediations", s.authenticated(http.HandlerFunc(s.listRemediations)))
	mux.Handle("GET /remediations/{id}", s.authenticated(http.HandlerFunc(s.showRemediation)))
	mux.Handle("POST /remediations", s.authenticated(http.HandlerFunc(s.requestRemediation)))
	mux.Handle("POST /remediations/{id}/rollback", s.authenticated(http.HandlerFunc(s.rollbackRemediation)))
}

func (s *Server) listRemediations(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	list, err := s.Remediation.List(r.Context(), remediate.Filter{Status: r.URL.Query().Get("status"), Limit: limit})
	if err != nil {
		writeError(w, err)
		return
	}
	if list == nil {
		list = []*remediate.Remediation{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) showRemediation(w http.ResponseWriter, r *http.Request) {
	d, err := s.Remediation.Show(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// RemediationRequest is the body of POST /remediations.
type RemediationRequest struct {
	Event     json.RawMessage `json:"event"`
	Playbooks []string        `json:"playbooks,omitempty"`
	By        string          `json:"by"`
}

func (s *Server) requestRemediation(w http.ResponseWriter, r *http.Request) {
	var req RemediationRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, maxEventsBody+4096)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"event": {...}, "playbooks": [...], "by": "NAME"}: ` + err.Error()})
		return
	}
	if req.By == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `"by" is required: the person asking`})
		return
	}
	ev, err := event.Parse(req.Event)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "event: " + err.Error()})
		return
	}
	out, err := s.Remediation.Request(r.Context(), ev, remediate.Request{Playbooks: req.Playbooks, Rule: "api", RequestedBy: req.By})
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if out == nil {
		out = []remediate.Requested{}
	}
	writeJSON(w, http.StatusAccepted, out)
}

func (s *Server) rollbackRemediation(w http.ResponseWriter, r *http.Request) {
	var d Decision
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&d); err != nil || d.By == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want a JSON body {"by": "YOUR_NAME"}`})
		return
	}
	rem, err := s.Remediation.Rollback(r.Context(), r.PathValue("id"), d.By)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": rem.ID, "status": "rolling back"})
}
