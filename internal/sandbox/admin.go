package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// serveAdmin serves the inspection and fault endpoints under /_sandbox/.
func (sb *Sandbox) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_sandbox"), "/")
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(v)
	}
	fail := func(status int, msg string) { reply(status, map[string]string{"error": msg}) }
	switch {
	case path == "" && r.Method == http.MethodGet:
		reply(200, map[string]any{"endpoints": []string{
			"GET /_sandbox/state[?findings=all]", "GET /_sandbox/calls[?service=&operation=&since=SEQ]", "POST /_sandbox/reset",
			"POST /_sandbox/seed (a scenario, YAML or JSON)", "GET|POST|DELETE /_sandbox/faults", "DELETE /_sandbox/faults/ID",
			"GET /_sandbox/attacks", "POST /_sandbox/attacks/NAME (play an attack scenario now)",
		}})
	case path == "/state" && r.Method == http.MethodGet:
		sb.mu.Lock()
		st := sb.st.snapshot(r.URL.Query().Get("findings") == "all")
		summary := sb.st.findingSummary()
		sb.mu.Unlock()
		reply(200, map[string]any{"url": sb.url, "scenario": st, "findings_summary": summary})
	case path == "/calls" && r.Method == http.MethodGet:
		q := r.URL.Query()
		since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
		out := []Call{}
		for _, c := range sb.Calls() {
			if c.Seq <= since || q.Get("service") != "" && c.Service != q.Get("service") || q.Get("operation") != "" && c.Operation != q.Get("operation") {
				continue
			}
			out = append(out, c)
		}
		reply(200, out)
	case path == "/reset" && r.Method == http.MethodPost:
		if err := sb.Reset(); err != nil {
			fail(500, err.Error())
			return
		}
		reply(200, map[string]string{"status": "reset"})
	case path == "/seed" && r.Method == http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			fail(400, err.Error())
			return
		}
		sc, err := ParseScenario(b)
		if err != nil {
			fail(400, err.Error())
			return
		}
		if err := sb.Seed(sc); err != nil {
			fail(400, err.Error())
			return
		}
		reply(200, map[string]string{"status": "seeded"})
	case path == "/attacks" && r.Method == http.MethodGet:
		reply(200, map[string]any{"attacks": Attacks(), "played": sb.attack})
	case strings.HasPrefix(path, "/attacks/") && r.Method == http.MethodPost:
		rep, err := sb.Play(r.Context(), strings.TrimPrefix(path, "/attacks/"))
		if err != nil && rep == nil {
			fail(404, err.Error())
			return
		}
		if err != nil {
			reply(500, map[string]any{"error": err.Error(), "report": rep})
			return
		}
		reply(200, rep)
	case path == "/faults" && r.Method == http.MethodGet:
		reply(200, sb.Faults())
	case path == "/faults" && r.Method == http.MethodPost:
		var f Fault
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			fail(400, "fault: "+err.Error())
			return
		}
		id, err := sb.AddFault(f)
		if err != nil {
			fail(400, err.Error())
			return
		}
		reply(201, map[string]int{"id": id})
	case path == "/faults" && r.Method == http.MethodDelete:
		sb.ClearFaults()
		reply(200, map[string]string{"status": "cleared"})
	case strings.HasPrefix(path, "/faults/") && r.Method == http.MethodDelete:
		id, err := strconv.Atoi(strings.TrimPrefix(path, "/faults/"))
		if err != nil || !sb.RemoveFault(id) {
			fail(404, "no fault with id "+strings.TrimPrefix(path, "/faults/"))
			return
		}
		reply(200, map[string]string{"status": "removed"})
	default:
		fail(404, "no sandbox endpoint "+r.Method+" "+r.URL.Path+"; GET /_sandbox/ lists them")
	}
}

// FindingSummary counts findings per state, for GET /_sandbox/state.
type FindingSummary struct {
	Total      int            `json:"total"`
	Workflow   map[string]int `json:"workflow"`
	Record     map[string]int `json:"record"`
	Compliance map[string]int `json:"compliance"`
	Severity   map[string]int `json:"severity"`
}

func (w *world) findingSummary() FindingSummary {
	s := FindingSummary{Workflow: map[string]int{}, Record: map[string]int{}, Compliance: map[string]int{}, Severity: map[string]int{}}
	for _, f := range w.findings.list {
		s.Total++
		s.Workflow[f.workflow]++
		s.Record[f.record]++
		s.Compliance[f.compliance]++
		s.Severity[f.severity]++
	}
	return s
}
