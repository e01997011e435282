package ask

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/internal/scan"
)

// Filter says which findings a question is about. It is also the input of
// the search_findings tool. Values of one field are ORed, fields ANDed, as
// GetFindings does. Empty Workflow and RecordState take the defaults of a
// findings question (NEW or NOTIFIED; ACTIVE); no compliance filter is
// added unless asked for.
type Filter struct {
	Severities []string `json:"severity,omitempty"`
	ControlIDs []string `json:"control_id,omitempty"`
	// Services keep findings of controls of these services: S3 keeps
	// S3.1, S3.8, ... (ComplianceSecurityControlId PREFIX "S3.").
	Services      []string `json:"service,omitempty"`
	Accounts      []string `json:"account_id,omitempty"`
	Regions       []string `json:"region,omitempty"`
	ResourceTypes []string `json:"resource_type,omitempty"`
	// ResourceIDs are ARNs (matched exactly) or short ids such as
	// i-0123..., sg-..., a bucket or user name (matched as part of the
	// resource's id).
	ResourceIDs []string `json:"resource_id,omitempty"`
	Products    []string `json:"product,omitempty"`
	Workflow    []string `json:"workflow_status,omitempty"`
	Compliance  []string `json:"compliance_status,omitempty"`
	RecordState []string `json:"record_state,omitempty"`
	// Since and Until bound the finding's creation time (or its update
	// time with TimeField "updated"), RFC 3339.
	Since     string `json:"since,omitempty"`
	Until     string `json:"until,omitempty"`
	TimeField string `json:"time_field,omitempty"`
	// FindingIDs keep these findings only.
	FindingIDs []string `json:"finding_id,omitempty"`
}

// Enumerations of ASFF fields.
var (
	severityLabels = scan.Severities // ascending
	workflowValues = []string{"NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"}
	complianceVals = []string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}
	recordValues   = []string{"ACTIVE", "ARCHIVED"}
)

// defaults fills the defaults of a findings question.
func (f Filter) withDefaults() Filter {
	if len(f.Workflow) == 0 {
		f.Workflow = []string{"NEW", "NOTIFIED"}
	}
	if len(f.RecordState) == 0 {
		f.RecordState = []string{"ACTIVE"}
	}
	return f
}

// check validates the filter; errors name the field and say what to give.
func (f *Filter) check() error {
	upper := func(field string, vals []string, allowed []string) error {
		for i, v := range vals {
			vals[i] = strings.ToUpper(strings.TrimSpace(v))
			if !slices.Contains(allowed, vals[i]) {
				return fmt.Errorf("%s: %q is not one of %s", field, v, strings.Join(allowed, ", "))
			}
		}
		return nil
	}
	for _, c := range []struct {
		field   string
		vals    []string
		allowed []string
	}{{"severity", f.Severities, severityLabels}, {"workflow_status", f.Workflow, workflowValues},
		{"compliance_status", f.Compliance, complianceVals}, {"record_state", f.RecordState, recordValues}} {
		if err := upper(c.field, c.vals, c.allowed); err != nil {
			return err
		}
	}
	for _, a := range f.Accounts {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			return fmt.Errorf("account_id: %q is not a 12-digit AWS account id", a)
		}
	}
	for _, r := range f.Regions {
		if !regionRE.MatchString(r) {
			return fmt.Errorf("region: %q is not a region name such as ap-northeast-1", r)
		}
	}
	for _, c := range f.ControlIDs {
		if c == "" || strings.ContainsAny(c, " ,/") {
			return fmt.Errorf("control_id: %q is not a control id such as S3.1", c)
		}
	}
	for _, t := range []struct{ field, v string }{{"since", f.Since}, {"until", f.Until}} {
		if t.v == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, t.v); err != nil {
			return fmt.Errorf("%s: %q is not an RFC 3339 time such as 2026-12-01T00:00:00Z", t.field, t.v)
		}
	}
	switch f.TimeField {
	case "", "created", "updated":
	default:
		return fmt.Errorf("time_field: want created or updated, got %q", f.TimeField)
	}
	return nil
}

// securityHub returns the GetFindings filters. A time range open at its
// end ends at now: Security Hub wants both ends.
func (f Filter) securityHub(now time.Time) *types.AwsSecurityFindingFilters {
	f = f.withDefaults()
	str := func(cmp types.StringFilterComparison, vals ...string) []types.StringFilter {
		out := make([]types.StringFilter, 0, len(vals))
		for _, v := range vals {
			out = append(out, types.StringFilter{Value: aws.String(v), Comparison: cmp})
		}
		return out
	}
	eq := func(vals ...string) []types.StringFilter { return str(types.StringFilterComparisonEquals, vals...) }
	out := &types.AwsSecurityFindingFilters{
		WorkflowStatus:   eq(f.Workflow...),
		RecordState:      eq(f.RecordState...),
		SeverityLabel:    eq(f.Severities...),
		AwsAccountId:     eq(f.Accounts...),
		Region:           eq(f.Regions...),
		ResourceType:     eq(f.ResourceTypes...),
		ProductName:      eq(f.Products...),
		ComplianceStatus: eq(f.Compliance...),
		Id:               eq(f.FindingIDs...),
	}
	var controls []types.StringFilter
	controls = append(controls, eq(f.ControlIDs...)...)
	for _, s := range f.Services {
		controls = append(controls, str(types.StringFilterComparisonPrefix, s+".")...)
	}
	out.ComplianceSecurityControlId = controls
	for _, r := range f.ResourceIDs {
		cmp := types.StringFilterComparisonEquals
		if !strings.HasPrefix(r, "arn:") {
			cmp = types.StringFilterComparisonContains
		}
		out.ResourceId = append(out.ResourceId, str(cmp, r)...)
	}
	if f.Since != "" || f.Until != "" {
		since, until := f.Since, f.Until
		if since == "" {
			since = "1970-01-01T00:00:00Z"
		}
		if until == "" {
			until = now.UTC().Format(time.RFC3339)
		}
		d := []types.DateFilter{{Start: aws.String(since), End: aws.String(until)}}
		if f.TimeField == "updated" {
			out.UpdatedAt = d
		} else {
			out.CreatedAt = d
		}
	}
	return out
}
