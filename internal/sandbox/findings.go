package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// control is a Security Hub control the generator draws findings from.
type control struct {
	id, title, resourceType, severity string
}

// controls is a realistic spread of AWS Foundational Security Best
// Practices controls over the resource kinds the sandbox simulates.
var controls = []control{
	{"EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "AwsEc2SecurityGroup", "HIGH"},
	{"EC2.3", "Attached Amazon EBS volumes should be encrypted at-rest", "AwsEc2Volume", "MEDIUM"},
	{"EC2.7", "EBS default encryption should be enabled", "AwsAccount", "MEDIUM"},
	{"EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "AwsEc2Instance", "HIGH"},
	{"EC2.9", "Amazon EC2 instances should not have a public IPv4 address", "AwsEc2Instance", "HIGH"},
	{"EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports", "AwsEc2SecurityGroup", "HIGH"},
	{"EC2.19", "Security groups should not allow unrestricted access to ports with high risk", "AwsEc2SecurityGroup", "CRITICAL"},
	{"EC2.53", "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", "AwsEc2SecurityGroup", "HIGH"},
	{"IAM.3", "IAM users' access keys should be rotated every 90 days or less", "AwsIamUser", "MEDIUM"},
	{"IAM.4", "IAM root user access key should not exist", "AwsAccount", "CRITICAL"},
	{"IAM.7", "Password policies for IAM users should have strong configurations", "AwsAccount", "MEDIUM"},
	{"IAM.8", "Unused IAM user credentials should be removed", "AwsIamUser", "MEDIUM"},
	{"S3.1", "S3 general purpose buckets should have block public access settings enabled", "AwsAccount", "MEDIUM"},
	{"S3.2", "S3 general purpose buckets should block public read access", "AwsS3Bucket", "CRITICAL"},
	{"S3.5", "S3 general purpose buckets should require requests to use SSL", "AwsS3Bucket", "MEDIUM"},
	{"S3.8", "S3 general purpose buckets should block public access", "AwsS3Bucket", "HIGH"},
	{"CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail", "AwsAccount", "HIGH"},
	{"GuardDuty.1", "GuardDuty should be enabled", "AwsAccount", "HIGH"},
	{"Config.1", "AWS Config should be enabled and use the service-linked role for resource recording", "AwsAccount", "MEDIUM"},
	{"KMS.4", "AWS KMS key rotation should be enabled", "AwsKmsKey", "MEDIUM"},
	{"SecretsManager.1", "Secrets Manager secrets should have automatic rotation enabled", "AwsSecretsManagerSecret", "MEDIUM"},
	{"SNS.1", "SNS topics should be encrypted at-rest using AWS KMS", "AwsSnsTopic", "MEDIUM"},
	{"SQS.1", "Amazon SQS queues should be encrypted at rest", "AwsSqsQueue", "MEDIUM"},
}

// asff is the generated finding's JSON shape (a subset of ASFF).
type asff struct {
	SchemaVersion   string            `json:"SchemaVersion"`
	Id              string            `json:"Id"`
	ProductArn      string            `json:"ProductArn"`
	ProductName     string            `json:"ProductName"`
	CompanyName     string            `json:"CompanyName"`
	Region          string            `json:"Region"`
	GeneratorId     string            `json:"GeneratorId"`
	AwsAccountId    string            `json:"AwsAccountId"`
	Types           []string          `json:"Types"`
	FirstObservedAt string            `json:"FirstObservedAt"`
	LastObservedAt  string            `json:"LastObservedAt"`
	CreatedAt       string            `json:"CreatedAt"`
	UpdatedAt       string            `json:"UpdatedAt"`
	Severity        map[string]any    `json:"Severity"`
	Title           string            `json:"Title"`
	Description     string            `json:"Description"`
	Remediation     map[string]any    `json:"Remediation"`
	ProductFields   map[string]string `json:"ProductFields"`
	Resources       []map[string]any  `json:"Resources"`
	Compliance      map[string]any    `json:"Compliance"`
	WorkflowState   string            `json:"WorkflowState"`
	Workflow        map[string]string `json:"Workflow"`
	RecordState     string            `json:"RecordState"`
}

// pick returns one of choices with the given weights.
func pick(r *rand.Rand, choices []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	return choices[len(choices)-1]
}

// generateFindings adds n findings spread over the scenario's accounts and
// regions, pointing at the scenario's resources where it has them.
func (w *world) generateFindings(n int, r *rand.Rand) {
	type place struct {
		acct   *Account
		region string
	}
	var places []place
	for _, a := range w.accounts {
		if len(a.Regions) == 0 {
			places = append(places, place{a, w.defaultRegion})
		}
		for _, reg := range a.Regions {
			places = append(places, place{a, reg.Name})
		}
	}
	if len(places) == 0 {
		return
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	const stamp = "2006-01-02T15:04:05.000Z"
	for i := 0; i < n; i++ {
		// Half the findings land in the default account and region, where
		// a scan usually looks; the rest spread over the scenario.
		p := places[r.IntN(len(places))]
		if r.IntN(2) == 0 {
			if a := w.account(w.defaultAccount); a != nil {
				p = place{a, w.defaultRegion}
			}
		}
		c := controls[r.IntN(len(controls))]
		acct, region := p.acct.ID, p.region
		compliance := pick(r, []string{"PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"}, []int{55, 40, 3, 2})
		severity := c.severity
		workflow := "RESOLVED"
		if compliance != "PASSED" {
			workflow = pick(r, []string{"NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"}, []int{70, 15, 5, 10})
		} else {
			severity = "INFORMATIONAL"
		}
		record := pick(r, []string{"ACTIVE", "ARCHIVED"}, []int{90, 10})
		created := now.Add(-time.Duration(r.Int64N(int64(90 * 24 * time.Hour))))
		updated := created.Add(time.Duration(r.Int64N(int64(now.Sub(created)) + 1)))
		uuid := randUUID(r)
		id := fmt.Sprintf("arn:aws:securityhub:%s:%s:security-control/%s/finding/%s", region, acct, c.id, uuid)
		resID, resType := w.resourceFor(p.acct, region, c.resourceType, r)
		wfState := map[string]string{"NEW": "NEW", "NOTIFIED": "ASSIGNED", "RESOLVED": "RESOLVED", "SUPPRESSED": "DEFERRED"}[workflow]
		f := asff{
			SchemaVersion:   "2018-10-08",
			Id:              id,
			ProductArn:      "arn:aws:securityhub:" + region + "::product/aws/securityhub",
			ProductName:     "Security Hub",
			CompanyName:     "AWS",
			Region:          region,
			GeneratorId:     "security-control/" + c.id,
			AwsAccountId:    acct,
			Types:           []string{"Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"},
			FirstObservedAt: created.Format(stamp),
			LastObservedAt:  updated.Format(stamp),
			CreatedAt:       created.Format(stamp),
			UpdatedAt:       updated.Format(stamp),
			Severity:        map[string]any{"Label": severity, "Normalized": severityNormalized[severity], "Original": severity},
			Title:           c.title,
			Description:     "This AWS control checks: " + c.title + ".",
			Remediation: map[string]any{"Recommendation": map[string]string{
				"Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
				"Url":  "https://docs.aws.amazon.com/console/securityhub/" + c.id + "/remediation",
			}},
			ProductFields: map[string]string{
				"RelatedAWSResources:0/type":  "AWS::Config::ConfigRule",
				"aws/securityhub/ProductName": "Security Hub",
				"aws/securityhub/CompanyName": "AWS",
				"aws/securityhub/FindingId":   "arn:aws:securityhub:" + region + "::product/aws/securityhub/" + id,
			},
			Resources:     []map[string]any{{"Type": resType, "Id": resID, "Partition": "aws", "Region": region}},
			Compliance:    map[string]any{"Status": compliance, "SecurityControlId": c.id, "AssociatedStandards": []map[string]string{{"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"}}},
			WorkflowState: wfState,
			Workflow:      map[string]string{"Status": workflow},
			RecordState:   record,
		}
		raw, err := json.Marshal(f)
		if err != nil {
			panic("sandbox: generated finding does not encode: " + err.Error())
		}
		fi := &finding{
			raw: raw, id: id, productArn: f.ProductArn, account: acct, region: region, generator: f.GeneratorId,
			title: c.title, product: "Security Hub", company: "AWS", compliance: compliance, control: c.id,
			workflow: workflow, record: record, severity: severity, types: f.Types,
			resourceIDs: []string{resID}, resourceTypes: []string{resType},
			severityNormalized: severityNormalized[severity], createdAt: created, updatedAt: updated,
		}
		w.findings.put(fi)
	}
}

// resourceFor names a resource of the type in the account and region,
// from the scenario when it has one.
func (w *world) resourceFor(a *Account, region, typ string, r *rand.Rand) (string, string) {
	reg := a.findRegion(region)
	arn := func(svc, rest string) string { return "arn:aws:" + svc + ":" + region + ":" + a.ID + ":" + rest }
	switch typ {
	case "AwsEc2Instance":
		if reg != nil && len(reg.Instances) > 0 {
			return arn("ec2", "instance/"+reg.Instances[r.IntN(len(reg.Instances))].ID), typ
		}
		return arn("ec2", "instance/i-"+randString(r, 17, hexDigits)), typ
	case "AwsEc2SecurityGroup":
		if reg != nil && len(reg.SecurityGroups) > 0 {
			return arn("ec2", "security-group/"+reg.SecurityGroups[r.IntN(len(reg.SecurityGroups))].ID), typ
		}
		return arn("ec2", "security-group/sg-"+randString(r, 17, hexDigits)), typ
	case "AwsEc2Volume":
		if reg != nil && len(reg.Volumes) > 0 {
			return arn("ec2", "volume/"+reg.Volumes[r.IntN(len(reg.Volumes))].ID), typ
		}
		return arn("ec2", "volume/vol-"+randString(r, 17, hexDigits)), typ
	case "AwsIamUser":
		if len(a.Users) > 0 {
			u := a.Users[r.IntN(len(a.Users))]
			return "arn:aws:iam::" + a.ID + ":user" + u.Path + u.Name, typ
		}
		return "arn:aws:iam::" + a.ID + ":user/user-" + randString(r, 6, hexDigits), typ
	case "AwsS3Bucket":
		if len(a.Buckets) > 0 {
			return "arn:aws:s3:::" + a.Buckets[r.IntN(len(a.Buckets))].Name, typ
		}
		return "arn:aws:s3:::bucket-" + a.ID + "-" + randString(r, 6, hexDigits), typ
	case "AwsKmsKey":
		return arn("kms", "key/"+randUUID(r)), typ
	case "AwsSecretsManagerSecret":
		return arn("secretsmanager", "secret:app/"+randString(r, 6, hexDigits)), typ
	case "AwsSnsTopic":
		return arn("sns", "topic-"+randString(r, 6, hexDigits)), typ
	case "AwsSqsQueue":
		return arn("sqs", "queue-"+randString(r, 6, hexDigits)), typ
	}
	return "AWS::::Account:" + a.ID, "AwsAccount"
}
