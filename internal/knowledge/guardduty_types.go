package knowledge

import (
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// gdEntry is one finding type of the index (guardduty_index.go).
type gdEntry struct {
	Type       string
	Page       string // ec2, iam, s3, runtime, attack-sequence
	Anchor     string
	Severity   string // CRITICAL, HIGH, MEDIUM, LOW; "" when not confirmed
	Variable   bool
	DataSource string
	Retired    bool
}

// gdPages are the GuardDuty User Guide pages of the index.
var gdPages = map[string]string{
	"ec2":             gdDocs + "guardduty_finding-types-ec2.html",
	"iam":             gdDocs + "guardduty_finding-types-iam.html",
	"s3":              gdDocs + "guardduty_finding-types-s3.html",
	"runtime":         gdDocs + "findings-runtime-monitoring.html",
	"attack-sequence": gdDocs + "guardduty-attack-sequence-finding-types.html",
	"eks":             gdDocs + "guardduty-finding-types-eks-audit-logs.html",
	"rds":             gdDocs + "findings-rds-protection.html",
	"lambda":          gdDocs + "lambda-protection-finding-types.html",
	"malware":         gdDocs + "findings-malware-protection.html",
	"malware-s3":      gdDocs + "gdu-malware-protection-s3-finding-types.html",
	"malware-backup":  gdDocs + "findings-malware-protection-backup.html",
	"retired":         gdDocs + "guardduty_finding-types-retired.html",
}

// FindingTypesIndexURL is the GuardDuty page that lists every active
// finding type.
const FindingTypesIndexURL = gdDocs + "guardduty_finding-types-active.html"

// GuardDutyTypeInfo is what vigil knows of a GuardDuty finding type: from
// the type's name (threat purpose, resource type), from the index when the
// type is in it, and the remediation guide that applies.
type GuardDutyTypeInfo struct {
	Type string
	// Purpose is the threat purpose (the name's first part), e.g. "Recon".
	Purpose string
	// ResourceType is the resource type the name gives, e.g. "EC2",
	// "IAMUser", "S3", "Runtime", "Kubernetes", "Lambda", "RDS".
	ResourceType string
	// Indexed is true when the type is in vigil's index; the fields below
	// are empty otherwise.
	Indexed          bool
	DefaultSeverity  string
	VariableSeverity bool
	DataSource       string
	Retired          bool
	// DocURL is the type's entry in the User Guide (or its page, or the
	// list of all types).
	DocURL string
	// PurposeText says, in the language asked for, what the threat purpose
	// means; "" for a purpose vigil has no prose for.
	PurposeText string
	// Summary says, in the language asked for, what a finding of this type
	// reports (vigil's wording of the type's entry in the User Guide); ""
	// when the catalog has no summary for the type.
	Summary string
	// Remediation and RemediationTitle name the User Guide's remediation
	// guide for the resource type, when there is one ("" otherwise).
	Remediation, RemediationTitle string
	// RemediationSteps are our steps for that guide's kind of resource.
	RemediationSteps []string
}

// GuardDutyType describes a finding type. resource is the finding's own
// resource type (resource.resourceType, e.g. "Instance", "ECSCluster"),
// which decides the remediation for types whose name does not (Runtime
// Monitoring).
func GuardDutyType(typ, resource string, l lang.Lang) GuardDutyTypeInfo {
	info := GuardDutyTypeInfo{Type: typ, DocURL: FindingTypesIndexURL}
	purpose, rest, _ := strings.Cut(typ, ":")
	info.Purpose = purpose
	info.ResourceType, _, _ = strings.Cut(rest, "/")
	for _, e := range gdIndex {
		if e.Type != typ {
			continue
		}
		info.Indexed = true
		info.DefaultSeverity, info.VariableSeverity, info.DataSource, info.Retired = e.Severity, e.Variable, e.DataSource, e.Retired
		page := e.Page
		if e.Retired {
			page = "retired"
		}
		info.DocURL = gdPages[page]
		if e.Anchor != "" {
			info.DocURL += "#" + e.Anchor
		}
		break
	}
	t := textFor(l)
	info.PurposeText = t.purposes[strings.ToLower(purpose)]
	info.Summary = t.gdSummaries[typ]
	if fam := remediationFamily(info.ResourceType, resource); fam != "" {
		info.Remediation, info.RemediationTitle = familyURL[fam], t.famTitles[fam]
		info.RemediationSteps = t.families[fam].Steps
	}
	return info
}

// remediationFamily picks the remediation guide for a type's resource
// type, and for Runtime Monitoring types, for the finding's resource.
func remediationFamily(nameResource, findingResource string) family {
	switch nameResource {
	case "EC2":
		return famEC2
	case "IAMUser", "IAM":
		return famCred
	case "S3":
		if findingResource == "S3Object" {
			return famS3Object
		}
		return famS3
	case "Lambda":
		return famLambda
	case "ECS":
		return famECS
	case "Kubernetes":
		return famEKS
	case "RDS":
		return famRDS
	case "Runtime", "Container":
		switch findingResource {
		case "Instance":
			return famEC2
		case "ECSCluster":
			return famECS
		case "EKSCluster":
			return famEKSRuntime
		}
	}
	return ""
}

// GuardDutyIndex lists the finding types of the index.
func GuardDutyIndex() []string {
	out := make([]string, len(gdIndex))
	for i, e := range gdIndex {
		out[i] = e.Type
	}
	return out
}
