package console

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/operator"
)

func (c *Console) noOperator(w http.ResponseWriter, r *http.Request, s *session) bool {
	if c.opts.Operator == nil {
		c.fail(w, r, s, http.StatusNotFound, "error.nooperator")
		return true
	}
	return false
}

// operatorError shows an operator verb's error with its status.
func (c *Console) operatorError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	c.failErr(w, r, s, operator.StatusOf(err), err)
}

func (c *Console) deadLetters(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	all := r.URL.Query().Get("all") == "1"
	list, err := c.opts.Operator.DeadLetters(r.Context(), operator.DeadLetterFilter{All: all})
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "deadletters", map[string]any{"DeadLetters": list, "All": all})
}

func (c *Console) redrive(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	job, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		c.fail(w, r, s, http.StatusBadRequest, "error.job", r.PathValue("job"))
		return
	}
	out, err := c.opts.Operator.Redrive(r.Context(), operator.RedriveRequest{Jobs: []int64{job}})
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	c.record(r.Context(), s.user, "console.redrive", strconv.FormatInt(job, 10), out)
	if len(out) == 1 && out[0].Error != "" {
		c.failErr(w, r, s, http.StatusConflict, errString(out[0].Error))
		return
	}
	http.Redirect(w, r, "/ui/deadletters", http.StatusSeeOther)
}

type errString string

func (e errString) Error() string { return string(e) }

func (c *Console) silences(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	list, err := c.opts.Operator.Silences(r.Context(), r.URL.Query().Get("all") == "1")
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	rules, _ := c.opts.Operator.Rules(r.Context())
	c.render(w, r, s, http.StatusOK, "silences", map[string]any{"Silences": list, "Rules": rules})
}

// addSilence adds a silence from the form: an event pattern, an optional
// rule, a duration and a comment; the person signed in is its creator.
func (c *Console) addSilence(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	d, err := time.ParseDuration(strings.TrimSpace(r.PostFormValue("duration")))
	if err != nil || d <= 0 {
		c.fail(w, r, s, http.StatusBadRequest, "error.duration", r.PostFormValue("duration"))
		return
	}
	pat := strings.TrimSpace(r.PostFormValue("pattern"))
	if !json.Valid([]byte(pat)) {
		c.fail(w, r, s, http.StatusBadRequest, "error.pattern")
		return
	}
	now := c.opts.Now()
	sil, err := c.opts.Operator.AddSilence(r.Context(), operator.NewSilence{Pattern: json.RawMessage(pat), Rule: r.PostFormValue("rule"),
		StartsAt: now, EndsAt: now.Add(d), CreatedBy: s.user, Comment: strings.TrimSpace(r.PostFormValue("comment"))})
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	c.record(r.Context(), s.user, "console.silence.added", sil.ID, map[string]any{"rule": sil.Rule, "pattern": sil.Pattern, "ends_at": sil.EndsAt, "comment": sil.Comment})
	http.Redirect(w, r, "/ui/silences", http.StatusSeeOther)
}

func (c *Console) expireSilence(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	id := r.PathValue("id")
	if err := c.opts.Operator.ExpireSilence(r.Context(), id); err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	c.record(r.Context(), s.user, "console.silence.expired", id, nil)
	http.Redirect(w, r, "/ui/silences", http.StatusSeeOther)
}

func (c *Console) rules(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	list, err := c.opts.Operator.Rules(r.Context())
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "rules", map[string]any{"Rules": list})
}

// testRules routes a pasted event through the rules without storing or
// delivering it (reading only, so viewers may).
func (c *Console) testRules(w http.ResponseWriter, r *http.Request, s *session) {
	if c.noOperator(w, r, s) {
		return
	}
	list, err := c.opts.Operator.Rules(r.Context())
	if err != nil {
		c.operatorError(w, r, s, err)
		return
	}
	data := map[string]any{"Rules": list, "Event": r.PostFormValue("event")}
	d, err := c.opts.Operator.TestEvent(r.Context(), []byte(r.PostFormValue("event")))
	status := http.StatusOK
	if err != nil {
		data["Problem"], status = err.Error(), operator.StatusOf(err)
	} else {
		data["Decision"] = d
	}
	c.render(w, r, s, status, "rules", data)
}
