package sandbox_test

// One test per fidelity gap that issue 18 lists, found by running an
// independent emulator's test suite against the sandbox. Each of these
// failed before the fix.

import (
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/sandbox"
)

const openSG = "sg-0c2e4a6b8d1f3a572" // legacy-ftp in the demo

// --- EC2

func TestGapEC2AuthorizedRuleIDIsListedAndUnique(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	out := must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(openSG), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(27017), ToPort: aws.Int32(27018),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("1.2.3.4/32")}, {CidrIp: aws.String("2.3.4.5/32")}}}}}))
	if len(out.SecurityGroupRules) != 2 {
		t.Fatalf("authorize answered %d rules", len(out.SecurityGroupRules))
	}
	listed := must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{openSG}}}}))
	var ids []string
	for _, r := range listed.SecurityGroupRules {
		ids = append(ids, aws.ToString(r.SecurityGroupRuleId))
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("rules share ids: %v", ids)
	}
	for _, r := range out.SecurityGroupRules {
		if !slices.Contains(ids, aws.ToString(r.SecurityGroupRuleId)) {
			t.Errorf("authorized rule %s is not listed (%v)", aws.ToString(r.SecurityGroupRuleId), ids)
		}
	}
	one := aws.ToString(out.SecurityGroupRules[0].SecurityGroupRuleId)
	byID := must[*ec2.DescribeSecurityGroupRulesOutput](t)(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{one}}))
	if len(byID.SecurityGroupRules) != 1 || aws.ToString(byID.SecurityGroupRules[0].SecurityGroupRuleId) != one {
		t.Errorf("SecurityGroupRuleIds filter returned %d rules", len(byID.SecurityGroupRules))
	}
}

func TestGapEC2TagValueFilters(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	byValue := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-value"), Values: []string{"jump-host-01"}}}}))
	if len(byValue.Reservations) != 1 {
		t.Errorf("tag-value filter matched %d reservations", len(byValue.Reservations))
	}
	vols := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"batch-*"}}, {Name: aws.String("tag-key"), Values: []string{"Name"}}}}))
	if len(vols.Volumes) != 1 || aws.ToString(vols.Volumes[0].VolumeId) != "vol-04f2e6a8c0b1d0003" {
		t.Errorf("tag filters on volumes = %+v", vols.Volumes)
	}
}

func TestGapEC2AuthorizeUnknownGroupIsNotFound(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-123abc"), IpPermissions: []ec2types.IpPermission{{}}})
	wantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String("sg-123abc"), IpPermissions: []ec2types.IpPermission{{}}})
	wantCode(t, err, "InvalidGroup.NotFound")
}

func TestGapEC2RuleLimit(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	var ranges []ec2types.IpRange
	for i := range 61 {
		ranges = append(ranges, ec2types.IpRange{CidrIp: aws.String("10.9." + strconv.Itoa(i) + ".0/24")})
	}
	_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(openSG),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: ranges}}})
	wantCode(t, err, "RulesPerSecurityGroupLimitExceeded")
}

func TestGapEC2DescribeInstancesDryRun(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation")
}

func TestGapEC2InstanceIdsWithMaxResults(t *testing.T) {
	t.Parallel()
	c := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}, MaxResults: aws.Int32(5)})
	wantCode(t, err, "InvalidParameterCombination")
}

// --- SQS

func sqsQueue(t *testing.T, sb *sandbox.Sandbox, attrs map[string]string) (*sqs.Client, string) {
	c := sqs.NewFromConfig(cfg(sb, region))
	q := must[*sqs.CreateQueueOutput](t)(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("gaps"), Attributes: attrs}))
	return c, aws.ToString(q.QueueUrl)
}

func TestGapSQSErrorTypeIsNamespaced(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	req, _ := http.NewRequest("POST", sb.URL()+"/", strings.NewReader(`{"QueueName":"missing"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.GetQueueUrl")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Amzn-Errortype"); got != "com.amazonaws.sqs#QueueDoesNotExist" {
		t.Errorf("X-Amzn-ErrorType = %q", got)
	}
}

func TestGapSQSQueueAttributes(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	c, url := sqsQueue(t, sb, map[string]string{"KmsMasterKeyId": "alias/gaps", "Policy": policy})
	all := must[*sqs.GetQueueAttributesOutput](t)(c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{"All"}}))
	for _, k := range []string{"CreatedTimestamp", "LastModifiedTimestamp"} {
		if all.Attributes[k] == "" {
			t.Errorf("%s missing", k)
		}
	}
	if all.Attributes["KmsMasterKeyId"] != "alias/gaps" || all.Attributes["Policy"] != policy {
		t.Errorf("kept attributes: kms %q policy %q", all.Attributes["KmsMasterKeyId"], all.Attributes["Policy"])
	}
	if all.Attributes["MaximumMessageSize"] != "1048576" {
		t.Errorf("MaximumMessageSize = %s, want 1 MiB (SQS's limit since August 2025)", all.Attributes["MaximumMessageSize"])
	}
	// An attribute that is not set: AWS leaves Attributes out.
	req, _ := http.NewRequest("POST", sb.URL()+"/", strings.NewReader(`{"QueueUrl":"`+sb.URL()+`/111122223333/vigil-events","AttributeNames":["KmsMasterKeyId"]}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.GetQueueAttributes")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "Attributes") {
		t.Errorf("empty attributes returned: %s", b)
	}
}

func TestGapSQSMessageSizeAndTraceHeader(t *testing.T) {
	t.Parallel()
	c, url := sqsQueue(t, start(t, sandbox.Demo()), nil)
	big := strings.Repeat("x", 300<<10) // over the old 256 KiB limit
	must[*sqs.SendMessageOutput](t)(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: &big,
		MessageSystemAttributes: map[string]sqstypes.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793")}}}))
	got := must[*sqs.ReceiveMessageOutput](t)(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}}))
	if len(got.Messages) != 1 || got.Messages[0].Attributes["AWSTraceHeader"] != "Root=1-5759e988-bd862e3fe1be46a994272793" {
		t.Errorf("received %+v", got.Messages)
	}
	tooBig := strings.Repeat("x", 1<<20+1)
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: &tooBig})
	wantCode(t, err, "InvalidParameterValue")
}

func TestGapSQSAttributeNames(t *testing.T) {
	t.Parallel()
	c, url := sqsQueue(t, start(t, sandbox.Demo()), nil)
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"AWS.reserved": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
	wantCode(t, err, "InvalidParameterValue")
	must[*sqs.SendMessageOutput](t)(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"Custom.one": {DataType: aws.String("String"), StringValue: aws.String("1")},
			"other":      {DataType: aws.String("String"), StringValue: aws.String("2")}}}))
	got := must[*sqs.ReceiveMessageOutput](t)(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MessageAttributeNames: []string{"Custom.*"}}))
	if len(got.Messages) != 1 || len(got.Messages[0].MessageAttributes) != 1 || got.Messages[0].MessageAttributes["Custom.one"].StringValue == nil {
		t.Errorf("Custom.* selected %+v", got.Messages)
	}
}

func TestGapSQSDeleteMessageBatchEmptyNamesItsEntries(t *testing.T) {
	t.Parallel()
	c, url := sqsQueue(t, start(t, sandbox.Demo()), nil)
	_, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []sqstypes.DeleteMessageBatchRequestEntry{}})
	if err == nil || !strings.Contains(err.Error(), "There should be at least one DeleteMessageBatchRequestEntry in the request.") {
		t.Errorf("err = %v", err)
	}
}

// --- Secrets Manager

func TestGapSecretsDescribeAndList(t *testing.T) {
	t.Parallel()
	c := secretsmanager.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("gaps/one"), SecretString: aws.String("v"),
		KmsKeyId: aws.String("alias/gaps"), Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("secops")}}}))
	d := must[*secretsmanager.DescribeSecretOutput](t)(c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("gaps/one")}))
	if len(d.Tags) != 1 || d.LastChangedDate == nil || aws.ToString(d.KmsKeyId) != "alias/gaps" {
		t.Errorf("describe = tags %v changed %v kms %v", d.Tags, d.LastChangedDate, d.KmsKeyId)
	}
	l := must[*secretsmanager.ListSecretsOutput](t)(c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{
		Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"team"}}}}))
	if len(l.SecretList) != 1 || len(l.SecretList[0].SecretVersionsToStages) != 1 || len(l.SecretList[0].Tags) != 1 {
		t.Errorf("list with tag-key filter = %+v", l.SecretList)
	}
	_, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeDescription}}})
	wantCode(t, err, "InvalidParameterException")
	// A partial ARN (without the random suffix) names the secret.
	arn := aws.ToString(d.ARN)
	got := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn[:strings.LastIndex(arn, "-")])}))
	if aws.ToString(got.SecretString) != "v" {
		t.Errorf("by partial ARN: %v", got.SecretString)
	}
}

func TestGapSecretsFirstPutIsCurrentAndReplicas(t *testing.T) {
	t.Parallel()
	c := secretsmanager.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("gaps/empty"),
		AddReplicaRegions: []smtypes.ReplicaRegionType{{Region: aws.String("us-east-1")}}}))
	p := must[*secretsmanager.PutSecretValueOutput](t)(c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("gaps/empty"),
		SecretString: aws.String("first"), VersionStages: []string{"CUSTOM"}}))
	if !slices.Contains(p.VersionStages, "AWSCURRENT") {
		t.Errorf("the first value's stages = %v", p.VersionStages)
	}
	d := must[*secretsmanager.DescribeSecretOutput](t)(c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("gaps/empty")}))
	if len(d.ReplicationStatus) != 1 || aws.ToString(d.ReplicationStatus[0].Region) != "us-east-1" {
		t.Errorf("replication = %+v", d.ReplicationStatus)
	}
}

// --- S3

func TestGapS3CreateBucketUSEast1(t *testing.T) {
	t.Parallel()
	c := s3.NewFromConfig(cfg(start(t, sandbox.Demo()), "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	must[*s3.CreateBucketOutput](t)(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("gaps-iad-111122223333")}))
	must[*s3.CreateBucketOutput](t)(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("gaps-iad-111122223333")}))
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("gaps-iad2-111122223333"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	wantCode(t, err, "InvalidLocationConstraint")
}

func TestGapS3ListBucketsPagingAndRegion(t *testing.T) {
	t.Parallel()
	c := s3.NewFromConfig(cfg(start(t, sandbox.Demo()), region), func(o *s3.Options) { o.UsePathStyle = true })
	first := must[*s3.ListBucketsOutput](t)(c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)}))
	if len(first.Buckets) != 2 || first.ContinuationToken == nil {
		t.Fatalf("first page %d buckets, token %v", len(first.Buckets), first.ContinuationToken)
	}
	rest := must[*s3.ListBucketsOutput](t)(c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2), ContinuationToken: first.ContinuationToken}))
	if len(rest.Buckets) != 1 || rest.ContinuationToken != nil {
		t.Errorf("second page %d buckets, token %v", len(rest.Buckets), rest.ContinuationToken)
	}
	west := must[*s3.ListBucketsOutput](t)(c.ListBuckets(ctx, &s3.ListBucketsInput{BucketRegion: aws.String("us-west-2")}))
	if len(west.Buckets) != 1 || aws.ToString(west.Buckets[0].Name) != "my-bucket" {
		t.Errorf("us-west-2 buckets = %+v", west.Buckets)
	}
}

// --- CloudWatch

func TestGapCloudWatchPutMetricDataValidation(t *testing.T) {
	t.Parallel()
	one := cfg(start(t, sandbox.Demo()), region)
	one.RetryMaxAttempts = 1
	c := cloudwatch.NewFromConfig(one)
	put := func(d cwtypes.MetricDatum) error {
		d.MetricName = aws.String("m")
		_, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Gaps"), MetricData: []cwtypes.MetricDatum{d}})
		return err
	}
	wantCode(t, put(cwtypes.MetricDatum{Value: aws.Float64(1.5), Values: []float64{1, 10}}), "InvalidParameterValue")
	wantCode(t, put(cwtypes.MetricDatum{Values: []float64{1, 10}, Counts: []float64{2, 4, 1}}), "InvalidParameterValue")
	wantCode(t, put(cwtypes.MetricDatum{Value: aws.Float64(1), StatisticValues: &cwtypes.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(1), Maximum: aws.Float64(1)}}), "InvalidParameterCombination")
	wantCode(t, put(cwtypes.MetricDatum{Value: aws.Float64(math.NaN())}), "InvalidParameterValue")
}

// --- SNS

func TestGapSNSDeduplicationIDOnStandardTopic(t *testing.T) {
	t.Parallel()
	c := sns.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:ap-northeast-1:111122223333:vigil-alerts"), Message: aws.String("m"), MessageDeduplicationId: aws.String("d")})
	wantCode(t, err, "InvalidParameter")
}

// --- Partition

func TestGapPartitionInARNs(t *testing.T) {
	t.Parallel()
	sb := start(t, &sandbox.Scenario{Accounts: []*sandbox.Account{{ID: "111122223333"}}, DefaultRegion: "cn-north-1"})
	id := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(cfg(sb, "cn-north-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if got := aws.ToString(id.Arn); got != "arn:aws-cn:iam::111122223333:root" {
		t.Errorf("caller in cn-north-1 = %s", got)
	}
	topic := must[*sns.CreateTopicOutput](t)(sns.NewFromConfig(cfg(sb, "cn-north-1")).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t")}))
	if !strings.HasPrefix(aws.ToString(topic.TopicArn), "arn:aws-cn:sns:cn-north-1:") {
		t.Errorf("topic ARN = %s", aws.ToString(topic.TopicArn))
	}
}

// --- Security Hub

func TestGapSecurityHubUnsupportedRouteIsNotNotFound(t *testing.T) {
	t.Parallel()
	// eu-west-3: a region where the demo account has no findings.
	one := cfg(start(t, sandbox.Demo()), "eu-west-3")
	one.RetryMaxAttempts = 1
	c := securityhub.NewFromConfig(one)
	_, err := c.ListMembers(ctx, &securityhub.ListMembersInput{})
	// Security Hub answers it (not S3's router: NoSuchBucket), naming the
	// operation it does not simulate.
	if err == nil || apiCode(err) == "ResourceNotFoundException" || apiCode(err) == "NoSuchBucket" || !strings.Contains(err.Error(), "/members") {
		t.Errorf("an unsimulated route answered %v", err)
	}
	// DescribeHub answers as AWS does where the hub is not enabled.
	_, err = c.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	wantCode(t, err, "InvalidAccessException")
}
