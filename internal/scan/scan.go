// Package scan lists Security Hub violations: it pages through GetFindings
// in one or more regions with the filters the systems vigil replaces used
// (failed controls, still NEW or NOTIFIED, active records), narrows them by
// control id, severity, product and account, and streams each finding to
// the caller, so memory does not grow with the number of findings.
//
// On top of the stream, Run writes a CSV report (Japanese or English
// headers), compares the findings with the previous run of the same scan
// kept in vigil's database (new, resolved, still open), groups them by owner
// (a resource tag mapped to Slack users or email addresses), and builds the
// notification that leads with what changed.
package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/awsx"
)

// Severities in ascending order, as Security Hub labels them.
var Severities = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// Query says which findings a scan lists. The zero Query lists every
// failed, active finding whose workflow status is NEW or NOTIFIED in the
// default region.
type Query struct {
	// ControlIDs, when not empty, keeps findings of these controls only
	// (e.g. S3.1, IAM.1), matched against Compliance.SecurityControlId, or
	// the last part of the GeneratorId for findings without one.
	ControlIDs []string
	// SeverityFloor keeps findings of this severity label or higher.
	SeverityFloor string
	// Regions are scanned one after the other; the AWS configuration's
	// region when empty.
	Regions []string
	// Accounts keeps findings of these AWS accounts (an administrator
	// account sees its members' findings); all when empty.
	Accounts []string
	// Products keeps findings of these products (ProductName, e.g.
	// "Security Hub", "GuardDuty"); all when empty.
	Products []string
}

// Check validates the query; errors name the field.
func (q Query) Check() error {
	if q.SeverityFloor != "" && !slices.Contains(Severities, q.SeverityFloor) {
		return fmt.Errorf("severity_floor: want one of %s, got %q", strings.Join(Severities, ", "), q.SeverityFloor)
	}
	for i, c := range q.ControlIDs {
		if strings.TrimSpace(c) == "" || strings.ContainsAny(c, " ,/") {
			return fmt.Errorf("control_ids[%d]: %q is not a control id such as S3.1", i, c)
		}
	}
	for i, r := range q.Regions {
		if r == "" || strings.ContainsAny(r, " ,/") {
			return fmt.Errorf("regions[%d]: %q is not a region name such as ap-northeast-1", i, r)
		}
	}
	for i, a := range q.Accounts {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			return fmt.Errorf("accounts[%d]: %q is not a 12-digit AWS account id", i, a)
		}
	}
	return nil
}

// Key names the query: queries with the same filters have the same key, so
// a scan's history is found again without naming it.
func (q Query) Key() string {
	norm := func(s []string) string {
		c := slices.Clone(s)
		slices.Sort(c)
		return strings.Join(c, ",")
	}
	h := sha256.Sum256([]byte(strings.Join([]string{norm(q.ControlIDs), q.SeverityFloor, norm(q.Regions), norm(q.Accounts), norm(q.Products)}, "|")))
	return "securityhub-" + hex.EncodeToString(h[:6])
}

// Filters returns the GetFindings filters: the fixed ones (ComplianceStatus
// FAILED; WorkflowStatus NEW or NOTIFIED; RecordState ACTIVE) and the
// query's severity, account and product filters. Control ids are matched on
// the client, because a finding may carry its control id in either of two
// fields and Security Hub cannot OR across fields.
func (q Query) Filters() *types.AwsSecurityFindingFilters {
	eq := func(vals ...string) []types.StringFilter {
		out := make([]types.StringFilter, len(vals))
		for i, v := range vals {
			out[i] = types.StringFilter{Value: aws.String(v), Comparison: types.StringFilterComparisonEquals}
		}
		return out
	}
	f := &types.AwsSecurityFindingFilters{
		ComplianceStatus: eq("FAILED"),
		WorkflowStatus:   eq("NEW", "NOTIFIED"),
		RecordState:      eq("ACTIVE"),
	}
	if q.SeverityFloor != "" {
		i := slices.Index(Severities, q.SeverityFloor)
		f.SeverityLabel = eq(Severities[i:]...)
	}
	if len(q.Accounts) > 0 {
		f.AwsAccountId = eq(q.Accounts...)
	}
	if len(q.Products) > 0 {
		f.ProductName = eq(q.Products...)
	}
	return f
}

// Finding is what a report shows of one Security Hub finding.
type Finding struct {
	ID             string
	Resource       string // the first resource's id (an ARN, usually)
	ResourceType   string
	Title          string
	ControlID      string
	Severity       string
	Account        string
	Region         string
	FirstObserved  string
	LastObserved   string
	RemediationURL string
	// Tags are the first resource's tags, as Security Hub reports them.
	Tags map[string]string
	// ProductArn and Workflow (NEW, NOTIFIED) identify the finding and
	// its workflow status for BatchUpdateFindings.
	ProductArn string
	Workflow   string
	// ScannedIn is the region whose Security Hub listed the finding (its
	// Region differs under cross-region aggregation).
	ScannedIn string
	// owner is the owner tag's value, kept with the run in the archive.
	owner string
}

// ControlID returns a finding's control id: Compliance.SecurityControlId,
// else the last part of the GeneratorId
// ("aws-foundational-security-best-practices/v/1.0.0/S3.1" gives S3.1).
func ControlID(f *types.AwsSecurityFinding) string {
	if f.Compliance != nil && aws.ToString(f.Compliance.SecurityControlId) != "" {
		return aws.ToString(f.Compliance.SecurityControlId)
	}
	g := aws.ToString(f.GeneratorId)
	if i := strings.LastIndexByte(g, '/'); i >= 0 {
		return g[i+1:]
	}
	return g
}

func convert(f *types.AwsSecurityFinding) Finding {
	out := Finding{
		ID: aws.ToString(f.Id), Title: aws.ToString(f.Title), ControlID: ControlID(f),
		Account: aws.ToString(f.AwsAccountId), Region: aws.ToString(f.Region),
		FirstObserved: aws.ToString(f.FirstObservedAt), LastObserved: aws.ToString(f.LastObservedAt),
	}
	if out.FirstObserved == "" {
		out.FirstObserved = aws.ToString(f.CreatedAt)
	}
	if out.LastObserved == "" {
		out.LastObserved = aws.ToString(f.UpdatedAt)
	}
	if f.Severity != nil {
		out.Severity = string(f.Severity.Label)
	}
	out.ProductArn = aws.ToString(f.ProductArn)
	if f.Workflow != nil {
		out.Workflow = string(f.Workflow.Status)
	}
	if len(f.Resources) > 0 {
		r := f.Resources[0]
		out.Resource, out.ResourceType, out.Tags = aws.ToString(r.Id), aws.ToString(r.Type), r.Tags
	}
	if f.Remediation != nil && f.Remediation.Recommendation != nil {
		out.RemediationURL = aws.ToString(f.Remediation.Recommendation.Url)
	}
	return out
}

// GetFindingsAPI is the Security Hub call a scan makes.
type GetFindingsAPI interface {
	GetFindings(ctx context.Context, in *securityhub.GetFindingsInput, opts ...func(*securityhub.Options)) (*securityhub.GetFindingsOutput, error)
}

// Scanner lists findings with Security Hub clients built from one AWS
// configuration.
type Scanner struct {
	// AWS is the configuration clients are built from (awsx.Load); its
	// region is scanned when the query names none.
	AWS aws.Config
	// PageSize is GetFindings' MaxResults; 100 (the maximum) when zero.
	PageSize int32
	// Retries is how many more times a page is asked for when Security
	// Hub throttles or fails (after the SDK's own attempts), so a busy
	// account slows a scan down instead of ending it; 8 when zero,
	// none when negative.
	Retries int
	// Backoff is the first wait between those attempts, doubled each time
	// up to 30s; 1s when zero.
	Backoff time.Duration
}

// ErrStop, returned by a Scan callback, ends the scan without error.
var ErrStop = errors.New("stop scanning")

// Scan calls fn with each finding q selects, region by region, page by
// page. Only one page is held at a time. fn's error (other than ErrStop)
// ends the scan and is returned.
func (s *Scanner) Scan(ctx context.Context, q Query, fn func(*Finding) error) error {
	if err := q.Check(); err != nil {
		return err
	}
	regions := q.Regions
	if len(regions) == 0 {
		if s.AWS.Region == "" {
			return errors.New("regions: none given and the AWS configuration has no region")
		}
		regions = []string{s.AWS.Region}
	}
	allow := map[string]bool{}
	for _, c := range q.ControlIDs {
		allow[c] = true
	}
	size := s.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	filters := q.Filters()
	for _, region := range regions {
		client := securityhub.NewFromConfig(s.AWS, func(o *securityhub.Options) { o.Region = region })
		err := s.scanRegion(ctx, client, filters, size, func(f *types.AwsSecurityFinding) error {
			if len(allow) > 0 && !allow[ControlID(f)] {
				return nil
			}
			c := convert(f)
			c.ScannedIn = region
			return fn(&c)
		})
		if errors.Is(err, ErrStop) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("Security Hub GetFindings in %s: %w", region, err)
		}
	}
	return nil
}

func (s *Scanner) scanRegion(ctx context.Context, c GetFindingsAPI, filters *types.AwsSecurityFindingFilters, size int32, fn func(*types.AwsSecurityFinding) error) error {
	p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(size)})
	for p.HasMorePages() {
		var page *securityhub.GetFindingsOutput
		// A failed NextPage does not advance the paginator: asking again
		// asks for the same page.
		err := s.retry(ctx, func() (err error) {
			page, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return err
		}
		for i := range page.Findings {
			if err := fn(&page.Findings[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// retry calls fn until it succeeds, fails for good (awsx.Retryable) or
// has failed s.Retries more times, waiting a doubling backoff between.
func (s *Scanner) retry(ctx context.Context, fn func() error) error {
	retries := s.Retries
	if retries == 0 {
		retries = 8
	}
	wait := s.Backoff
	if wait <= 0 {
		wait = time.Second
	}
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt >= retries || ctx.Err() != nil || !awsx.Retryable(err) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 30*time.Second)
	}
}
