package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

// Value pools shared by security events and rules, so that each event
// matches a few of many rules, as in a real account.
var (
	accounts = func() []string {
		var a []string
		for i := 0; i < 40; i++ {
			a = append(a, fmt.Sprintf("%012d", 111111111111+int64(i)*7919))
		}
		return a
	}()
	regions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
		"ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1"}
	guardDutyTypes = []string{
		"Backdoor:EC2/C&CActivity.B!DNS", "CryptoCurrency:EC2/BitcoinTool.B!DNS", "Discovery:S3/MaliciousIPCaller",
		"Impact:EC2/PortSweep", "Policy:IAMUser/RootCredentialUsage", "Recon:EC2/PortProbeUnprotectedPort",
		"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", "UnauthorizedAccess:EC2/SSHBruteForce",
		"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "Recon:EC2/Portscan",
		"Trojan:EC2/DNSDataExfiltration", "UnauthorizedAccess:EC2/RDPBruteForce", "Impact:EC2/WinRMBruteForce",
		"Backdoor:EC2/DenialOfService.Tcp", "Discovery:IAMUser/AnomalousBehavior", "Exfiltration:S3/AnomalousBehavior",
		"Impact:S3/AnomalousBehavior.Delete", "PenTest:IAMUser/KaliLinux", "Stealth:IAMUser/CloudTrailLoggingDisabled",
		"Persistence:IAMUser/AnomalousBehavior", "CredentialAccess:IAMUser/AnomalousBehavior",
		"Policy:S3/BucketBlockPublicAccessDisabled", "Policy:S3/BucketAnonymousAccessGranted",
		"UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", "Execution:Runtime/NewBinaryExecuted",
	}
	controls = func() []string {
		var c []string
		for _, svc := range []string{"EC2", "S3", "IAM", "RDS", "Lambda", "KMS", "CloudTrail", "Config", "ELB", "ECS",
			"EKS", "SSM", "SecretsManager", "GuardDuty", "DynamoDB", "SNS", "SQS", "CloudFront", "ACM", "EFS"} {
			for i := 1; i <= 30; i++ {
				c = append(c, fmt.Sprintf("%s.%d", svc, i))
			}
		}
		return c
	}()
	apiCalls = []string{"CreateBucket", "DeleteBucket", "PutBucketPolicy", "PutBucketAcl", "DeleteBucketPolicy",
		"AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "CreateSecurityGroup", "RunInstances",
		"TerminateInstances", "StopInstances", "CreateUser", "DeleteUser", "CreateAccessKey", "DeleteAccessKey",
		"UpdateAccessKey", "AttachUserPolicy", "PutUserPolicy", "CreateRole", "AssumeRole", "ConsoleLogin",
		"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DisableKey", "ScheduleKeyDeletion",
		"ModifyInstanceAttribute", "CreateSnapshot", "ModifySnapshotAttribute", "GetSecretValue", "PutSecretValue",
		"DeleteFlowLogs", "LeaveOrganization", "CreateLoginProfile", "UpdateLoginProfile", "DeactivateMFADevice"}
	services   = []string{"api", "web", "batch", "auth", "billing", "search", "queue", "cache", "db", "edge"}
	healthCode = []string{"AWS_RISK_CREDENTIALS_EXPOSED", "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED",
		"AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "AWS_RDS_MAINTENANCE_SCHEDULED", "AWS_EBS_VOLUME_LOST",
		"AWS_EC2_OPERATIONAL_ISSUE", "AWS_LAMBDA_OPERATIONAL_ISSUE", "AWS_S3_OPERATIONAL_ISSUE"}
	configRules = func() []string {
		var r []string
		for _, n := range []string{"cloudtrail-enabled", "s3-bucket-public-read-prohibited", "encrypted-volumes",
			"iam-password-policy", "restricted-ssh", "rds-storage-encrypted", "root-account-mfa-enabled",
			"vpc-flow-logs-enabled", "ec2-imdsv2-check", "access-keys-rotated"} {
			for i := 0; i < 10; i++ {
				r = append(r, fmt.Sprintf("%s-%d", n, i))
			}
		}
		return r
	}()
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// SecurityEvents returns n events varied from the samples in
// dataDir/events and dataDir/guardduty: ids, accounts, regions, finding
// types, controls, API calls, alarm names and severities change; the shape of
// each source stays real.
func SecurityEvents(dataDir string, n int, seed uint64) ([][]byte, error) {
	var bases []map[string]any
	for _, dir := range []string{"events", "guardduty"} {
		files, err := filepath.Glob(filepath.Join(dataDir, dir, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			bases = append(bases, m)
		}
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("no sample events under %s", dataDir)
	}
	r := rand.New(rand.NewPCG(seed, 0x5ec))
	out := make([][]byte, n)
	for i := range out {
		ev := deepCopy(bases[i%len(bases)]).(map[string]any)
		vary(r, ev)
		b, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func deepCopy(x any) any {
	switch x := x.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = deepCopy(v)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, v := range x {
			s[i] = deepCopy(v)
		}
		return s
	default:
		return x
	}
}

// set assigns v at a dotted path if every parent exists (arrays: first item).
func set(m map[string]any, v any, path ...string) {
	var cur any = m
	for i, k := range path {
		if arr, ok := cur.([]any); ok {
			if len(arr) == 0 {
				return
			}
			cur = arr[0]
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return
		}
		if i == len(path)-1 {
			obj[k] = v
			return
		}
		cur = obj[k]
	}
}

func vary(r *rand.Rand, ev map[string]any) {
	ev["id"] = fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<16), r.IntN(1<<16), r.Uint64()>>16)
	acct, region := pick(r, accounts), pick(r, regions)
	ev["account"], ev["region"] = acct, region
	switch ev["source"] {
	case "aws.guardduty":
		set(ev, pick(r, guardDutyTypes), "detail", "type")
		set(ev, float64(1+r.IntN(89))/10, "detail", "severity")
		set(ev, acct, "detail", "accountId")
		set(ev, region, "detail", "region")
		set(ev, fmt.Sprintf("i-%017x", r.Uint64()>>4), "detail", "resource", "instanceDetails", "instanceId")
	case "aws.securityhub":
		ctl := pick(r, controls)
		set(ev, "aws-foundational-security-best-practices/v/1.0.0/"+ctl, "detail", "findings", "GeneratorId")
		set(ev, map[string]any{"ControlId": ctl, "StandardsArn": "arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0"}, "detail", "findings", "ProductFields")
		set(ev, map[string]any{"Status": pick(r, []string{"PASSED", "FAILED", "FAILED", "WARNING"}), "SecurityControlId": ctl}, "detail", "findings", "Compliance")
		set(ev, map[string]any{"Label": pick(r, []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}), "Normalized": float64(r.IntN(101))}, "detail", "findings", "Severity")
		set(ev, acct, "detail", "findings", "AwsAccountId")
		set(ev, map[string]any{"Status": pick(r, []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"})}, "detail", "findings", "Workflow")
	case "aws.cloudwatch":
		set(ev, fmt.Sprintf("prod-%s-%d-%s", pick(r, services), r.IntN(50), pick(r, []string{"cpu", "latency", "errors", "5xx"})), "detail", "alarmName")
		set(ev, pick(r, []string{"ALARM", "OK", "INSUFFICIENT_DATA"}), "detail", "state", "value")
	case "aws.health":
		set(ev, pick(r, healthCode), "detail", "eventTypeCode")
	case "aws.config":
		set(ev, pick(r, configRules), "detail", "configRuleName")
		set(ev, map[string]any{"complianceType": pick(r, []string{"COMPLIANT", "NON_COMPLIANT"})}, "detail", "newEvaluationResult")
	case "aws.s3", "aws.ec2", "aws.iam":
		if ev["detail-type"] == "AWS API Call via CloudTrail" {
			set(ev, pick(r, apiCalls), "detail", "eventName")
			set(ev, fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), r.IntN(256)), "detail", "sourceIPAddress")
			set(ev, region, "detail", "awsRegion")
			set(ev, pick(r, []string{"Root", "IAMUser", "AssumedRole"}), "detail", "userIdentity", "type")
		} else {
			set(ev, pick(r, []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}), "detail", "state")
		}
	}
}

// SecurityRules returns n distinct rules of the kinds operators write:
// GuardDuty types with severity thresholds, Security Hub controls, risky
// CloudTrail calls (some limited to networks by cidr), alarm name wildcards,
// Health codes, Config rules, and a few $or and anything-but rules.
func SecurityRules(n int) [][]byte {
	out := make([][]byte, 0, n)
	for i := 0; len(out) < n; i++ {
		k := i / 8
		var p string
		switch i % 8 {
		case 0:
			p = fmt.Sprintf(`{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"type":[%q],"severity":[{"numeric":[">=",%d]}],"region":[%q]}}`,
				guardDutyTypes[k%len(guardDutyTypes)], 1+(k/len(guardDutyTypes))%8, regions[(k/len(guardDutyTypes)/8)%len(regions)])
		case 1:
			p = fmt.Sprintf(`{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],"detail":{"findings":{"Compliance":{"Status":["FAILED"],"SecurityControlId":[%q]},"AwsAccountId":[%q]}}}`,
				controls[k%len(controls)], accounts[(k/len(controls))%len(accounts)])
		case 2:
			p = fmt.Sprintf(`{"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":[%q],"userIdentity":{"type":[%q]},"awsRegion":[%q]}}`,
				apiCalls[k%len(apiCalls)], []string{"Root", "IAMUser", "AssumedRole"}[(k/len(apiCalls))%3], regions[(k/len(apiCalls)/3)%len(regions)])
		case 3:
			p = fmt.Sprintf(`{"source":["aws.cloudwatch"],"detail":{"alarmName":[{"wildcard":"prod-%s-%d-*"}],"state":{"value":["ALARM"]}}}`,
				services[k%len(services)], (k/len(services))%50)
		case 4:
			p = fmt.Sprintf(`{"source":["aws.health"],"detail":{"eventTypeCode":[%q]},"account":[%q]}`,
				healthCode[k%len(healthCode)], accounts[(k/len(healthCode))%len(accounts)])
		case 5:
			p = fmt.Sprintf(`{"source":["aws.config"],"detail":{"configRuleName":[%q],"newEvaluationResult":{"complianceType":["NON_COMPLIANT"]}},"region":[%q]}`,
				configRules[k%len(configRules)], regions[(k/len(configRules))%len(regions)])
		case 6:
			p = fmt.Sprintf(`{"detail":{"eventName":[%q],"sourceIPAddress":[{"cidr":"%d.0.0.0/8"}]}}`,
				apiCalls[k%len(apiCalls)], 1+(k/len(apiCalls))%223)
		default:
			p = fmt.Sprintf(`{"source":["aws.securityhub"],"$or":[{"detail":{"findings":{"Severity":{"Label":["CRITICAL"]},"AwsAccountId":[%q]}}},{"detail":{"findings":{"Workflow":{"Status":["NEW"]},"GeneratorId":[{"suffix":"/%s"}]}}}]}`,
				accounts[k%len(accounts)], controls[(k/len(accounts))%len(controls)])
		}
		out = append(out, []byte(p))
	}
	return out
}
