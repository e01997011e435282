package remediate

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// Finding is what a remediation is about: one GuardDuty finding, Security
// Hub finding, AWS Config evaluation or CloudTrail call, reduced to what
// mapping, policy and playbooks read.
type Finding struct {
	// ID identifies the finding across its updates (GuardDuty's and
	// Security Hub's finding id; rule, resource type and id for Config;
	// the event id otherwise). A finding is remediated once per playbook
	// and resource, however often it is sent again.
	ID      string `json:"id"`
	EventID string `json:"event_id"`
	// Source is guardduty, securityhub, config or cloudtrail.
	Source string `json:"source"`
	// Type is the GuardDuty finding type (also for GuardDuty findings
	// that come through Security Hub), e.g. CryptoCurrency:EC2/BitcoinTool.B!DNS.
	Type string `json:"type,omitempty"`
	// Control is the Security Hub control id, e.g. EC2.8.
	Control string `json:"control,omitempty"`
	// ConfigRules are the AWS Config rule names behind the finding.
	ConfigRules []string `json:"config_rules,omitempty"`
	// EventName is the CloudTrail call, for cloudtrail findings.
	EventName string `json:"event_name,omitempty"`
	Title     string `json:"title,omitempty"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	// Severity is INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL; empty
	// when the source has none (Config, CloudTrail).
	Severity  string     `json:"severity,omitempty"`
	Resources []Resource `json:"resources"`
}

// Resource is one resource of a finding.
type Resource struct {
	// Type is the ASFF resource type: AwsEc2Instance, AwsEc2SecurityGroup,
	// AwsS3Bucket, AwsIamAccessKey, AwsIamUser, AwsAccount.
	Type string `json:"type"`
	// ID is the resource's own id: i-..., sg-..., the bucket name, the
	// access key id, the user name, the account id.
	ID     string            `json:"id"`
	ARN    string            `json:"arn,omitempty"`
	Region string            `json:"region,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Details are what else the finding says about it: user (an access
	// key's user), vpc (an instance's VPC).
	Details map[string]string `json:"details,omitempty"`
}

// Resource types playbooks act on.
const (
	TypeInstance      = "AwsEc2Instance"
	TypeSecurityGroup = "AwsEc2SecurityGroup"
	TypeBucket        = "AwsS3Bucket"
	TypeAccessKey     = "AwsIamAccessKey"
	TypeUser          = "AwsIamUser"
	TypeAccount       = "AwsAccount"
)

// Resource returns the finding's first resource of type typ.
func (f *Finding) Resource(typ string) (Resource, bool) {
	for _, r := range f.Resources {
		if r.Type == typ {
			return r, true
		}
	}
	return Resource{}, false
}

// severityRank orders severities; unknown ones rank as MEDIUM.
func severityRank(s string) int {
	switch strings.ToUpper(s) {
	case "INFORMATIONAL":
		return 0
	case "LOW":
		return 1
	case "HIGH":
		return 3
	case "CRITICAL":
		return 4
	}
	return 2
}

// guardDutySeverity turns GuardDuty's number into a label (GuardDuty's
// documented bands).
func guardDutySeverity(n float64) string {
	switch {
	case n >= 9:
		return "CRITICAL"
	case n >= 7:
		return "HIGH"
	case n >= 4:
		return "MEDIUM"
	}
	return "LOW"
}

// Findings returns the findings an event carries: one for a GuardDuty
// finding, a Config evaluation or a CloudTrail call, one per finding of a
// Security Hub event. Other events carry none, which is an error naming the
// event's source and type.
func Findings(ev *event.Event) ([]*Finding, error) {
	switch ev.Kind() {
	case event.KindGuardDuty:
		gd, err := ev.GuardDuty()
		if err != nil {
			return nil, err
		}
		return []*Finding{fromGuardDuty(ev, gd)}, nil
	case event.KindSecurityHub:
		d, err := ev.SecurityHub()
		if err != nil {
			return nil, err
		}
		var out []*Finding
		for i := range d.Findings {
			out = append(out, fromSecurityHub(ev, &d.Findings[i]))
		}
		return out, nil
	case event.KindConfig:
		c, err := ev.Config()
		if err != nil {
			return nil, err
		}
		return []*Finding{fromConfig(ev, c)}, nil
	case event.KindCloudTrail:
		c, err := ev.CloudTrail()
		if err != nil {
			return nil, err
		}
		return []*Finding{fromCloudTrail(ev, c)}, nil
	}
	return nil, fmt.Errorf("event %s (source %q, detail-type %q) is not a finding vigil can remediate: send a GuardDuty finding, a Security Hub finding, an AWS Config compliance change or a CloudTrail call", ev.ID, ev.Source, ev.DetailType)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func fromGuardDuty(ev *event.Event, gd *event.GuardDutyFinding) *Finding {
	f := &Finding{
		ID: gd.ID, EventID: ev.ID, Source: "guardduty", Type: gd.Type, Title: gd.Title,
		Account: firstNonEmpty(gd.AccountID, ev.Account), Region: firstNonEmpty(gd.Region, ev.Region),
		Severity: guardDutySeverity(gd.Severity),
	}
	if f.ID == "" {
		f.ID = ev.ID
	}
	r := gd.Resource
	if in := r.InstanceDetails; in != nil && in.InstanceID != "" {
		res := Resource{Type: TypeInstance, ID: in.InstanceID, Region: f.Region, Tags: map[string]string{}, Details: map[string]string{}}
		for _, t := range in.Tags {
			res.Tags[t.Key] = t.Value
		}
		if len(in.NetworkInterfaces) > 0 {
			res.Details["vpc"] = in.NetworkInterfaces[0].VpcID
		}
		f.Resources = append(f.Resources, res)
	}
	if k := r.AccessKeyDetails; k != nil && k.AccessKeyID != "" {
		f.Resources = append(f.Resources, Resource{Type: TypeAccessKey, ID: k.AccessKeyID, Details: map[string]string{"user": k.UserName, "user_type": k.UserType}})
	}
	for _, b := range r.S3BucketDetails {
		res := Resource{Type: TypeBucket, ID: b.Name, ARN: b.Arn, Tags: map[string]string{}}
		for _, t := range b.Tags {
			res.Tags[t.Key] = t.Value
		}
		f.Resources = append(f.Resources, res)
	}
	f.Resources = append(f.Resources, Resource{Type: TypeAccount, ID: f.Account, Region: f.Region})
	return f
}

func fromSecurityHub(ev *event.Event, sf *event.Finding) *Finding {
	f := &Finding{
		ID: sf.ID, EventID: ev.ID, Source: "securityhub", Title: sf.Title,
		Account: firstNonEmpty(sf.AwsAccountID, ev.Account), Region: firstNonEmpty(sf.Region, ev.Region),
		Severity: strings.ToUpper(sf.Severity.Label), Control: sf.ControlID(), ConfigRules: sf.RelatedConfigRules(),
	}
	if f.Control == "" && sf.GeneratorID != "" && !strings.Contains(sf.GeneratorID, ":guardduty:") {
		// Per-standard findings: ".../v/1.0.0/EC2.7" ends with the control.
		if i := strings.LastIndexByte(sf.GeneratorID, '/'); i >= 0 && strings.Contains(sf.GeneratorID[i+1:], ".") {
			f.Control = sf.GeneratorID[i+1:]
		}
	}
	if sf.ProductName == "GuardDuty" || strings.Contains(sf.ProductArn, "/aws/guardduty") {
		f.Type = guardDutyTypeFromASFF(sf.Types)
	}
	for _, r := range sf.Resources {
		res := Resource{Type: r.Type, ARN: r.ID, Region: firstNonEmpty(r.Region, f.Region), ID: resourceID(r.Type, r.ID)}
		if len(r.Tags) > 0 {
			res.Tags = map[string]string{}
			for k, v := range r.Tags {
				res.Tags[k] = v.String()
			}
		}
		if r.Type == TypeAccount && res.ID == "" {
			res.ID = f.Account
		}
		f.Resources = append(f.Resources, res)
	}
	if _, ok := f.Resource(TypeAccount); !ok {
		f.Resources = append(f.Resources, Resource{Type: TypeAccount, ID: f.Account, Region: f.Region})
	}
	return f
}

// guardDutyTypeFromASFF turns "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"
// (ASFF writes the type's "/" as "-") back into GuardDuty's
// "CryptoCurrency:EC2/BitcoinTool.B!DNS".
func guardDutyTypeFromASFF(types []string) string {
	for _, t := range types {
		last := t[strings.LastIndexByte(t, '/')+1:]
		colon := strings.IndexByte(last, ':')
		if colon < 0 {
			continue
		}
		if dash := strings.IndexByte(last[colon:], '-'); dash > 0 {
			return last[:colon+dash] + "/" + last[colon+dash+1:]
		}
		return last
	}
	return ""
}

// resourceID extracts a resource's own id from an ASFF resource id (an ARN
// or AWS::...:id).
func resourceID(typ, id string) string {
	switch typ {
	case TypeAccount:
		return id[strings.LastIndexByte(id, ':')+1:]
	case TypeBucket:
		return strings.TrimPrefix(id, "arn:aws:s3:::")
	case TypeAccessKey:
		// AWS::IAM::AccessKey:AKIA... or a bare key id.
		return id[strings.LastIndexByte(id, ':')+1:]
	}
	if strings.HasPrefix(id, "arn:") {
		// arn:aws:ec2:REGION:ACCOUNT:instance/i-..., :security-group/sg-...,
		// arn:aws:iam::ACCOUNT:user/path/name.
		return id[strings.LastIndexByte(id, '/')+1:]
	}
	return id
}

// configTypes maps AWS Config resource types to ASFF's.
var configTypes = map[string]string{
	"AWS::EC2::Instance":      TypeInstance,
	"AWS::EC2::SecurityGroup": TypeSecurityGroup,
	"AWS::S3::Bucket":         TypeBucket,
	"AWS::IAM::User":          TypeUser,
	"AWS::::Account":          TypeAccount,
}

func fromConfig(ev *event.Event, c *event.ConfigComplianceChange) *Finding {
	f := &Finding{
		ID: "config/" + c.ConfigRuleName + "/" + c.ResourceType + "/" + c.ResourceID, EventID: ev.ID, Source: "config",
		Account: firstNonEmpty(c.AwsAccountID, ev.Account), Region: firstNonEmpty(c.AwsRegion, ev.Region),
		ConfigRules: []string{c.ConfigRuleName}, Title: c.ConfigRuleName + ": " + c.ResourceID,
	}
	if t, ok := configTypes[c.ResourceType]; ok {
		f.Resources = append(f.Resources, Resource{Type: t, ID: c.ResourceID, Region: f.Region})
	}
	if _, ok := f.Resource(TypeAccount); !ok {
		f.Resources = append(f.Resources, Resource{Type: TypeAccount, ID: f.Account, Region: f.Region})
	}
	return f
}

func fromCloudTrail(ev *event.Event, c *event.CloudTrailCall) *Finding {
	f := &Finding{
		ID: "cloudtrail/" + firstNonEmpty(c.EventID, ev.ID), EventID: ev.ID, Source: "cloudtrail", EventName: c.EventName,
		Account: firstNonEmpty(c.RecipientAccountID, ev.Account), Region: firstNonEmpty(c.AwsRegion, ev.Region),
		Title: c.EventSource + " " + c.EventName,
	}
	var req struct {
		GroupID      string `json:"groupId"`
		InstanceID   string `json:"instanceId"`
		BucketName   string `json:"bucketName"`
		AccessKeyID  string `json:"accessKeyId"`
		UserName     string `json:"userName"`
		InstancesSet struct {
			Items []struct {
				InstanceID string `json:"instanceId"`
			} `json:"items"`
		} `json:"instancesSet"`
	}
	json.Unmarshal(c.RequestParameters, &req)
	if req.GroupID != "" {
		f.Resources = append(f.Resources, Resource{Type: TypeSecurityGroup, ID: req.GroupID, Region: f.Region})
	}
	if req.InstanceID != "" {
		f.Resources = append(f.Resources, Resource{Type: TypeInstance, ID: req.InstanceID, Region: f.Region})
	}
	for _, it := range req.InstancesSet.Items {
		f.Resources = append(f.Resources, Resource{Type: TypeInstance, ID: it.InstanceID, Region: f.Region})
	}
	if req.BucketName != "" {
		f.Resources = append(f.Resources, Resource{Type: TypeBucket, ID: req.BucketName})
	}
	if req.AccessKeyID != "" {
		f.Resources = append(f.Resources, Resource{Type: TypeAccessKey, ID: req.AccessKeyID, Details: map[string]string{"user": req.UserName}})
	}
	f.Resources = append(f.Resources, Resource{Type: TypeAccount, ID: f.Account, Region: f.Region})
	return f
}
