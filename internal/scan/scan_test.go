package scan_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var ctx = context.Background()

const (
	admin  = "111122223333"
	member = "444455556666"
	tokyo  = "ap-northeast-1"
	usEast = "us-east-1"
)

// awsEnv hides the machine's AWS settings and gives the SDK static keys.
func awsEnv(t testing.TB) {
	sandboxtest.Isolate(t)
	t.Setenv("AWS_REGION", tokyo)
}

func startSandbox(t testing.TB, opts sandbox.Options) (*sandbox.Sandbox, *scan.Scanner) {
	awsEnv(t)
	sb, err := sandbox.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sb, &scan.Scanner{AWS: cfg}
}

// f is a finding for a scenario, with the fields the tests vary.
type f struct {
	id, account, region, control, severity, compliance, workflow, record, resource, title string
	tags                                                                                  map[string]string
	generatorOnly                                                                         bool
}

func (x f) asff() map[string]any {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&x.account, admin)
	def(&x.region, tokyo)
	def(&x.severity, "HIGH")
	def(&x.compliance, "FAILED")
	def(&x.workflow, "NEW")
	def(&x.record, "ACTIVE")
	def(&x.title, x.control+" check")
	compliance := map[string]any{"Status": x.compliance}
	gen := "security-control/" + x.control
	if x.generatorOnly {
		gen = "aws-foundational-security-best-practices/v/1.0.0/" + x.control
	} else {
		compliance["SecurityControlId"] = x.control
	}
	res := map[string]any{"Type": "AwsS3Bucket", "Id": x.resource, "Partition": "aws", "Region": x.region}
	if x.tags != nil {
		res["Tags"] = x.tags
	}
	return map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            "arn:aws:securityhub:" + x.region + ":" + x.account + ":security-control/" + x.control + "/finding/" + x.id,
		"ProductArn":    "arn:aws:securityhub:" + x.region + "::product/aws/securityhub",
		"ProductName":   "Security Hub", "CompanyName": "AWS",
		"GeneratorId": gen, "AwsAccountId": x.account, "Region": x.region,
		"Types":           []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"FirstObservedAt": "2026-01-05T01:02:03.000Z", "LastObservedAt": "2026-11-20T04:05:06.000Z",
		"CreatedAt": "2026-01-05T01:02:03.000Z", "UpdatedAt": "2026-11-20T04:05:06.000Z",
		"Severity":    map[string]any{"Label": x.severity},
		"Title":       x.title,
		"Description": "test finding",
		"Remediation": map[string]any{"Recommendation": map[string]any{"Text": "fix it", "Url": "https://docs.aws.amazon.com/console/securityhub/" + x.control + "/remediation"}},
		"Resources":   []any{res},
		"Compliance":  compliance,
		"Workflow":    map[string]any{"Status": x.workflow},
		"RecordState": x.record,
	}
}

func scenario(findings ...f) *sandbox.Scenario {
	sc := &sandbox.Scenario{
		DefaultAccount: admin, DefaultRegion: tokyo,
		Accounts: []*sandbox.Account{
			{ID: admin, Regions: []*sandbox.Region{{Name: tokyo}, {Name: usEast}}},
			{ID: member, Regions: []*sandbox.Region{{Name: tokyo}}},
		},
	}
	for _, x := range findings {
		sc.Findings = append(sc.Findings, x.asff())
	}
	return sc
}

// base is a small estate: violations the default filters keep, and
// findings they drop.
var base = []f{
	{id: "01", control: "S3.1", severity: "MEDIUM", resource: "arn:aws:s3:::logs", tags: map[string]string{"Owner": "alice"}},
	{id: "02", control: "S3.8", severity: "HIGH", resource: "arn:aws:s3:::public-site", workflow: "NOTIFIED", tags: map[string]string{"owner": "bob@example.com"}},
	{id: "03", control: "IAM.1", severity: "CRITICAL", resource: "AWS::::Account:111122223333", generatorOnly: true, title: "=HYPERLINK(\"http://evil\")"},
	{id: "04", control: "EC2.19", severity: "CRITICAL", resource: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1", region: usEast, tags: map[string]string{"Owner": "alice"}},
	{id: "05", control: "S3.1", severity: "LOW", resource: "arn:aws:s3:::member-bucket", account: member},
	// Dropped by the default filters:
	{id: "10", control: "S3.1", resource: "arn:aws:s3:::ok", compliance: "PASSED"},
	{id: "11", control: "S3.1", resource: "arn:aws:s3:::suppressed", workflow: "SUPPRESSED"},
	{id: "12", control: "S3.1", resource: "arn:aws:s3:::resolved", workflow: "RESOLVED"},
	{id: "13", control: "S3.1", resource: "arn:aws:s3:::archived", record: "ARCHIVED"},
}

var owners = scan.Owners{Tag: "Owner", Map: map[string][]string{"alice": {"U0ALICE", "alice@example.com"}}}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestCSVDefaultFiltersRegionsAndLanguages(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	for _, tc := range []struct {
		name string
		lng  lang.Lang
		bom  bool
	}{{"en", lang.EN, false}, {"ja", lang.JA, true}} {
		var out bytes.Buffer
		res, err := scan.Run(ctx, sc, &out, scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, Lang: tc.lng, BOM: tc.bom, Owners: owners})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 {
			t.Errorf("%s: %d violations, want 5", tc.name, res.Total)
		}
		if tc.bom != bytes.HasPrefix(out.Bytes(), []byte("\ufeff")) {
			t.Errorf("%s: BOM %v", tc.name, !tc.bom)
		}
		golden(t, "report."+tc.name+".golden.csv", out.Bytes())
	}
}

func TestQueryNarrowing(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	count := func(q scan.Query) []string {
		var ids []string
		if err := sc.Scan(ctx, q, func(x *scan.Finding) error { ids = append(ids, x.ControlID+"@"+x.Resource); return nil }); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for name, tc := range map[string]struct {
		q    scan.Query
		want int
	}{
		"default region only":        {scan.Query{}, 4},
		"both regions":               {scan.Query{Regions: []string{tokyo, usEast}}, 5},
		"control allow-list":         {scan.Query{ControlIDs: []string{"S3.1"}}, 2},
		"control from generator id":  {scan.Query{ControlIDs: []string{"IAM.1"}}, 1},
		"severity floor HIGH":        {scan.Query{SeverityFloor: "HIGH", Regions: []string{tokyo, usEast}}, 3},
		"member account":             {scan.Query{Accounts: []string{member}}, 1},
		"product":                    {scan.Query{Products: []string{"GuardDuty"}}, 0},
		"controls, severity, region": {scan.Query{ControlIDs: []string{"S3.1", "EC2.19"}, SeverityFloor: "MEDIUM", Regions: []string{tokyo, usEast}}, 2},
	} {
		if got := count(tc.q); len(got) != tc.want {
			t.Errorf("%s: %d findings %v, want %d", name, len(got), got, tc.want)
		}
	}
	for q, want := range map[*scan.Query]string{
		{SeverityFloor: "SEVERE"}:       "severity_floor",
		{ControlIDs: []string{"S3.1,"}}: "control_ids[0]",
		{Accounts: []string{"123"}}:     "accounts[0]",
	} {
		if err := sc.Scan(ctx, *q, func(*scan.Finding) error { return nil }); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want an error naming %s", *q, err, want)
		}
	}
}

func storeOpen(dsn string) (*store.Store, error) { return store.Open(ctx, dsn) }

func openHistory(t *testing.T, dsn string) *scan.History {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := scan.OpenHistory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func securityHub(t *testing.T) *securityhub.Client {
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return securityhub.NewFromConfig(cfg)
}

func TestDiffAgainstPreviousScan(t *testing.T) {
	sb, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	h := openHistory(t, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	opts := scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, History: h, Owners: owners, Env: "本番"}

	first, err := scan.Run(ctx, sc, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !first.FirstScan || first.Total != 5 || first.New != 5 {
		t.Fatalf("first scan: %+v", first)
	}
	commit(t, first)

	// Between scans: S3.8 is fixed, a new violation appears.
	_, err = securityHub(t).BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: aws.String(base[1].asff()["Id"].(string)), ProductArn: aws.String(base[1].asff()["ProductArn"].(string))}},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusResolved},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Seed(&sandbox.Scenario{Accounts: []*sandbox.Account{{ID: admin}}, Findings: []map[string]any{
		f{id: "20", control: "EC2.2", severity: "HIGH", resource: "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-default", tags: map[string]string{"Owner": "alice"}}.asff(),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, lng := range []lang.Lang{lang.JA, lang.EN} {
		opts.Lang = lng
		var out bytes.Buffer
		res, err := scan.Run(ctx, sc, &out, opts)
		if err != nil {
			t.Fatal(err)
		}
		commit(t, res)
		if lng == lang.JA {
			// The second run: one new, one resolved, four still open.
			if res.FirstScan || res.Total != 5 || res.New != 1 || res.Resolved != 1 || res.Open() != 4 {
				t.Fatalf("second scan: total %d new %d resolved %d open %d", res.Total, res.New, res.Resolved, res.Open())
			}
			if res.NewExamples[0].ControlID != "EC2.2" || res.ResolvedExamples[0].ControlID != "S3.8" {
				t.Errorf("examples: new %+v resolved %+v", res.NewExamples, res.ResolvedExamples)
			}
			golden(t, "diff.ja.golden.csv", out.Bytes())
		} else if res.New != 0 || res.Resolved != 0 || res.Open() != 5 {
			// A third run right after: nothing changed.
			t.Errorf("third scan: new %d resolved %d open %d", res.New, res.Resolved, res.Open())
		}
		m := res.Message()
		var msg bytes.Buffer
		fmt.Fprintf(&msg, "Subject: %s\n\n%s\n\nMentions:\n", m.Subject, m.Text)
		for _, mt := range m.Mentions {
			fmt.Fprintf(&msg, "%s: %s\n", mt.Who, mt.Text)
		}
		golden(t, "message."+string(lng)+".golden.txt", msg.Bytes())
	}
}

func TestHistoryOnPostgres(t *testing.T) {
	url := os.Getenv("VIGIL_TEST_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("VIGIL_TEST_POSTGRES_URL is not set; .ci/run must start PostgreSQL")
		}
		t.Skip("VIGIL_TEST_POSTGRES_URL not set")
	}
	dsn := postgresDatabase(t, url)
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	h := openHistory(t, dsn)
	opts := scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, History: h}
	for run := 1; run <= 2; run++ {
		res, err := scan.Run(ctx, sc, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if wantNew := map[int]int{1: 5, 2: 0}[run]; res.Total != 5 || res.New != wantNew {
			t.Errorf("run %d: total %d new %d", run, res.Total, res.New)
		}
		commit(t, res)
	}
}

func TestMessageWithoutHistory(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	res, err := scan.Run(ctx, sc, nil, scan.Options{Lang: lang.JA, Env: "ステージング", Query: scan.Query{SeverityFloor: "CRITICAL"}})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Message()
	if m.Subject != "🚨 ステージング 環境で 1 件の違反を検出しました" || m.Text != "対象: 重要度 CRITICAL 以上" {
		t.Errorf("subject %q text %q", m.Subject, m.Text)
	}
	res, err = scan.Run(ctx, sc, nil, scan.Options{Lang: lang.JA, Env: "本番", Query: scan.Query{Products: []string{"GuardDuty"}}})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Message(); m.Subject != "✅ 本番 環境に違反はありません" {
		t.Errorf("no violations: %q", m.Subject)
	}
}

func TestCatalogsHaveEveryKey(t *testing.T) {
	if err := scan.CheckCatalogs(); err != nil {
		t.Error(err)
	}
}

func TestRetriedDeliveryRepeatsTheSameDiff(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	h := openHistory(t, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	opts := scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, History: h, Delivery: "job-1"}
	for attempt := 1; attempt <= 2; attempt++ {
		res, err := scan.Run(ctx, sc, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !res.FirstScan || res.New != 5 {
			t.Errorf("job-1 attempt %d: first %v new %d", attempt, res.FirstScan, res.New)
		}
		// Delivered and recorded, then the job's process died before the
		// job was marked done: its retry runs again.
		commit(t, res)
	}
	opts.Delivery = "job-2"
	for attempt := 1; attempt <= 2; attempt++ {
		// job-2 is retried (its notification failed after the scan was
		// recorded): the retry compares with job-1's run again.
		res, err := scan.Run(ctx, sc, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.FirstScan || res.New != 0 || res.Open() != 5 {
			t.Errorf("attempt %d: first %v new %d open %d", attempt, res.FirstScan, res.New, res.Open())
		}
		commit(t, res)
	}
	opts.Delivery = "job-1"
	res, err := scan.Run(ctx, sc, nil, opts)
	if err != nil || res.FirstScan {
		t.Errorf("an old delivery id: %+v %v", res, err)
	}
}

func commit(t *testing.T, res *scan.Result) {
	t.Helper()
	if err := res.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// resolve sets findings' workflow status to RESOLVED in the sandbox.
func resolve(t *testing.T, fs ...f) {
	t.Helper()
	var ids []types.AwsSecurityFindingIdentifier
	for _, x := range fs {
		a := x.asff()
		ids = append(ids, types.AwsSecurityFindingIdentifier{Id: aws.String(a["Id"].(string)), ProductArn: aws.String(a["ProductArn"].(string))})
	}
	if _, err := securityHub(t).BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: ids, Workflow: &types.WorkflowUpdate{Status: types.WorkflowStatusResolved},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestUndeliveredRunIsNotTheBaseline: a run whose report was never
// delivered (not committed) is not what the next run is compared with, so
// its new violations are reported as new again, and what only that run
// saw is forgotten.
func TestUndeliveredRunIsNotTheBaseline(t *testing.T) {
	sb, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	h := openHistory(t, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"))
	opts := scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, History: h}
	run := func() *scan.Result {
		t.Helper()
		res, err := scan.Run(ctx, sc, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	commit(t, run())

	// S3.8 is fixed; two new violations appear.
	resolve(t, base[1])
	fresh := []f{
		{id: "30", control: "EC2.2", resource: "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-1"},
		{id: "31", control: "EC2.19", resource: "arn:aws:ec2:ap-northeast-1:111122223333:security-group/sg-2"},
	}
	if err := sb.Seed(&sandbox.Scenario{Accounts: []*sandbox.Account{{ID: admin}}, Findings: []map[string]any{fresh[0].asff(), fresh[1].asff()}}); err != nil {
		t.Fatal(err)
	}
	failed := run() // its upload fails: not committed
	if failed.New != 2 || failed.Resolved != 1 {
		t.Fatalf("undelivered run: new %d resolved %d", failed.New, failed.Resolved)
	}
	// Before the next run, one of the new violations is fixed again: it
	// was never reported, so it is neither new nor resolved now.
	resolve(t, fresh[1])
	again := run()
	if again.New != 1 || again.Resolved != 1 || again.NewExamples[0].ControlID != "EC2.2" || again.ResolvedExamples[0].ControlID != "S3.8" {
		t.Fatalf("run after an undelivered one: new %d %+v resolved %d %+v", again.New, again.NewExamples, again.Resolved, again.ResolvedExamples)
	}
	if again.Unchanged() {
		t.Error("a run with changes reports itself unchanged")
	}
	commit(t, again)
	last := run()
	if last.New != 0 || last.Resolved != 0 || !last.Unchanged() {
		t.Errorf("after the delivered run: new %d resolved %d", last.New, last.Resolved)
	}
}

// TestThrottlingSlowsAScanDown: Security Hub throttling more often than
// the SDK retries does not end the scan; it asks for the page again.
func TestThrottlingSlowsAScanDown(t *testing.T) {
	sb, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	sc.PageSize = 2
	sc.Backoff = 10 * time.Millisecond
	if _, err := sb.AddFault(sandbox.Fault{Service: "securityhub", Operation: "GetFindings", Error: "throttle", Count: 7}); err != nil {
		t.Fatal(err)
	}
	res, err := scan.Run(ctx, sc, nil, scan.Options{Query: scan.Query{Regions: []string{tokyo}}})
	if err != nil {
		t.Fatalf("throttled scan: %v", err)
	}
	if res.Total != 4 {
		t.Errorf("throttled scan listed %d violations, want 4", res.Total)
	}
	throttled := 0
	for _, c := range sb.Calls() {
		if c.Operation == "GetFindings" && c.Fault {
			throttled++
		}
	}
	if throttled != 7 {
		t.Errorf("%d throttled calls, want 7", throttled)
	}
	// Access denied is not retried: it ends the scan at once.
	sb.ClearFaults()
	if _, err := sb.AddFault(sandbox.Fault{Service: "securityhub", Operation: "GetFindings", Error: "AccessDeniedException", Status: 403}); err != nil {
		t.Fatal(err)
	}
	if _, err := scan.Run(ctx, sc, nil, scan.Options{Query: scan.Query{Regions: []string{tokyo}}}); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("access denied: %v", err)
	}
}

// TestMarkNotified sets the NEW findings a report listed to NOTIFIED, and
// leaves the others alone.
func TestMarkNotified(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	res, err := scan.Run(ctx, sc, nil, scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, MarkNotified: true})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, x := range base {
		a := x.asff()
		if a["Workflow"].(map[string]any)["Status"] == "NEW" && a["Compliance"].(map[string]any)["Status"] == "FAILED" && a["RecordState"] == "ACTIVE" {
			want++
		}
	}
	if res.ToMark() != want || want == 0 {
		t.Fatalf("%d findings to mark, want %d", res.ToMark(), want)
	}
	n, err := sc.MarkNotified(ctx, res, "reported by vigil (test)")
	if err != nil || n != want {
		t.Fatalf("marked %d (%v), want %d", n, err, want)
	}
	out, err := securityHub(t).GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
		WorkflowStatus: []types.StringFilter{{Value: aws.String("NOTIFIED"), Comparison: types.StringFilterComparisonEquals}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != want || aws.ToString(out.Findings[0].Note.Text) != "reported by vigil (test)" {
		t.Errorf("%d NOTIFIED findings in Security Hub, want %d", len(out.Findings), want)
	}
	// The next run lists them still (NOTIFIED is a violation) and has
	// nothing left to mark.
	res, err = scan.Run(ctx, sc, nil, scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, MarkNotified: true})
	if err != nil || res.ToMark() != 0 || res.Total == 0 {
		t.Errorf("second run: total %d to mark %d (%v)", res.Total, res.ToMark(), err)
	}
}
