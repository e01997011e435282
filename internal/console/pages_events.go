package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/store"
)

// pageSize is how many incidents one page lists.
const pageSize = 50

// incidentRow is one line of the incidents page.
type incidentRow struct {
	ID, Source, DetailType, Input string
	Title, Severity               string
	ReceivedAt                    time.Time
}

// summarize reads what the list shows from an event's raw JSON: its
// finding's title and severity, where it has them.
func summarize(raw []byte) (title, severity string) {
	ev, err := event.Parse(raw)
	if err != nil {
		return "", ""
	}
	if g, err := ev.GuardDuty(); err == nil {
		return g.Title, severityName(g.Severity)
	}
	if sh, err := ev.SecurityHub(); err == nil && len(sh.Findings) > 0 {
		f := sh.Findings[0]
		return f.Title, f.Severity.Label
	}
	return "", ""
}

// severityName is GuardDuty's name for a numeric severity.
func severityName(s float64) string {
	switch {
	case s >= 7:
		return "HIGH"
	case s >= 4:
		return "MEDIUM"
	case s > 0:
		return "LOW"
	}
	return ""
}

// incidents lists stored events, newest first, a page at a time: keyset
// paging on (received_at, key), which the received_at index serves at any
// depth.
func (c *Console) incidents(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	eq := store.EventQuery{Newest: true, Limit: pageSize + 1, WithRaw: true, Source: strings.TrimSpace(q.Get("source"))}
	if a := q.Get("after"); a != "" {
		at, key, ok := strings.Cut(a, "~")
		us, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			c.fail(w, r, s, http.StatusBadRequest, "error.after", a)
			return
		}
		eq.After = &store.Event{ReceivedAt: store.Time(us), Key: key}
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"since", &eq.Since}, {"until", &eq.Until}} {
		if v := q.Get(f.name); v != "" {
			t, err := parseDay(v)
			if err != nil {
				c.fail(w, r, s, http.StatusBadRequest, "error.date", f.name, v)
				return
			}
			*f.dst = t
		}
	}
	if !eq.Until.IsZero() && q.Get("until") != "" && len(q.Get("until")) == len("2006-01-02") {
		eq.Until = eq.Until.Add(24 * time.Hour) // a day includes itself
	}
	search := strings.ToLower(strings.TrimSpace(q.Get("q")))
	var rows []incidentRow
	var next string
	// A search reads pages until it has a page of matches, at most
	// maxScan events per request, so a rare term cannot make one request
	// read the whole table; the next link continues where it stopped.
	const maxScan = 20 * pageSize
	for scanned := 0; ; {
		evs, err := store.ListEvents(r.Context(), c.opts.Store.Q(), eq)
		if err != nil {
			c.failErr(w, r, s, http.StatusInternalServerError, err)
			return
		}
		more := len(evs) > pageSize
		if more {
			evs = evs[:pageSize]
		}
		for i, e := range evs {
			scanned++
			eq.After = e
			if search == "" || bytes.Contains(bytes.ToLower(e.Raw), []byte(search)) {
				title, sev := summarize(e.Raw)
				rows = append(rows, incidentRow{ID: e.ID, Source: e.Source, DetailType: e.DetailType, Input: e.Input, Title: title, Severity: sev, ReceivedAt: e.ReceivedAt})
			}
			if len(rows) == pageSize {
				more = more || i < len(evs)-1
				break
			}
		}
		if !more {
			break
		}
		if len(rows) == pageSize || scanned >= maxScan {
			next = strconv.FormatInt(store.Micros(eq.After.ReceivedAt), 10) + "~" + eq.After.Key
			break
		}
	}
	nextURL := ""
	if next != "" {
		v := r.URL.Query()
		v.Set("after", next)
		nextURL = "/ui/?" + v.Encode()
	}
	c.render(w, r, s, http.StatusOK, "incidents", map[string]any{"Rows": rows, "Next": nextURL, "Query": q})
}

func parseDay(v string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

// explanationView is a stored explanation as the page shows it.
type explanationView struct {
	Rule, Target, Lang, Engine string
	CreatedAt                  time.Time
	Title, Text                string
}

func explanationsOf(xs []*store.Explanation) []explanationView {
	out := make([]explanationView, 0, len(xs))
	for _, x := range xs {
		v := explanationView{Rule: x.Rule, Target: x.Target, Lang: x.Lang, Engine: x.Engine, CreatedAt: x.CreatedAt}
		var e explain.Explanation
		if err := json.Unmarshal(x.Body, &e); err == nil {
			v.Title, v.Text = e.Title, string(explain.RenderText(&e))
		} else {
			v.Text = string(x.Body)
		}
		out = append(out, v)
	}
	return out
}

// incident shows one event: what it is, what the rules do with it now,
// its explanations, and the remediations it asked for.
func (c *Console) incident(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	e, err := store.GetEvent(r.Context(), c.opts.Store.Q(), id)
	if errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, s, http.StatusNotFound, "error.noevent", id)
		return
	}
	if err != nil {
		c.failErr(w, r, s, http.StatusInternalServerError, err)
		return
	}
	title, sev := summarize(e.Raw)
	data := map[string]any{"Event": e, "Title": title, "Severity": sev, "Raw": json.RawMessage(e.Raw)}
	if ev, err := event.Parse(e.Raw); err == nil {
		// Each resource the event names links to its timeline.
		data["Resources"] = ev.Resources
	}
	xs, err := store.Explanations(r.Context(), c.opts.Store.Q(), e.ID)
	if err != nil {
		c.failErr(w, r, s, http.StatusInternalServerError, err)
		return
	}
	data["Explanations"] = explanationsOf(xs)
	if c.opts.Jobs != nil {
		ds, err := c.deliveriesOf(r.Context(), e.ID)
		if err != nil {
			c.failErr(w, r, s, http.StatusInternalServerError, err)
			return
		}
		data["Deliveries"] = ds
	}
	if c.opts.Operator != nil {
		if d, err := c.opts.Operator.TestEvent(r.Context(), e.Raw); err == nil {
			data["Decision"] = d
		}
	}
	if c.opts.Remediation != nil {
		rems, err := c.opts.Remediation.List(r.Context(), remediate.Filter{EventID: e.ID})
		if err != nil {
			c.failErr(w, r, s, http.StatusInternalServerError, err)
			return
		}
		data["Remediations"] = rems
	}
	c.render(w, r, s, http.StatusOK, "incident", data)
}
