package ask

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/scan"
)

// record is one finding as a lookup keeps it: what an answer lists and
// what a tool shows the model.
type record struct {
	Finding
	ResourceType string `json:"ResourceType,omitempty"`
	Product      string `json:"ProductName,omitempty"`
	Workflow     string `json:"WorkflowStatus,omitempty"`
	Compliance   string `json:"ComplianceStatus,omitempty"`
	CreatedAt    string `json:"CreatedAt,omitempty"`
	UpdatedAt    string `json:"UpdatedAt,omitempty"`
	Remediation  string `json:"RemediationUrl,omitempty"`
}

func toRecord(f *types.AwsSecurityFinding) record {
	r := record{Finding: Finding{
		ID: aws.ToString(f.Id), Title: aws.ToString(f.Title), ControlID: scan.ControlID(f),
		AccountID: aws.ToString(f.AwsAccountId), Region: aws.ToString(f.Region),
	}, Product: aws.ToString(f.ProductName), CreatedAt: aws.ToString(f.CreatedAt), UpdatedAt: aws.ToString(f.UpdatedAt)}
	if f.Severity != nil {
		r.SeverityLabel = string(f.Severity.Label)
	}
	if len(f.Resources) > 0 {
		r.ResourceID, r.ResourceType = aws.ToString(f.Resources[0].Id), aws.ToString(f.Resources[0].Type)
	}
	if f.Workflow != nil {
		r.Workflow = string(f.Workflow.Status)
	}
	if f.Compliance != nil {
		r.Compliance = string(f.Compliance.Status)
	}
	if f.Remediation != nil && f.Remediation.Recommendation != nil {
		r.Remediation = aws.ToString(f.Remediation.Recommendation.Url)
	}
	return r
}

// lookup is the result of one findings search.
type lookup struct {
	// Total counts every matching finding.
	Total int `json:"total"`
	// BySeverity counts them per severity label.
	BySeverity map[string]int `json:"by_severity"`
	// TopControls are the controls with the most matching findings, most
	// first, at most ten.
	TopControls []countOf `json:"top_controls,omitempty"`
	// Findings are the first matching findings, most severe and most
	// recently updated first, at most the limit.
	Findings []record `json:"findings"`
	// Regions are the regions looked in.
	Regions []string `json:"regions"`
	// Filter is the filter as applied, defaults included.
	Filter Filter `json:"filter"`
}

type countOf struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// finder looks findings up with GetFindings.
type finder struct {
	aws *awsx.Provider
	now func() time.Time
}

var severityRank = map[string]int{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

// less orders findings most severe first, then most recently updated,
// then by id, so that answers are the same from run to run.
func less(a, b *record) bool {
	if ra, rb := severityRank[a.SeverityLabel], severityRank[b.SeverityLabel]; ra != rb {
		return ra > rb
	}
	if a.UpdatedAt != b.UpdatedAt {
		return a.UpdatedAt > b.UpdatedAt
	}
	return a.ID < b.ID
}

// search pages through every finding f selects in regions, counting them
// and keeping the first limit in answer order. Memory stays bounded by the
// limit, not by the number of findings.
func (fd *finder) search(ctx context.Context, f Filter, regions []string, limit int) (*lookup, error) {
	if err := f.check(); err != nil {
		return nil, badArgs("%v", err)
	}
	if len(regions) == 0 {
		return nil, errors.New("no region to look in: set AWS_REGION or pass --regions")
	}
	out := &lookup{BySeverity: map[string]int{}, Regions: regions, Filter: f.withDefaults()}
	controls := map[string]int{}
	keep := make([]record, 0, min(limit, 1000)*2)
	trim := func() {
		sort.Slice(keep, func(i, j int) bool { return less(&keep[i], &keep[j]) })
		if len(keep) > limit {
			keep = keep[:limit]
		}
	}
	filters := f.securityHub(fd.now())
	for _, region := range regions {
		cfg, err := fd.aws.Region(ctx, region)
		if err != nil {
			return nil, err
		}
		c := securityhub.NewFromConfig(cfg)
		p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("Security Hub GetFindings in %s: %w", region, err)
			}
			for i := range page.Findings {
				r := toRecord(&page.Findings[i])
				out.Total++
				out.BySeverity[r.SeverityLabel]++
				if r.ControlID != "" {
					controls[r.ControlID]++
				}
				if limit > 0 {
					keep = append(keep, r)
					if len(keep) >= 2*limit {
						trim()
					}
				}
			}
		}
	}
	if limit > 0 {
		trim()
	}
	out.Findings = keep
	for c, n := range controls {
		out.TopControls = append(out.TopControls, countOf{c, n})
	}
	slices.SortFunc(out.TopControls, func(a, b countOf) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(out.TopControls) > 10 {
		out.TopControls = out.TopControls[:10]
	}
	return out, nil
}

// get returns one finding by id, looked up in the region its ARN names
// (else in regions).
func (fd *finder) get(ctx context.Context, id string, regions []string) (*types.AwsSecurityFinding, error) {
	if r := arnRegion(id); r != "" {
		regions = []string{r}
	}
	for _, region := range regions {
		cfg, err := fd.aws.Region(ctx, region)
		if err != nil {
			return nil, err
		}
		out, err := securityhub.NewFromConfig(cfg).GetFindings(ctx, &securityhub.GetFindingsInput{
			Filters:    &types.AwsSecurityFindingFilters{Id: []types.StringFilter{{Value: aws.String(id), Comparison: types.StringFilterComparisonEquals}}},
			MaxResults: aws.Int32(1),
		})
		if err != nil {
			return nil, fmt.Errorf("Security Hub GetFindings in %s: %w", region, err)
		}
		if len(out.Findings) > 0 {
			return &out.Findings[0], nil
		}
	}
	return nil, fmt.Errorf("finding %q not found in %s", id, strings.Join(regions, ", "))
}

// arnRegion returns the region field of an ARN ("" when it has none).
func arnRegion(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" {
		return parts[3]
	}
	return ""
}
