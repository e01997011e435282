package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// regionState is the JSON of one region of the first account, for
// comparing the state before a change and after its rollback.
func regionState(t *testing.T, sb *sandbox.Sandbox, name string) string {
	t.Helper()
	for _, r := range sb.State().Accounts[0].Regions {
		if r.Name == name {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no region %s", name)
	return ""
}

// TestIsolateAndRollBack plays the ec2-isolate and ec2-forensic-snapshot
// playbooks' calls (an isolation group with no rules, the instance moved
// into it, its original groups recorded in tags, every volume snapshotted
// with tags, IMDSv2 enforced) and then their rollback, which must leave
// the region exactly as it was.
func TestIsolateAndRollBack(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	before := regionState(t, sb, region)
	const inst, vpc = "i-04f2e6a8c0b1d3957", "vpc-0c4e1a7b93d25f861"

	g := must[*ec2.CreateSecurityGroupOutput](t)(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("vigil-isolation"), Description: aws.String("isolation"), VpcId: aws.String(vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{{Key: aws.String("vigil:isolation"), Value: aws.String("true")}}}},
	}))
	rules := must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{aws.ToString(g.GroupId)}}}}))
	if len(rules.SecurityGroupRules) != 1 || !aws.ToBool(rules.SecurityGroupRules[0].IsEgress) {
		t.Fatalf("a new group has one egress rule, got %+v", rules.SecurityGroupRules)
	}
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{
		GroupId: g.GroupId, SecurityGroupRuleIds: []string{aws.ToString(rules.SecurityGroupRules[0].SecurityGroupRuleId)}}))
	found := must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("group-name"), Values: []string{"vigil-isolation"}}, {Name: aws.String("vpc-id"), Values: []string{vpc}}}}))
	if len(found.SecurityGroups) != 1 || len(found.SecurityGroups[0].IpPermissions)+len(found.SecurityGroups[0].IpPermissionsEgress) != 0 {
		t.Fatalf("isolation group = %+v", found.SecurityGroups)
	}

	must[*ec2.CreateTagsOutput](t)(c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{inst}, Tags: []ec2types.Tag{
		{Key: aws.String("vigil:original-groups"), Value: aws.String("sg-03a9f1c7e5b2d4680")}}}))
	must[*ec2.ModifyInstanceAttributeOutput](t)(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(inst), Groups: []string{aws.ToString(g.GroupId)}}))
	snaps := must[*ec2.CreateSnapshotsOutput](t)(c.CreateSnapshots(ctx, &ec2.CreateSnapshotsInput{
		InstanceSpecification: &ec2types.InstanceSpecification{InstanceId: aws.String(inst)},
		Description:           aws.String("forensic"), CopyTagsFromSource: ec2types.CopyTagsFromSourceVolume,
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSnapshot, Tags: []ec2types.Tag{
			{Key: aws.String("vigil:source-instance"), Value: aws.String(inst)}, {Key: aws.String("vigil:finding"), Value: aws.String("f-1")}}}},
	}))
	if len(snaps.Snapshots) != 2 {
		t.Fatalf("CreateSnapshots made %d snapshots, want one per attached volume (2)", len(snaps.Snapshots))
	}
	tagged := must[*ec2.DescribeSnapshotsOutput](t)(c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("tag:vigil:source-instance"), Values: []string{inst}}}}))
	if len(tagged.Snapshots) != 2 {
		t.Fatalf("snapshots tagged with the instance = %d, want 2", len(tagged.Snapshots))
	}
	for _, s := range tagged.Snapshots {
		tags := map[string]string{}
		for _, tg := range s.Tags {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if tags["vigil:finding"] != "f-1" || aws.ToString(s.VolumeId) == "vol-04f2e6a8c0b1d0003" && tags["Name"] != "batch-scratch" {
			t.Errorf("snapshot %s of %s has tags %v", aws.ToString(s.SnapshotId), aws.ToString(s.VolumeId), tags)
		}
	}
	must[*ec2.ModifyInstanceMetadataOptionsOutput](t)(c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(inst), HttpTokens: ec2types.HttpTokensStateRequired}))
	if regionState(t, sb, region) == before {
		t.Fatal("nothing changed")
	}

	// Rollback, from what the API reads back.
	must[*ec2.ModifyInstanceMetadataOptionsOutput](t)(c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(inst), HttpTokens: ec2types.HttpTokensStateOptional}))
	for _, s := range snaps.Snapshots {
		must[*ec2.DeleteSnapshotOutput](t)(c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: s.SnapshotId}))
	}
	must[*ec2.ModifyInstanceAttributeOutput](t)(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(inst), Groups: []string{"sg-03a9f1c7e5b2d4680"}}))
	must[*ec2.DeleteTagsOutput](t)(c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{inst}, Tags: []ec2types.Tag{{Key: aws.String("vigil:original-groups")}}}))
	must[*ec2.DeleteSecurityGroupOutput](t)(c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId}))
	if after := regionState(t, sb, region); after != before {
		t.Errorf("rollback left the region changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestRevokeOpenIngressAndRollBack revokes the rules that open SSH and RDP
// to the world by rule id, then authorizes them again: the rules, and
// their ids, come back exactly.
func TestRevokeOpenIngressAndRollBack(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	before := regionState(t, sb, region)
	const sg = "sg-0c2e4a6b8d1f3a572" // legacy-ftp: 20-21 and 22 open to 0.0.0.0/0
	list := func() []ec2types.SecurityGroupRule {
		return must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
			Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{sg}}}})).SecurityGroupRules
	}
	var open []ec2types.SecurityGroupRule
	for _, r := range list() {
		if !aws.ToBool(r.IsEgress) && aws.ToString(r.CidrIpv4) == "0.0.0.0/0" && aws.ToInt32(r.FromPort) == 22 {
			open = append(open, r)
		}
	}
	if len(open) != 1 {
		t.Fatalf("open SSH rules = %+v", open)
	}
	id := aws.ToString(open[0].SecurityGroupRuleId)
	byID := must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{id}}))
	if len(byID.SecurityGroupRules) != 1 || aws.ToString(byID.SecurityGroupRules[0].SecurityGroupRuleId) != id {
		t.Fatalf("by id %s: %+v", id, byID.SecurityGroupRules)
	}
	must[*ec2.RevokeSecurityGroupIngressOutput](t)(c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), SecurityGroupRuleIds: []string{id}}))
	if slices.ContainsFunc(list(), func(r ec2types.SecurityGroupRule) bool { return aws.ToString(r.SecurityGroupRuleId) == id }) {
		t.Fatal("the rule is still there")
	}
	_, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg), SecurityGroupRuleIds: []string{id}})
	wantCode(t, err, "InvalidSecurityGroupRuleId.NotFound")

	out := must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	if len(out.SecurityGroupRules) != 1 || aws.ToString(out.SecurityGroupRules[0].SecurityGroupRuleId) != id {
		t.Errorf("authorized again with id %v, want %s", out.SecurityGroupRules, id)
	}
	if after := regionState(t, sb, region); after != before {
		t.Errorf("rollback left the region changed:\nbefore %s\nafter  %s", before, after)
	}
}

// proxied is a config whose HTTP client sends everything through the
// sandbox as an HTTP proxy, as HTTP_PROXY=http://127.0.0.1:PORT does: the
// way AWS's clients reach S3 Control, whose host they prefix with the
// account id.
func proxied(t *testing.T, sb *sandbox.Sandbox) aws.Config {
	c := cfg(sb, region)
	u, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(u)}}
	return c
}

func TestS3ControlAccountPublicAccessBlock(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := s3control.NewFromConfig(proxied(t, sb))
	id := aws.String(acct)
	_, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: id})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	must[*s3control.PutPublicAccessBlockOutput](t)(c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: id,
		PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)}}))
	got := must[*s3control.GetPublicAccessBlockOutput](t)(c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: id}))
	if p := got.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("read back %+v", p)
	}
	if p := sb.State().Accounts[0].PublicAccessBlock; p == nil || !p.IgnorePublicAcls {
		t.Errorf("state = %+v", p)
	}
	_, err = c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
	wantCode(t, err, "AccessDenied")

	// A throttle is retried by the SDK, as for any service.
	if _, err := sb.AddFault(sandbox.Fault{Service: "s3control", Operation: "DeletePublicAccessBlock", Error: "throttle", Count: 1}); err != nil {
		t.Fatal(err)
	}
	must[*s3control.DeletePublicAccessBlockOutput](t)(c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: id}))
	if calls := callsOf(sb, "DeletePublicAccessBlock"); len(calls) != 2 || calls[0].Error != "SlowDown" || calls[0].Service != "s3control" || calls[1].Status != 204 {
		t.Errorf("calls = %+v", calls)
	}
	_, err = c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: id})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")

	// The sandbox is no open proxy.
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(must[*url.URL](t)(url.Parse(sb.URL())))}}).Get("http://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("proxying to example.com answered %d", resp.StatusCode)
	}
}

func TestS3BucketEncryptionAndVersioning(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := s3.NewFromConfig(cfg(sb, region), func(o *s3.Options) { o.UsePathStyle = true })
	b := aws.String("ap-analytics-raw-111122223333")
	enc := must[*s3.GetBucketEncryptionOutput](t)(c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}))
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("default encryption = %+v", r)
	}
	must[*s3.PutBucketEncryptionOutput](t)(c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/data")}, BucketKeyEnabled: aws.Bool(true)}}}}))
	enc = must[*s3.GetBucketEncryptionOutput](t)(c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}))
	if r := enc.ServerSideEncryptionConfiguration.Rules[0]; aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "alias/data" || !aws.ToBool(r.BucketKeyEnabled) {
		t.Errorf("encryption = %+v", r)
	}
	v := must[*s3.GetBucketVersioningOutput](t)(c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}))
	if v.Status != "" {
		t.Errorf("versioning of a new bucket = %q", v.Status)
	}
	must[*s3.PutBucketVersioningOutput](t)(c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}))
	if v := must[*s3.GetBucketVersioningOutput](t)(c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})); v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("versioning = %q", v.Status)
	}
	// A subresource the sandbox does not simulate is refused, never
	// mistaken for listing the bucket.
	_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	wantCode(t, err, "NotImplemented")
}

func TestGuardDutyDetectors(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := guardduty.NewFromConfig(cfg(sb, region))
	if l := must[*guardduty.ListDetectorsOutput](t)(c.ListDetectors(ctx, &guardduty.ListDetectorsInput{})); len(l.DetectorIds) != 0 {
		t.Fatalf("demo has detectors %v", l.DetectorIds)
	}
	d := must[*guardduty.CreateDetectorOutput](t)(c.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequencyFifteenMinutes, Tags: map[string]string{"Owner": "secops"},
		Features: []gdtypes.DetectorFeatureConfiguration{{Name: gdtypes.DetectorFeatureS3DataEvents, Status: gdtypes.FeatureStatusEnabled}}}))
	_, err := c.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	wantCode(t, err, "BadRequestException")
	l := must[*guardduty.ListDetectorsOutput](t)(c.ListDetectors(ctx, &guardduty.ListDetectorsInput{}))
	if len(l.DetectorIds) != 1 || l.DetectorIds[0] != aws.ToString(d.DetectorId) {
		t.Fatalf("detectors = %v", l.DetectorIds)
	}
	g := must[*guardduty.GetDetectorOutput](t)(c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: d.DetectorId}))
	if g.Status != gdtypes.DetectorStatusEnabled || g.FindingPublishingFrequency != gdtypes.FindingPublishingFrequencyFifteenMinutes || g.Tags["Owner"] != "secops" ||
		//lint:ignore SA1019 the sandbox answers DataSources as GuardDuty still does
		g.DataSources.S3Logs.Status != gdtypes.DataSourceStatusEnabled {
		t.Errorf("detector = %+v", g)
	}
	must[*guardduty.UpdateDetectorOutput](t)(c.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: d.DetectorId, Enable: aws.Bool(false)}))
	g = must[*guardduty.GetDetectorOutput](t)(c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: d.DetectorId}))
	if g.Status != gdtypes.DetectorStatusDisabled || g.FindingPublishingFrequency != gdtypes.FindingPublishingFrequencyFifteenMinutes {
		t.Errorf("after disabling: %s %s", g.Status, g.FindingPublishingFrequency)
	}
	if _, err := sb.AddFault(sandbox.Fault{Service: "guardduty", Operation: "DeleteDetector", Error: "throttle", Count: 1}); err != nil {
		t.Fatal(err)
	}
	must[*guardduty.DeleteDetectorOutput](t)(c.DeleteDetector(ctx, &guardduty.DeleteDetectorInput{DetectorId: d.DetectorId}))
	if calls := callsOf(sb, "DeleteDetector"); len(calls) != 2 || calls[0].Error != "TooManyRequestsException" {
		t.Errorf("calls = %+v", calls)
	}
	_, err = c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: d.DetectorId})
	wantCode(t, err, "BadRequestException")
}

func TestSSMAutomationDocuments(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ssm.NewFromConfig(cfg(sb, region))
	run := func(doc string, params map[string][]string) *ssm.GetAutomationExecutionOutput {
		t.Helper()
		st := must[*ssm.StartAutomationExecutionOutput](t)(c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String(doc), Parameters: params}))
		return must[*ssm.GetAutomationExecutionOutput](t)(c.GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: st.AutomationExecutionId}))
	}
	role := []string{"arn:aws:iam::111122223333:role/vigil-remediation"}
	ex := run("AWSConfigRemediation-EnforceEC2InstanceIMDSv2", map[string][]string{"InstanceId": {"i-0a1b2c3d4e5f60718"}, "AutomationAssumeRole": role})
	if ex.AutomationExecution.AutomationExecutionStatus != "Success" || len(ex.AutomationExecution.StepExecutions) != 1 {
		t.Fatalf("execution = %+v", ex.AutomationExecution)
	}
	run("AWS-EnableS3BucketEncryption", map[string][]string{"BucketName": {"ap-analytics-raw-111122223333"}})
	run("AWSConfigRemediation-ConfigureS3PublicAccessBlock", map[string][]string{"AccountId": {acct}})
	run("AWS-DisablePublicAccessForSecurityGroup", map[string][]string{"GroupId": {"sg-0b4d6f8a2c1e3a579"}})
	run("AWSConfigRemediation-SetIAMPasswordPolicy", map[string][]string{"MinimumPasswordLength": {"16"}})

	st := sb.State()
	a := st.Accounts[0]
	var r *sandbox.Region
	for _, x := range a.Regions {
		if x.Name == region {
			r = x
		}
	}
	for _, in := range r.Instances {
		if in.ID == "i-0a1b2c3d4e5f60718" && in.Metadata.HttpTokens != "required" {
			t.Errorf("IMDSv2 not enforced: %+v", in.Metadata)
		}
	}
	for _, b := range a.Buckets {
		if b.Name == "ap-analytics-raw-111122223333" && (b.Encryption == nil || b.Encryption.SSEAlgorithm != "AES256") {
			t.Errorf("bucket encryption = %+v", b.Encryption)
		}
	}
	if p := a.PublicAccessBlock; p == nil || !p.BlockPublicAcls || !p.RestrictPublicBuckets {
		t.Errorf("account public access block = %+v", p)
	}
	for _, g := range r.SecurityGroups {
		if g.ID == "sg-0b4d6f8a2c1e3a579" {
			// 443 stays open; 3389 from 0.0.0.0/0 is gone.
			if len(g.Ingress) != 1 || g.Ingress[0].FromPort != 443 {
				t.Errorf("app-tier ingress = %+v", g.Ingress)
			}
		}
	}
	if p := a.PasswordPolicy; p.MinimumPasswordLength != 16 || !p.RequireSymbols || p.PasswordReusePrevention != 24 {
		t.Errorf("password policy = %+v", p)
	}
	steps := 0
	for _, call := range sb.Calls() {
		if call.InvokedBy == "ssm.amazonaws.com" {
			steps++
			if call.Operation == "ModifyInstanceMetadataOptions" && call.Caller != "arn:aws:sts::111122223333:assumed-role/vigil-remediation/Automation-"+aws.ToString(ex.AutomationExecution.AutomationExecutionId) {
				t.Errorf("step caller = %s", call.Caller)
			}
		}
	}
	if steps != 5 {
		t.Errorf("%d calls made by SSM, want 5", steps)
	}

	// A fault on the API a step calls fails the execution with its error.
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Operation: "ModifyInstanceMetadataOptions", Error: "UnauthorizedOperation", Count: 1}); err != nil {
		t.Fatal(err)
	}
	failed := run("AWSConfigRemediation-EnforceEC2InstanceIMDSv2", map[string][]string{"InstanceId": {"i-02468ace13579bdf0"}})
	if e := failed.AutomationExecution; e.AutomationExecutionStatus != "Failed" || !strings.Contains(aws.ToString(e.FailureMessage), "UnauthorizedOperation") {
		t.Errorf("failed execution = %s %s", e.AutomationExecutionStatus, aws.ToString(e.FailureMessage))
	}

	_, err := c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String("Custom-Unknown")})
	wantCode(t, err, "AutomationDefinitionNotFoundException")
	_, err = c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String("AWS-StopEC2Instance")})
	wantCode(t, err, "InvalidAutomationExecutionParametersException")
	_, err = c.GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: aws.String("00000000-0000-4000-a000-000000000000")})
	wantCode(t, err, "AutomationExecutionNotFoundException")
}

// TestPlaybookCallsRideOverThrottling installs one throttle on each call
// the remediation playbooks make that has no test of its own above and
// checks the SDK's standard retryer gets through it.
func TestPlaybookCallsRideOverThrottling(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	e := ec2.NewFromConfig(cfg(sb, region))
	i := iam.NewFromConfig(cfg(sb, region))
	for _, tc := range []struct {
		service, op string
		call        func() error
	}{
		{"ec2", "StopInstances", func() error {
			_, err := e.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}})
			return err
		}},
		{"ec2", "StartInstances", func() error {
			_, err := e.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}})
			return err
		}},
		{"ec2", "EnableEbsEncryptionByDefault", func() error {
			_, err := e.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
			return err
		}},
		{"ec2", "DescribeVolumes", func() error {
			_, err := e.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
			return err
		}},
		{"iam", "UpdateAccessKey", func() error {
			_, err := i.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("etl-batch"), AccessKeyId: aws.String("AKIAH24JZLHVCY3F7F6L"), Status: "Inactive"})
			return err
		}},
		{"iam", "UpdateAccountPasswordPolicy", func() error {
			_, err := i.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14)})
			return err
		}},
		{"ssm", "StartAutomationExecution", func() error {
			_, err := ssm.NewFromConfig(cfg(sb, region)).StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{
				DocumentName: aws.String("AWSConfigRemediation-EnableEbsEncryptionByDefault")})
			return err
		}},
	} {
		if _, err := sb.AddFault(sandbox.Fault{Service: tc.service, Operation: tc.op, Error: "throttle", Count: 1}); err != nil {
			t.Fatal(err)
		}
		if err := tc.call(); err != nil {
			t.Errorf("%s:%s: %v", tc.service, tc.op, err)
			continue
		}
		calls := callsOf(sb, tc.op)
		if len(calls) < 2 || !calls[0].Fault || calls[len(calls)-1].Status != 200 {
			t.Errorf("%s:%s calls = %+v", tc.service, tc.op, calls)
		}
	}
	if f := sb.Faults(); len(f) == 0 || f[0].Fired != 1 {
		t.Errorf("faults = %+v", sb.Faults())
	}
}

// TestSSMDescribeDocument: the documents the sandbox runs describe
// themselves as AWS-owned Automation documents with their parameters;
// others are InvalidDocument.
func TestSSMDescribeDocument(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ssm.NewFromConfig(cfg(sb, region))
	d := must[*ssm.DescribeDocumentOutput](t)(c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("AWS-EnableS3BucketEncryption")})).Document
	if d.DocumentType != "Automation" || aws.ToString(d.Owner) != "Amazon" || aws.ToString(d.DocumentVersion) != "1" || d.CreatedDate == nil {
		t.Errorf("document = %+v", d)
	}
	params := map[string]string{}
	for _, p := range d.Parameters {
		params[aws.ToString(p.Name)] = aws.ToString(p.DefaultValue)
		if !strings.HasPrefix(aws.ToString(p.Description), "(Required)") && aws.ToString(p.Name) == "BucketName" {
			t.Errorf("BucketName description = %q", aws.ToString(p.Description))
		}
	}
	if len(params) != 4 || params["SSEAlgorithm"] != "AES256" {
		t.Errorf("parameters = %v", params)
	}
	_, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("AWS-NoSuchDocument")})
	wantCode(t, err, "InvalidDocument")
	_, err = c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("AWS-StopEC2Instance"), DocumentVersion: aws.String("7")})
	wantCode(t, err, "InvalidDocumentVersion")
}
