package event

import "strconv"

// SecurityHubDetail is the detail of a "Security Hub Findings - ..." event.
// One event can carry several findings.
type SecurityHubDetail struct {
	// ActionName and ActionDescription are set on "Custom Action" events.
	ActionName        string    `json:"actionName"`
	ActionDescription string    `json:"actionDescription"`
	Findings          []Finding `json:"findings"`
}

// Finding is an AWS Security Finding Format (ASFF) finding, with the fields
// vigil reads. Field names follow ASFF.
type Finding struct {
	SchemaVersion   string            `json:"SchemaVersion"`
	ID              string            `json:"Id"`
	ProductArn      string            `json:"ProductArn"`
	ProductName     string            `json:"ProductName"`
	CompanyName     string            `json:"CompanyName"`
	Region          string            `json:"Region"`
	GeneratorID     string            `json:"GeneratorId"`
	AwsAccountID    string            `json:"AwsAccountId"`
	Types           []string          `json:"Types"`
	FirstObservedAt string            `json:"FirstObservedAt"`
	LastObservedAt  string            `json:"LastObservedAt"`
	CreatedAt       string            `json:"CreatedAt"`
	UpdatedAt       string            `json:"UpdatedAt"`
	Severity        FindingSeverity   `json:"Severity"`
	Title           string            `json:"Title"`
	Description     string            `json:"Description"`
	Remediation     Remediation       `json:"Remediation"`
	ProductFields   map[string]Text   `json:"ProductFields"`
	Resources       []FindingResource `json:"Resources"`
	Compliance      Compliance        `json:"Compliance"`
	WorkflowState   string            `json:"WorkflowState"`
	Workflow        struct {
		Status string `json:"Status"`
	} `json:"Workflow"`
	RecordState string `json:"RecordState"`
}

// FindingSeverity is ASFF Severity. Label is the normalised level
// (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL); Original is what the
// product reported.
type FindingSeverity struct {
	Label      string `json:"Label"`
	Normalized int    `json:"Normalized"`
	Product    Text   `json:"Product"`
	Original   string `json:"Original"`
}

// Remediation is ASFF Remediation.
type Remediation struct {
	Recommendation struct {
		Text string `json:"Text"`
		URL  string `json:"Url"`
	} `json:"Recommendation"`
}

// FindingResource is one entry of ASFF Resources.
type FindingResource struct {
	Type      string          `json:"Type"`
	ID        string          `json:"Id"`
	Partition string          `json:"Partition"`
	Region    string          `json:"Region"`
	Tags      map[string]Text `json:"Tags"`
}

// Compliance is ASFF Compliance.
type Compliance struct {
	Status              string   `json:"Status"`
	SecurityControlID   string   `json:"SecurityControlId"`
	RelatedRequirements []string `json:"RelatedRequirements"`
	StatusReasons       []struct {
		ReasonCode  string `json:"ReasonCode"`
		Description string `json:"Description"`
	} `json:"StatusReasons"`
}

// ControlID returns the Security Hub control id of a finding from a
// security standard, e.g. "EC2.7", or "" for other findings. It reads
// Compliance.SecurityControlId (consolidated control findings), then
// ProductFields "ControlId" (per-standard findings).
func (f *Finding) ControlID() string {
	if f.Compliance.SecurityControlID != "" {
		return f.Compliance.SecurityControlID
	}
	return f.ProductFields["ControlId"].String()
}

// RuleID returns ProductFields "RuleId", set by the CIS v1.2.0 standard
// (e.g. "1.4"), or "".
func (f *Finding) RuleID() string { return f.ProductFields["RuleId"].String() }

// StandardsArn returns the ARN of the standard (or CIS ruleset) that
// produced the finding, or "".
func (f *Finding) StandardsArn() string {
	if s := f.ProductFields["StandardsArn"].String(); s != "" {
		return s
	}
	return f.ProductFields["StandardsGuideArn"].String()
}

// RelatedConfigRules returns the names of the AWS Config rules listed in
// ProductFields as "RelatedAWSResources:N/name" with type
// AWS::Config::ConfigRule, in index order.
func (f *Finding) RelatedConfigRules() []string {
	var out []string
	for i := 0; ; i++ {
		prefix := "RelatedAWSResources:" + strconv.Itoa(i)
		name, ok := f.ProductFields[prefix+"/name"]
		if !ok {
			return out
		}
		if f.ProductFields[prefix+"/type"] == "AWS::Config::ConfigRule" {
			out = append(out, name.String())
		}
	}
}

// SecurityHub returns the detail of a Security Hub findings event.
func (e *Event) SecurityHub() (*SecurityHubDetail, error) {
	return view[SecurityHubDetail](e, KindSecurityHub)
}
