package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/vigilhq/vigil/internal/remediate"
)

// Approvals API (vigil approvals list, vigil approve, vigil reject):
//
//	GET  /approvals[?all=1]          pending approvals (all=1: decided ones too)
//	GET  /approvals/{id}             one, with its plan, before-state and rollback
//	POST /approvals/{id}/approve     {"by": "NAME"}
//	POST /approvals/{id}/reject      {"by": "NAME", "reason": "TEXT"}
func (s *Server) approvalRoutes(mux *http.ServeMux) {
	mux.Handle("GET /approvals", s.authenticated(http.HandlerFunc(s.listApprovals)))
	mux.Handle("GET /approvals/{id}", s.authenticated(http.HandlerFunc(s.getApproval)))
	mux.Handle("POST /approvals/{id}/approve", s.authenticated(http.HandlerFunc(s.decideApproval(true))))
	mux.Handle("POST /approvals/{id}/reject", s.authenticated(http.HandlerFunc(s.decideApproval(false))))
}

func (s *Server) listApprovals(w http.ResponseWriter, r *http.Request) {
	all := r.URL.Query().Get("all")
	list, err := s.Remediation.Approvals(r.Context(), all == "1" || all == "true")
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) getApproval(w http.ResponseWriter, r *http.Request) {
	a, err := s.Remediation.Approval(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// Decision is the body of POST /approvals/{id}/approve and /reject.
type Decision struct {
	// By is the person deciding: with remediation.approvers configured, one
	// of their names.
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

func (s *Server) decideApproval(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var d Decision
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&d); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want a JSON body {"by": "YOUR_NAME"}: ` + err.Error()})
			return
		}
		if d.By == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `"by" is required: the name of the person deciding`})
			return
		}
		id := r.PathValue("id")
		var a *remediate.Approval
		var err error
		if approve {
			a, err = s.Remediation.Approve(r.Context(), id, d.By, "http")
		} else {
			a, err = s.Remediation.Reject(r.Context(), id, d.By, "http", d.Reason)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		s.Logger.Info("approval decided", "approval", id, "status", a.Status, "by", d.By)
		writeJSON(w, http.StatusOK, a)
	}
}

// writeError answers with the status an error of the remediation service
// calls for.
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, remediate.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, remediate.ErrNotPending):
		status = http.StatusConflict
	case errors.Is(err, remediate.ErrNotApprover):
		status = http.StatusForbidden
	case errors.Is(err, remediate.ErrNoRollback), errors.Is(err, remediate.ErrRefused):
		status = http.StatusConflict
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
