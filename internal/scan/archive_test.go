package scan_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
)

// sortedCSV returns a CSV's header and its rows sorted, so two CSVs with
// the same rows in another order compare equal.
func sortedCSV(t *testing.T, b []byte) (header []string, rows []string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("%v in\n%s", err, b)
	}
	for _, r := range recs[1:] {
		rows = append(rows, strings.Join(r, "|"))
	}
	slices.Sort(rows)
	return recs[0], rows
}

func TestArchiveKeepsEachRunsCSVAndDiff(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testArchive(t, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db")) })
	t.Run("postgres", func(t *testing.T) {
		url := os.Getenv("VIGIL_TEST_POSTGRES_URL")
		if url == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("VIGIL_TEST_POSTGRES_URL is not set; .ci/run must start PostgreSQL")
			}
			t.Skip("VIGIL_TEST_POSTGRES_URL not set")
		}
		testArchive(t, postgresDatabase(t, url))
	})
}

func testArchive(t *testing.T, dsn string) {
	sb, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := scan.OpenHistory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	opts := scan.Options{Name: "daily", Query: scan.Query{Regions: []string{tokyo, usEast}}, History: h, Owners: owners, Env: "本番", Lang: lang.JA}
	run := func() (*scan.Result, []byte) {
		t.Helper()
		var out bytes.Buffer
		res, err := scan.Run(ctx, sc, &out, opts)
		if err != nil {
			t.Fatal(err)
		}
		return res, out.Bytes()
	}
	first, _ := run()
	commit(t, first)

	// S3.8 is fixed, EC2.2 appears; the first attempt at run 2 is not
	// delivered, and before its retry a violation only it saw is fixed.
	resolve(t, base[1])
	fresh := []f{
		{id: "20", control: "EC2.2", severity: "HIGH", resource: "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-default", tags: map[string]string{"Owner": "alice"}},
		{id: "21", control: "EC2.19", resource: "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-2"},
	}
	if err := sb.Seed(&sandbox.Scenario{Accounts: []*sandbox.Account{{ID: admin}}, Findings: []map[string]any{fresh[0].asff(), fresh[1].asff()}}); err != nil {
		t.Fatal(err)
	}
	undelivered, _ := run()
	if undelivered.New != 2 {
		t.Fatalf("undelivered run: new %d", undelivered.New)
	}
	list, err := scan.LatestReports(ctx, st.Q())
	if err != nil || len(list) != 1 || list[0].Run != 2 || !list[0].BaselineAt.IsZero() || list[0].New != 2 {
		t.Fatalf("before delivery: %+v %v", list, err)
	}
	resolve(t, fresh[1])
	res, csvJA := run()
	commit(t, res)

	list, err = scan.LatestReports(ctx, st.Q())
	if err != nil || len(list) != 1 {
		t.Fatalf("latest: %+v %v", list, err)
	}
	rep := list[0]
	if rep.Name != "daily" || rep.Run != 2 || rep.Total != 5 || rep.New != 1 || rep.Resolved != 1 || rep.FirstScan || !rep.Owners || rep.Env != "本番" || rep.BaselineAt.IsZero() {
		t.Fatalf("latest report: %+v", rep)
	}
	news, err := scan.ReportChanges(ctx, st.Q(), rep, scan.ChangeNew, 10)
	if err != nil || len(news) != 1 || news[0].ControlID != "EC2.2" || news[0].Owner != "alice" {
		t.Errorf("new: %+v %v", news, err)
	}
	resolved, err := scan.ReportChanges(ctx, st.Q(), rep, scan.ChangeResolved, 10)
	if err != nil || len(resolved) != 1 || resolved[0].ControlID != "S3.8" || resolved[0].Resource != "arn:aws:s3:::public-site" {
		t.Errorf("resolved: %+v %v", resolved, err)
	}

	// The CSV rebuilt from the archive has the rows the run wrote, in
	// either language's headers.
	var again bytes.Buffer
	if err := scan.WriteReportCSV(ctx, st.Q(), &again, rep, lang.JA, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(again.Bytes(), []byte("\ufeff")) {
		t.Error("no BOM")
	}
	h1, r1 := sortedCSV(t, csvJA)
	h2, r2 := sortedCSV(t, again.Bytes())
	if !slices.Equal(h1, h2) || !slices.Equal(r1, r2) {
		t.Errorf("rebuilt CSV differs:\n%v\n%v\nwant\n%v\n%v", h2, r2, h1, r1)
	}
	if h1[0] != "リソース名" || !slices.Contains(r1, strings.Join([]string{"arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-default", "EC2.2 check", "EC2.2", "HIGH", admin, tokyo,
		"2026-01-05T01:02:03.000Z", "2026-11-20T04:05:06.000Z", "https://docs.aws.amazon.com/console/securityhub/EC2.2/remediation", "alice", "新規"}, "|")) {
		t.Errorf("ja CSV: %v %v", h1, r1)
	}
	var en bytes.Buffer
	if err := scan.WriteReportCSV(ctx, st.Q(), &en, rep, lang.EN, false); err != nil {
		t.Fatal(err)
	}
	if h, rows := sortedCSV(t, en.Bytes()); h[0] != "Resource" || h[len(h)-1] != "Change" || len(rows) != 5 {
		t.Errorf("en CSV: %v %v", h, rows)
	}

	// The first run is still there, with every violation new.
	runs, err := scan.ReportRuns(ctx, st.Q(), "daily")
	if err != nil || len(runs) != 2 || runs[1].Run != 1 || !runs[1].FirstScan || runs[1].New != 5 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if _, err := scan.GetReport(ctx, st.Q(), "daily", 99); err != store.ErrNotFound {
		t.Errorf("a run never made: %v", err)
	}

	// Only the last ten runs are kept.
	for range 10 {
		r, _ := run()
		commit(t, r)
	}
	runs, err = scan.ReportRuns(ctx, st.Q(), "daily")
	if err != nil || len(runs) != 10 || runs[0].Run != 12 || runs[9].Run != 3 {
		t.Fatalf("after 12 runs: %d runs, %v", len(runs), err)
	}
	var rows int
	if err := st.Q().QueryRow(ctx, `SELECT COUNT(*) FROM vigil_scan_report_rows WHERE run < 3`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("rows of forgotten runs: %d %v", rows, err)
	}
}
