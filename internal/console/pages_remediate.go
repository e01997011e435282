package console

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/store"
)

// remediationError shows a remediation service error with the status the
// HTTP API gives it.
func (c *Console) remediationError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, remediate.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, remediate.ErrNotApprover):
		status = http.StatusForbidden
	case errors.Is(err, remediate.ErrNotPending), errors.Is(err, remediate.ErrNoRollback), errors.Is(err, remediate.ErrRefused):
		status = http.StatusConflict
	}
	c.failErr(w, r, s, status, err)
}

func (c *Console) noRemediation(w http.ResponseWriter, r *http.Request, s *session) bool {
	if c.opts.Remediation == nil {
		c.fail(w, r, s, http.StatusNotFound, "error.noremediation")
		return true
	}
	return false
}

func (c *Console) approvals(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noRemediation(w, r, s) {
		return
	}
	all := r.URL.Query().Get("all") == "1"
	list, err := c.opts.Remediation.Approvals(r.Context(), all)
	if err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "approvals", map[string]any{"Approvals": list, "All": all})
}

// approval shows what a person needs to decide: the plan, the
// before-state, the rollback, why the policy asks, and the event's
// explanations; approvers get the Approve and Reject buttons.
func (c *Console) approval(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noRemediation(w, r, s) {
		return
	}
	a, err := c.opts.Remediation.Approval(r.Context(), r.PathValue("id"))
	if err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	rem, err := c.opts.Remediation.Get(r.Context(), a.RemediationID)
	if err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	xs, err := store.Explanations(r.Context(), c.opts.Store.Q(), rem.EventID)
	if err != nil {
		c.failErr(w, r, s, http.StatusInternalServerError, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "approval", map[string]any{"A": a, "R": rem, "Explanations": explanationsOf(xs)})
}

// decide approves or rejects as the signed-in person: the remediation
// service records the decision (via "console") in the audit log and still
// applies remediation.approvers and the four-eyes rule.
func (c *Console) decide(approve bool) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		if c.noRemediation(w, r, s) {
			return
		}
		id := r.PathValue("id")
		var err error
		if approve {
			_, err = c.opts.Remediation.Approve(r.Context(), id, s.user, "console")
		} else {
			_, err = c.opts.Remediation.Reject(r.Context(), id, s.user, "console", r.PostFormValue("reason"))
		}
		if err != nil {
			c.remediationError(w, r, s, err)
			return
		}
		http.Redirect(w, r, "/ui/approvals/"+id, http.StatusSeeOther)
	}
}

func (c *Console) remediations(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noRemediation(w, r, s) {
		return
	}
	status := r.URL.Query().Get("status")
	list, err := c.opts.Remediation.List(r.Context(), remediate.Filter{Status: status})
	if err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "remediations", map[string]any{"Remediations": list, "Status": status})
}

func (c *Console) remediation(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noRemediation(w, r, s) {
		return
	}
	d, err := c.opts.Remediation.Show(r.Context(), r.PathValue("id"))
	if err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	canRollback := d.Status == remediate.StatusApplied || d.Status == remediate.StatusVerified
	c.render(w, r, s, http.StatusOK, "remediation", map[string]any{"D": d, "CanRollback": canRollback})
}

// remediationStatus is what console.js polls to follow a remediation
// without reloading the page.
func (c *Console) remediationStatus(w http.ResponseWriter, r *http.Request, s *session) {
	if c.opts.Remediation == nil {
		http.Error(w, "no remediation", http.StatusNotFound)
		return
	}
	rem, err := c.opts.Remediation.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"status": rem.Status, "label": statusLabel(langOf(r), rem.Status), "final": rem.Final(),
		"verification": rem.Verification, "verification_ja": rem.VerificationJA})
}

// rollback schedules a rollback; the remediation service writes it to the
// audit log with the person's name.
func (c *Console) rollback(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noRemediation(w, r, s) {
		return
	}
	id := r.PathValue("id")
	if _, err := c.opts.Remediation.Rollback(r.Context(), id, s.user); err != nil {
		c.remediationError(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/ui/remediations/"+id, http.StatusSeeOther)
}
