package console_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
)

const (
	euFinding = "arn:aws:securityhub:eu-west-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/b16b280f-51db-41ac-903b-b778c514f7f1"
	newBucket = "arn:aws:s3:::vigil-console-test-public"
)

// runReports records two runs of a report named daily in the database at
// dsn, scanning the sandbox's demo findings: between them the eu-west-1
// EC2.7 violation is resolved and an S3.8 violation appears.
func runReports(t testing.TB, sb *sandbox.Sandbox, dsn string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenShared(ctx, dsn, scan.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := scan.OpenHistory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := &scan.Scanner{AWS: cfg}
	opts := scan.Options{Name: "daily", Query: scan.Query{Regions: []string{"us-east-1", "eu-west-1"}}, History: h, Env: "本番", Lang: lang.JA}
	run := func(total, news, resolved int) {
		t.Helper()
		res, err := scan.Run(ctx, sc, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != total || res.New != news || res.Resolved != resolved {
			t.Fatalf("scan: total %d new %d resolved %d, want %d %d %d", res.Total, res.New, res.Resolved, total, news, resolved)
		}
		if err := res.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	run(2, 2, 0)
	eu := cfg.Copy()
	eu.Region = "eu-west-1"
	if _, err := securityhub.NewFromConfig(eu).BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: aws.String(euFinding), ProductArn: aws.String("arn:aws:securityhub:eu-west-1::product/aws/securityhub")}},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusResolved},
	}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Seed(&sandbox.Scenario{Accounts: []*sandbox.Account{{ID: "111111111111"}}, Findings: []map[string]any{{
		"SchemaVersion": "2018-10-08",
		"Id":            "arn:aws:securityhub:us-east-1:111111111111:security-control/S3.8/finding/console-test",
		"ProductArn":    "arn:aws:securityhub:us-east-1::product/aws/securityhub",
		"GeneratorId":   "security-control/S3.8", "AwsAccountId": "111111111111", "Region": "us-east-1",
		"Types":     []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"CreatedAt": "2026-12-01T00:00:00.000Z", "UpdatedAt": "2026-12-01T00:00:00.000Z",
		"Severity":    map[string]any{"Label": "HIGH"},
		"Title":       "S3 general purpose buckets should block public access",
		"Description": "test finding",
		"Resources":   []any{map[string]any{"Type": "AwsS3Bucket", "Id": newBucket, "Partition": "aws", "Region": "us-east-1"}},
		"Compliance":  map[string]any{"Status": "FAILED", "SecurityControlId": "S3.8"},
		"Workflow":    map[string]any{"Status": "NEW"},
		"RecordState": "ACTIVE",
	}}}); err != nil {
		t.Fatal(err)
	}
	run(2, 1, 1)
}

// TestReportsPage: the reports page shows the latest run of a report with
// what is new and what was resolved since the previous run, in both
// languages, lists the runs kept, and gives each run's CSV as a download
// with the viewer's language's headers; the download is in the audit log.
func TestReportsPage(t *testing.T) {
	base, sb, dsn := serveConsoleDB(t)
	bob := newBrowser(t, base)
	if code := bob.signIn("bob", bobPassword); code != http.StatusSeeOther {
		t.Fatalf("sign in = %d", code)
	}
	code, page, _ := bob.do("GET", "/ui/reports", nil)
	if code != 200 || !strings.Contains(page, "No Security Hub report has run yet") {
		t.Fatalf("reports before any run = %d:\n%s", code, page)
	}
	runReports(t, sb, dsn)

	code, page, _ = bob.do("GET", "/ui/reports", nil, "Accept-Language", "en")
	for _, want := range []string{"daily — run 2", "1 new, 1 resolved, 1 still open", "New violations (1)", newBucket, "Resolved violations (1)", "AWS::::Account:111111111111",
		`href="/ui/reports/csv?name=daily&amp;run=2" download>Download the CSV (2 violations)`, `href="/ui/reports?name=daily&amp;run=1"`} {
		if code != 200 || !strings.Contains(page, want) {
			t.Fatalf("reports page (en) = %d, lacks %q:\n%s", code, want, page)
		}
	}
	// The new violation is listed under "New", the resolved one under
	// "Resolved", not the other way round.
	newAt, resolvedAt := strings.Index(page, "New violations"), strings.Index(page, "Resolved violations")
	if i := strings.Index(page, newBucket); i < newAt || i > resolvedAt {
		t.Errorf("the new violation is not under New violations")
	}
	if i := strings.LastIndex(page, "eu-west-1"); i < resolvedAt {
		t.Errorf("the resolved violation is not under Resolved violations")
	}
	code, page, _ = bob.do("GET", "/ui/reports?name=daily&run=1", nil, "Accept-Language", "ja")
	for _, want := range []string{`<html lang="ja">`, "daily — 第 1 回", "初回の実行のため", "本番", "CSV をダウンロード（2 件の違反）"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Fatalf("run 1 (ja) = %d, lacks %q:\n%s", code, want, page)
		}
	}
	if code, _, _ := bob.do("GET", "/ui/reports?name=daily&run=7", nil); code != http.StatusNotFound {
		t.Errorf("a run never made = %d, want 404", code)
	}

	for _, c := range []struct {
		lang, header, change string
		bom                  bool
	}{{"en", "Resource", "new", false}, {"ja", "リソース名", "新規", true}} {
		code, body, hdr := bob.do("GET", "/ui/reports/csv?name=daily&run=2", nil, "Accept-Language", c.lang)
		disp, params, err := mime.ParseMediaType(hdr.Get("Content-Disposition"))
		if code != 200 || err != nil || disp != "attachment" || !strings.HasSuffix(params["filename"], "-daily-2.csv") || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV (%s) = %d %v %v", c.lang, code, hdr, err)
		}
		if strings.HasPrefix(body, "\ufeff") != c.bom {
			t.Errorf("CSV (%s): BOM %v", c.lang, !c.bom)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix([]byte(body), []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) != 3 || recs[0][0] != c.header {
			t.Fatalf("CSV (%s): %v %q", c.lang, err, body)
		}
		var found bool
		for _, r := range recs[1:] {
			if r[0] == newBucket {
				found = r[2] == "S3.8" && r[len(r)-1] == c.change
			}
		}
		if !found {
			t.Errorf("CSV (%s) lacks the new violation as %q:\n%s", c.lang, c.change, body)
		}
	}
	if code, _, _ := bob.do("GET", "/ui/reports/csv?name=daily&run=9", nil); code != http.StatusNotFound {
		t.Errorf("CSV of a run never made = %d, want 404", code)
	}
	if code, _, hdr := newBrowser(t, base).do("GET", "/ui/reports/csv?name=daily&run=2", nil); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/ui/login") {
		t.Errorf("signed-out CSV = %d %v, want a redirect to sign in", code, hdr)
	}
	waitFor(t, "the download in the audit log", func() bool {
		return auditHas(t, dsn, "bob", "console.report.downloaded", "daily")
	})
}

// auditHas reports whether the audit log at dsn has a record of action on
// subject by actor.
func auditHas(t testing.TB, dsn, actor, action, subject string) bool {
	t.Helper()
	st, err := store.OpenShared(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := audit.List(context.Background(), st.Q(), audit.Query{Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Actor == actor && r.Action == action {
			return true
		}
	}
	return false
}
