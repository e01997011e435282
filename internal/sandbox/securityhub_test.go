package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func eq(v string) []shtypes.StringFilter {
	return []shtypes.StringFilter{{Value: aws.String(v), Comparison: shtypes.StringFilterComparisonEquals}}
}

func TestSecurityHubDemoFindings(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	// The administrator (default account) sees 111111111111's findings in us-east-1.
	c := securityhub.NewFromConfig(cfg(sb, "us-east-1"))
	out := must[*securityhub.GetFindingsOutput](t)(c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{
		ComplianceSecurityControlId: eq("EC2.7"), ComplianceStatus: eq("FAILED"),
	}}))
	if len(out.Findings) != 1 || aws.ToString(out.Findings[0].Id) != "arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06" {
		t.Fatalf("EC2.7 findings = %d", len(out.Findings))
	}
	f := out.Findings[0]
	if f.Workflow.Status != shtypes.WorkflowStatusNew || f.RecordState != shtypes.RecordStateActive || f.Severity.Label != shtypes.SeverityLabelMedium || aws.ToString(f.Region) != "us-east-1" {
		t.Errorf("finding = %+v", f)
	}
	// The GuardDuty findings are in ap-northeast-1.
	apne := securityhub.NewFromConfig(cfg(sb, region))
	gd := must[*securityhub.GetFindingsOutput](t)(apne.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{
		ResourceId: []shtypes.StringFilter{{Value: aws.String("arn:aws:ec2:ap-northeast-1:111122223333:instance/"), Comparison: shtypes.StringFilterComparisonPrefix}},
	}}))
	if len(gd.Findings) != 2 {
		t.Errorf("instance findings in ap-northeast-1 = %d, want 2", len(gd.Findings))
	}

	upd := must[*securityhub.BatchUpdateFindingsOutput](t)(c.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []shtypes.AwsSecurityFindingIdentifier{{Id: f.Id, ProductArn: f.ProductArn}, {Id: aws.String("nope"), ProductArn: f.ProductArn}},
		Workflow:           &shtypes.WorkflowUpdate{Status: shtypes.WorkflowStatusResolved},
		Note:               &shtypes.NoteUpdate{Text: aws.String("EBS encryption by default enabled by vigil"), UpdatedBy: aws.String("vigil")},
	}))
	if len(upd.ProcessedFindings) != 1 || len(upd.UnprocessedFindings) != 1 || aws.ToString(upd.UnprocessedFindings[0].ErrorCode) != "FindingNotFound" {
		t.Errorf("update = %+v / %+v", upd.ProcessedFindings, upd.UnprocessedFindings)
	}
	raw, _ := sb.Finding(aws.ToString(f.Id))
	var stored struct {
		Workflow  struct{ Status string }
		Note      struct{ Text string }
		UpdatedAt string
	}
	json.Unmarshal(raw, &stored)
	if stored.Workflow.Status != "RESOLVED" || stored.Note.Text == "" || stored.UpdatedAt == "2021-02-17T14:56:09.063Z" {
		t.Errorf("stored after update = %+v", stored)
	}
	_, err := c.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: []shtypes.AwsSecurityFindingIdentifier{{Id: f.Id, ProductArn: f.ProductArn}},
		Workflow: &shtypes.WorkflowUpdate{Status: "DONE"}})
	wantCode(t, err, "InvalidInputException")
	_, err = c.GetFindings(ctx, &securityhub.GetFindingsInput{MaxResults: aws.Int32(101)})
	wantCode(t, err, "InvalidInputException")
}

func TestSecurityHubImport(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := securityhub.NewFromConfig(cfg(sb, region))
	now := time.Now().UTC().Format(time.RFC3339)
	good := shtypes.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"), Id: aws.String("vigil-test-1"), ProductArn: aws.String("arn:aws:securityhub:ap-northeast-1:111122223333:product/111122223333/default"),
		GeneratorId: aws.String("vigil"), AwsAccountId: aws.String("111122223333"), Types: []string{"Software and Configuration Checks"},
		CreatedAt: aws.String(now), UpdatedAt: aws.String(now), Severity: &shtypes.Severity{Label: shtypes.SeverityLabelHigh},
		Title: aws.String("test"), Description: aws.String("imported by a test"),
		Resources: []shtypes.Resource{{Type: aws.String("AwsEc2Instance"), Id: aws.String("i-0a1b2c3d4e5f60718")}},
	}
	bad := good
	bad.Id, bad.CreatedAt = aws.String("vigil-test-2"), aws.String("yesterday")
	out := must[*securityhub.BatchImportFindingsOutput](t)(c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{good, bad}}))
	if aws.ToInt32(out.SuccessCount) != 1 || aws.ToInt32(out.FailedCount) != 1 || aws.ToString(out.FailedFindings[0].Id) != "vigil-test-2" {
		t.Fatalf("import = %d ok %d failed %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
	got := must[*securityhub.GetFindingsOutput](t)(c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{Id: eq("vigil-test-1")}}))
	if len(got.Findings) != 1 || got.Findings[0].Workflow.Status != shtypes.WorkflowStatusNew || got.Findings[0].RecordState != shtypes.RecordStateActive {
		t.Errorf("imported finding = %+v", got.Findings)
	}
}

// generated starts a sandbox with n generated findings.
func generated(t testing.TB, n int) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: sandbox.Demo(), Findings: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func TestSecurityHubPagingStableUnderUpdates(t *testing.T) {
	t.Parallel()
	sb := generated(t, 10_000)
	c := securityhub.NewFromConfig(cfg(sb, region))
	filters := &shtypes.AwsSecurityFindingFilters{RecordState: eq("ACTIVE"), ComplianceStatus: eq("FAILED")}
	// Count once without interference.
	want := 0
	p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		want += len(must[*securityhub.GetFindingsOutput](t)(p.NextPage(ctx)).Findings)
	}
	if want < 1000 {
		t.Fatalf("only %d active failed findings in ap-northeast-1 out of 10,000", want)
	}

	// Page again while another client keeps updating findings (workflow
	// and note only, which keeps them in the filter).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		q := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
		for q.HasMorePages() {
			select {
			case <-stop:
				return
			default:
			}
			pg, err := q.NextPage(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			var ids []shtypes.AwsSecurityFindingIdentifier
			for _, f := range pg.Findings {
				ids = append(ids, shtypes.AwsSecurityFindingIdentifier{Id: f.Id, ProductArn: f.ProductArn})
			}
			if len(ids) == 0 {
				continue
			}
			if _, err := c.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: ids,
				Note: &shtypes.NoteUpdate{Text: aws.String("seen"), UpdatedBy: aws.String("test")}, Workflow: &shtypes.WorkflowUpdate{Status: shtypes.WorkflowStatusNotified}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	seen := map[string]bool{}
	p = securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		for _, f := range must[*securityhub.GetFindingsOutput](t)(p.NextPage(ctx)).Findings {
			id := aws.ToString(f.Id)
			if seen[id] {
				t.Fatalf("finding %s returned twice", id)
			}
			seen[id] = true
		}
	}
	close(stop)
	wg.Wait()
	if len(seen) != want {
		t.Errorf("paged %d findings while updating, %d without", len(seen), want)
	}

	// Sorted paging keeps its order and membership too.
	sorted := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters,
		SortCriteria: []shtypes.SortCriterion{{Field: aws.String("UpdatedAt"), SortOrder: shtypes.SortOrderDescending}}})
	var last string
	n := 0
	for sorted.HasMorePages() {
		for _, f := range must[*securityhub.GetFindingsOutput](t)(sorted.NextPage(ctx)).Findings {
			n++
			if last != "" && aws.ToString(f.UpdatedAt) > last && n < 200 {
				// The first pages were sorted before the updates above; no
				// later page may go back in time relative to its own snapshot.
				t.Fatalf("sort order broken at %d: %s after %s", n, aws.ToString(f.UpdatedAt), last)
			}
			last = aws.ToString(f.UpdatedAt)
		}
	}
	if n != want {
		t.Errorf("sorted paging returned %d, want %d", n, want)
	}
}

func TestSecurityHubFilterComparisons(t *testing.T) {
	t.Parallel()
	sb := generated(t, 3000)
	c := securityhub.NewFromConfig(cfg(sb, region))
	count := func(f *shtypes.AwsSecurityFindingFilters) int {
		n := 0
		p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: f})
		for p.HasMorePages() {
			n += len(must[*securityhub.GetFindingsOutput](t)(p.NextPage(ctx)).Findings)
		}
		return n
	}
	all := count(nil)
	critical := count(&shtypes.AwsSecurityFindingFilters{SeverityLabel: eq("CRITICAL")})
	notCritical := count(&shtypes.AwsSecurityFindingFilters{SeverityLabel: []shtypes.StringFilter{{Value: aws.String("CRITICAL"), Comparison: shtypes.StringFilterComparisonNotEquals}}})
	if critical == 0 || critical+notCritical != all {
		t.Errorf("critical %d + not critical %d != all %d", critical, notCritical, all)
	}
	ec2 := count(&shtypes.AwsSecurityFindingFilters{GeneratorId: []shtypes.StringFilter{{Value: aws.String("security-control/EC2."), Comparison: shtypes.StringFilterComparisonPrefix}}})
	ec2Or := count(&shtypes.AwsSecurityFindingFilters{ComplianceSecurityControlId: []shtypes.StringFilter{
		{Value: aws.String("EC2.2"), Comparison: shtypes.StringFilterComparisonEquals}, {Value: aws.String("EC2.3"), Comparison: shtypes.StringFilterComparisonEquals},
		{Value: aws.String("EC2.7"), Comparison: shtypes.StringFilterComparisonEquals}, {Value: aws.String("EC2.8"), Comparison: shtypes.StringFilterComparisonEquals},
		{Value: aws.String("EC2.9"), Comparison: shtypes.StringFilterComparisonEquals}, {Value: aws.String("EC2.18"), Comparison: shtypes.StringFilterComparisonEquals},
		{Value: aws.String("EC2.19"), Comparison: shtypes.StringFilterComparisonEquals}, {Value: aws.String("EC2.53"), Comparison: shtypes.StringFilterComparisonEquals},
	}})
	if ec2 == 0 || ec2 != ec2Or {
		t.Errorf("EC2 by generator prefix %d, by control ids %d", ec2, ec2Or)
	}
	mine := count(&shtypes.AwsSecurityFindingFilters{AwsAccountId: eq("111122223333"), Region: eq(region), WorkflowStatus: eq("NEW")})
	if mine == 0 || mine >= all {
		t.Errorf("account+region+workflow = %d of %d", mine, all)
	}
	//lint:ignore SA1019 the sandbox refuses the deprecated Keyword filter as Security Hub does
	_, err := c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{Keyword: []shtypes.KeywordFilter{{Value: aws.String("x")}}}})
	wantCode(t, err, "InvalidInputException")
}

func BenchmarkGetFindingsScan(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			sb, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: sandbox.Demo(), Findings: n})
			if err != nil {
				b.Fatal(err)
			}
			defer sb.Close()
			c := securityhub.NewFromConfig(cfg(sb, region))
			b.ResetTimer()
			for b.Loop() {
				got := 0
				p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{MaxResults: aws.Int32(100),
					Filters: &shtypes.AwsSecurityFindingFilters{RecordState: eq("ACTIVE")}})
				for p.HasMorePages() {
					pg, err := p.NextPage(ctx)
					if err != nil {
						b.Fatal(err)
					}
					got += len(pg.Findings)
				}
				b.ReportMetric(float64(got), "findings/scan")
			}
		})
	}
}

func BenchmarkGenerateFindings(b *testing.B) {
	for b.Loop() {
		sb, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: sandbox.Demo(), Findings: 100_000})
		if err != nil {
			b.Fatal(err)
		}
		sb.Close()
	}
}

// BenchmarkGetFindingsScanRaw pages through every active finding with a
// plain HTTP client, measuring the sandbox without the SDK's decoding.
func BenchmarkGetFindingsScanRaw(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			sb, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: sandbox.Demo(), Findings: n})
			if err != nil {
				b.Fatal(err)
			}
			defer sb.Close()
			b.ResetTimer()
			for b.Loop() {
				token, pages := "", 0
				for {
					body := `{"MaxResults":100,"Filters":{"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]},"NextToken":"` + token + `"}`
					resp, err := http.Post(sb.URL()+"/findings", "application/json", strings.NewReader(body))
					if err != nil {
						b.Fatal(err)
					}
					var out struct{ NextToken string }
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if err != nil {
						b.Fatal(err)
					}
					pages++
					if token = out.NextToken; token == "" {
						break
					}
				}
				b.ReportMetric(float64(pages), "pages/scan")
			}
		})
	}
}
