package console

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
)

// changesShown bounds the new and resolved violations a report page
// lists; the CSV has every one.
const changesShown = 200

// reportOf reads the report the query names (name and run), or the latest
// run of the named scan, or the most recent report of all. It returns nil
// without an error when nothing was recorded yet.
func (c *Console) reportOf(r *http.Request) (*scan.Report, []*scan.Report, error) {
	ctx, q := r.Context(), c.opts.Store.Q()
	latest, err := scan.LatestReports(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		if len(latest) == 0 {
			return nil, latest, nil
		}
		name = latest[0].Name
	}
	if v := r.URL.Query().Get("run"); v != "" {
		run, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, latest, store.ErrNotFound
		}
		rep, err := scan.GetReport(ctx, q, name, run)
		return rep, latest, err
	}
	for _, rep := range latest {
		if rep.Name == name {
			return rep, latest, nil
		}
	}
	return nil, latest, store.ErrNotFound
}

// reports shows a Security Hub report run: its counts, what is new and
// what was resolved since the run before it, the CSV to download, and the
// other runs kept.
func (c *Console) reports(w http.ResponseWriter, r *http.Request, s *session) {
	rep, latest, err := c.reportOf(r)
	if errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, s, http.StatusNotFound, "error.noreport", r.URL.Query().Get("name"), r.URL.Query().Get("run"))
		return
	}
	if err != nil {
		c.failErr(w, r, s, http.StatusInternalServerError, err)
		return
	}
	data := map[string]any{"Latest": latest, "Report": rep, "Shown": changesShown}
	if rep != nil {
		ctx, q := r.Context(), c.opts.Store.Q()
		if data["New"], err = scan.ReportChanges(ctx, q, rep, scan.ChangeNew, changesShown); err == nil {
			if data["Resolved"], err = scan.ReportChanges(ctx, q, rep, scan.ChangeResolved, changesShown); err == nil {
				data["Runs"], err = scan.ReportRuns(ctx, q, rep.Name)
			}
		}
		if err != nil {
			c.failErr(w, r, s, http.StatusInternalServerError, err)
			return
		}
		data["CSV"] = "/ui/reports/csv?name=" + urlQueryEscape(rep.Name) + "&run=" + strconv.FormatInt(rep.Run, 10)
	}
	c.render(w, r, s, http.StatusOK, "reports", data)
}

// reportCSV sends a run's CSV as a download, with the headers in the
// viewer's language (and, in Japanese, the byte order mark Excel needs).
func (c *Console) reportCSV(w http.ResponseWriter, r *http.Request, s *session) {
	name := r.URL.Query().Get("name")
	run, err := strconv.ParseInt(r.URL.Query().Get("run"), 10, 64)
	if name == "" || err != nil {
		c.fail(w, r, s, http.StatusNotFound, "error.noreport", name, r.URL.Query().Get("run"))
		return
	}
	rep, err := scan.GetReport(r.Context(), c.opts.Store.Q(), name, run)
	if errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, s, http.StatusNotFound, "error.noreport", name, r.URL.Query().Get("run"))
		return
	}
	if err != nil {
		c.failErr(w, r, s, http.StatusInternalServerError, err)
		return
	}
	l := lang.Lang(langOf(r))
	file := fmt.Sprintf("%s-%s-%d.csv", translate(string(l), "reports.file"), fileSafe(rep.Name), rep.Run)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file}))
	c.record(r.Context(), s.user, "console.report.downloaded", rep.Name, map[string]any{"run": rep.Run, "lang": l})
	if err := scan.WriteReportCSV(r.Context(), c.opts.Store.Q(), w, rep, l, l == lang.JA); err != nil {
		// The status is sent; the truncated download is all that can
		// tell the person.
		c.opts.Logger.Error("console: report CSV", "report", rep.Name, "run", rep.Run, "error", err.Error())
	}
}

// fileSafe keeps letters, digits, '-', '_' and '.' of a report name for a
// file name.
func fileSafe(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
