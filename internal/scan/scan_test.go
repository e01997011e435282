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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain"
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
		lang explain.Lang
		bom  bool
	}{{"en", explain.EN, false}, {"ja", explain.JA, true}} {
		var out bytes.Buffer
		res, err := scan.Run(ctx, sc, &out, scan.Options{Query: scan.Query{Regions: []string{tokyo, usEast}}, Lang: tc.lang, BOM: tc.bom, Owners: owners})
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
	for _, lang := range []explain.Lang{explain.JA, explain.EN} {
		opts.Lang = lang
		var out bytes.Buffer
		res, err := scan.Run(ctx, sc, &out, opts)
		if err != nil {
			t.Fatal(err)
		}
		if lang == explain.JA {
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
		golden(t, "message."+string(lang)+".golden.txt", msg.Bytes())
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
	}
}

func TestMessageWithoutHistory(t *testing.T) {
	_, sc := startSandbox(t, sandbox.Options{Scenario: scenario(base...)})
	res, err := scan.Run(ctx, sc, nil, scan.Options{Lang: explain.JA, Env: "ステージング", Query: scan.Query{SeverityFloor: "CRITICAL"}})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Message()
	if m.Subject != "🚨 ステージング 環境で 1 件の違反を検出しました" || m.Text != "対象: 重要度 CRITICAL 以上" {
		t.Errorf("subject %q text %q", m.Subject, m.Text)
	}
	res, err = scan.Run(ctx, sc, nil, scan.Options{Lang: explain.JA, Env: "本番", Query: scan.Query{Products: []string{"GuardDuty"}}})
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
	}
	opts.Delivery = "job-1"
	res, err := scan.Run(ctx, sc, nil, opts)
	if err != nil || res.FirstScan {
		t.Errorf("an old delivery id: %+v %v", res, err)
	}
}
