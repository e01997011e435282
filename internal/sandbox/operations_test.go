package sandbox_test

// Tests of the operations attacks and responses need (issue 18, item 2),
// through aws-sdk-go-v2 as a user would call them.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startWithEvents starts the demo with an events collector.
func startWithEvents(t *testing.T) (*sandbox.Sandbox, *eventCollector) {
	col := newEventCollector(t, "")
	sb := startOpts(t, sandbox.Options{Scenario: sandbox.Demo(), EventsURL: col.srv.URL})
	return sb, col
}

func eventsOf(col *eventCollector, detailType string) []map[string]any {
	var out []map[string]any
	for _, e := range col.list() {
		if e["detail-type"] == detailType {
			out = append(out, e)
		}
	}
	return out
}

func TestSNSSubscriptionsDeliverToSQSAndHTTP(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	sn := sns.NewFromConfig(cfg(sb, region))
	sq := sqs.NewFromConfig(cfg(sb, region))
	topic := must[*sns.CreateTopicOutput](t)(sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts-fanout")})).TopicArn
	queue := func(name string) (string, string) {
		u := aws.ToString(must[*sqs.CreateQueueOutput](t)(sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})).QueueUrl)
		a := must[*sqs.GetQueueAttributesOutput](t)(sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &u, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}}))
		return u, a.Attributes["QueueArn"]
	}
	envURL, envARN := queue("fanout-envelope")
	rawURL, rawARN := queue("fanout-raw")
	must[*sns.SubscribeOutput](t)(sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("sqs"), Endpoint: &envARN}))
	must[*sns.SubscribeOutput](t)(sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("sqs"), Endpoint: &rawARN,
		Attributes: map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"severity":["HIGH","CRITICAL"]}`}}))

	var mu sync.Mutex
	var got []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer hook.Close()
	sub := must[*sns.SubscribeOutput](t)(sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("http"), Endpoint: aws.String(hook.URL + "/sns"), ReturnSubscriptionArn: true}))
	waitFor(t, "the confirmation to be accepted", func() bool {
		a := must[*sns.GetSubscriptionAttributesOutput](t)(sn.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn}))
		return a.Attributes["PendingConfirmation"] == "false"
	})

	for _, sev := range []string{"LOW", "HIGH"} {
		must[*sns.PublishOutput](t)(sn.Publish(ctx, &sns.PublishInput{TopicArn: topic, Subject: aws.String("finding"), Message: aws.String("severity " + sev),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"severity": {DataType: aws.String("String"), StringValue: aws.String(sev)}}}))
	}
	env := must[*sqs.ReceiveMessageOutput](t)(sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &envURL, MaxNumberOfMessages: 10}))
	if len(env.Messages) != 2 {
		t.Fatalf("envelope queue got %d messages", len(env.Messages))
	}
	var n map[string]any
	json.Unmarshal([]byte(aws.ToString(env.Messages[0].Body)), &n)
	if n["Type"] != "Notification" || n["TopicArn"] != aws.ToString(topic) || n["Subject"] != "finding" || n["Message"] != "severity LOW" {
		t.Errorf("notification = %v", n)
	}
	raw := must[*sqs.ReceiveMessageOutput](t)(sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &rawURL, MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}}))
	if len(raw.Messages) != 1 || aws.ToString(raw.Messages[0].Body) != "severity HIGH" || aws.ToString(raw.Messages[0].MessageAttributes["severity"].StringValue) != "HIGH" {
		t.Errorf("filtered raw queue = %+v", raw.Messages)
	}
	waitFor(t, "two notifications over HTTP", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 3
	})
	if got[0]["Type"] != "SubscriptionConfirmation" || got[1]["Type"] != "Notification" {
		t.Errorf("HTTP endpoint got %v", got)
	}
	subs := must[*sns.ListSubscriptionsByTopicOutput](t)(sn.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic}))
	if len(subs.Subscriptions) != 3 {
		t.Errorf("subscriptions = %d", len(subs.Subscriptions))
	}
	must[*sns.UnsubscribeOutput](t)(sn.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: sub.SubscriptionArn}))
	subs = must[*sns.ListSubscriptionsByTopicOutput](t)(sn.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic}))
	if len(subs.Subscriptions) != 2 {
		t.Errorf("after unsubscribing: %d", len(subs.Subscriptions))
	}
}

func TestCloudWatchAlarmsAndMetricReads(t *testing.T) {
	t.Parallel()
	sb, col := startWithEvents(t)
	cw := cloudwatch.NewFromConfig(cfg(sb, region))
	topic := "arn:aws:sns:ap-northeast-1:111122223333:security-oncall"
	dims := []cwtypes.Dimension{{Name: aws.String("Trail"), Value: aws.String("org-trail")}}
	must[*cloudwatch.PutMetricAlarmOutput](t)(cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("unauthorized-api-calls"), Namespace: aws.String("CloudTrailMetrics"), MetricName: aws.String("UnauthorizedAPICalls"),
		Dimensions: dims, Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{topic}}))
	alarms := must[*cloudwatch.DescribeAlarmsOutput](t)(cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"unauthorized-api-calls"}}))
	if len(alarms.MetricAlarms) != 1 || alarms.MetricAlarms[0].StateValue != cwtypes.StateValueInsufficientData {
		t.Fatalf("new alarm = %+v", alarms.MetricAlarms)
	}
	must[*cloudwatch.PutMetricDataOutput](t)(cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("CloudTrailMetrics"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("UnauthorizedAPICalls"), Dimensions: dims, Values: []float64{3, 4}, Counts: []float64{1, 1}}}}))
	alarms = must[*cloudwatch.DescribeAlarmsOutput](t)(cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm}))
	if len(alarms.MetricAlarms) != 1 || !strings.Contains(aws.ToString(alarms.MetricAlarms[0].StateReason), "Threshold Crossed") {
		t.Fatalf("alarm after 7 > 5 = %+v", alarms.MetricAlarms)
	}
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	changes := eventsOf(col, "CloudWatch Alarm State Change")
	if len(changes) != 1 || changes[0]["source"] != "aws.cloudwatch" {
		t.Fatalf("alarm events = %v", changes)
	}
	d := changes[0]["detail"].(map[string]any)
	if d["alarmName"] != "unauthorized-api-calls" || d["state"].(map[string]any)["value"] != "ALARM" || d["previousState"].(map[string]any)["value"] != "INSUFFICIENT_DATA" {
		t.Errorf("detail = %v", d)
	}
	// The alarm action published to the SNS topic.
	var oncall *sandbox.Topic
	for _, tp := range sb.State().Accounts[0].Regions[0].Topics {
		if tp.Name == "security-oncall" {
			oncall = tp
		}
	}
	if oncall == nil || len(oncall.Published) != 1 || !strings.Contains(oncall.Published[0].Message, `"NewStateValue":"ALARM"`) {
		t.Errorf("alarm action: %+v", oncall)
	}
	now := time.Now()
	data := must[*cloudwatch.GetMetricDataOutput](t)(cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now.Add(time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("m1"), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Sum"),
			Metric: &cwtypes.Metric{Namespace: aws.String("CloudTrailMetrics"), MetricName: aws.String("UnauthorizedAPICalls"), Dimensions: dims}}}}}))
	if r := data.MetricDataResults; len(r) != 1 || len(r[0].Values) != 1 || r[0].Values[0] != 7 {
		t.Errorf("GetMetricData = %+v", r)
	}
	stats := must[*cloudwatch.GetMetricStatisticsOutput](t)(cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("CloudTrailMetrics"),
		MetricName: aws.String("UnauthorizedAPICalls"), Dimensions: dims, StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now.Add(time.Minute)),
		Period: aws.Int32(3600), Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum, cwtypes.StatisticSampleCount}}))
	if p := stats.Datapoints; len(p) != 1 || aws.ToFloat64(p[0].Maximum) != 4 || aws.ToFloat64(p[0].SampleCount) != 2 {
		t.Errorf("GetMetricStatistics = %+v", p)
	}
	if l := must[*cloudwatch.ListMetricsOutput](t)(cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("CloudTrailMetrics")})); len(l.Metrics) != 1 {
		t.Errorf("ListMetrics = %+v", l.Metrics)
	}
	must[*cloudwatch.SetAlarmStateOutput](t)(cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("unauthorized-api-calls"), StateValue: cwtypes.StateValueOk, StateReason: aws.String("game day over")}))
	must[*cloudwatch.DeleteAlarmsOutput](t)(cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"unauthorized-api-calls"}}))
	_, err := cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"unauthorized-api-calls"}})
	wantCode(t, err, "ResourceNotFound")
}

func TestGuardDutyFindingsAreEventsAndSecurityHubFindings(t *testing.T) {
	t.Parallel()
	sb, col := startWithEvents(t)
	gd := guardduty.NewFromConfig(cfg(sb, region))
	det := must[*guardduty.CreateDetectorOutput](t)(gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})).DetectorId
	must[*guardduty.CreateSampleFindingsOutput](t)(gd.CreateSampleFindings(ctx, &guardduty.CreateSampleFindingsInput{DetectorId: det,
		FindingTypes: []string{"UnauthorizedAccess:EC2/SSHBruteForce", "CryptoCurrency:EC2/BitcoinTool.B!DNS"}}))
	ids := must[*guardduty.ListFindingsOutput](t)(gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: det,
		FindingCriteria: &gdtypes.FindingCriteria{Criterion: map[string]gdtypes.Condition{"severity": {GreaterThanOrEqual: aws.Int64(7)}}}}))
	if len(ids.FindingIds) != 1 {
		t.Fatalf("high findings = %v", ids.FindingIds)
	}
	fs := must[*guardduty.GetFindingsOutput](t)(gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: det, FindingIds: ids.FindingIds}))
	f := fs.Findings[0]
	if aws.ToString(f.Type) != "CryptoCurrency:EC2/BitcoinTool.B!DNS" || aws.ToString(f.Resource.InstanceDetails.InstanceId) == "" || !strings.Contains(aws.ToString(f.Service.AdditionalInfo.Value), `"sample":true`) {
		t.Errorf("finding = %+v", f)
	}
	must[*guardduty.ArchiveFindingsOutput](t)(gd.ArchiveFindings(ctx, &guardduty.ArchiveFindingsInput{DetectorId: det, FindingIds: ids.FindingIds}))
	active := must[*guardduty.ListFindingsOutput](t)(gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: det,
		FindingCriteria: &gdtypes.FindingCriteria{Criterion: map[string]gdtypes.Condition{"service.archived": {Equals: []string{"false"}}}}}))
	if len(active.FindingIds) != 1 {
		t.Errorf("unarchived = %v", active.FindingIds)
	}
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if evs := eventsOf(col, "GuardDuty Finding"); len(evs) != 2 || evs[0]["source"] != "aws.guardduty" {
		t.Errorf("GuardDuty events = %d", len(evs))
	}
	if evs := eventsOf(col, "Security Hub Findings - Imported"); len(evs) != 2 {
		t.Errorf("Security Hub events = %d", len(evs))
	}
	sh := must[*securityhub.GetFindingsOutput](t)(securityhub.NewFromConfig(cfg(sb, region)).GetFindings(ctx, &securityhub.GetFindingsInput{
		Filters: &shtypes.AwsSecurityFindingFilters{ProductName: []shtypes.StringFilter{{Value: aws.String("GuardDuty"), Comparison: shtypes.StringFilterComparisonEquals}},
			Type: []shtypes.StringFilter{{Value: aws.String("TTPs/CryptoCurrency"), Comparison: shtypes.StringFilterComparisonPrefix}}}}))
	if len(sh.Findings) != 1 || sh.Findings[0].Severity.Label != shtypes.SeverityLabelHigh {
		t.Errorf("Security Hub findings = %+v", sh.Findings)
	}
}

func TestSecretsDeleteAndRestore(t *testing.T) {
	t.Parallel()
	c := secretsmanager.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	id := aws.String("vigil/slack-webhook")
	del := must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: id, RecoveryWindowInDays: aws.Int64(7)}))
	if d := time.Until(aws.ToTime(del.DeletionDate)); d < 6*24*time.Hour || d > 8*24*time.Hour {
		t.Errorf("deletion date in %v", d)
	}
	_, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: id})
	wantCode(t, err, "InvalidRequestException")
	l := must[*secretsmanager.ListSecretsOutput](t)(c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{}))
	if slices.ContainsFunc(l.SecretList, func(s smtypes.SecretListEntry) bool { return aws.ToString(s.Name) == "vigil/slack-webhook" }) {
		t.Error("a secret scheduled for deletion is listed")
	}
	l = must[*secretsmanager.ListSecretsOutput](t)(c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)}))
	if !slices.ContainsFunc(l.SecretList, func(s smtypes.SecretListEntry) bool {
		return aws.ToString(s.Name) == "vigil/slack-webhook" && s.DeletedDate != nil
	}) {
		t.Error("IncludePlannedDeletion does not list it")
	}
	must[*secretsmanager.RestoreSecretOutput](t)(c.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: id}))
	must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: id}))
	_, err = c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: id, RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
	wantCode(t, err, "InvalidParameterException")
	must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: id, ForceDeleteWithoutRecovery: aws.Bool(true)}))
	_, err = c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: id})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestS3ObjectsInMemory(t *testing.T) {
	t.Parallel()
	sb := startOpts(t, sandbox.Options{Scenario: sandbox.Demo(), MaxObjectBytes: 64 << 10})
	c := s3.NewFromConfig(cfg(sb, region), func(o *s3.Options) { o.UsePathStyle = true })
	b := aws.String("ap-analytics-raw-111122223333")
	for _, k := range []string{"logs/2025/01/a.json", "logs/2025/01/b.json", "logs/2025/02/c.json", "policy.json"} {
		must[*s3.PutObjectOutput](t)(c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader(`{"k":"` + k + `"}`),
			ContentType: aws.String("application/json"), Metadata: map[string]string{"source": "test"}}))
	}
	got := must[*s3.GetObjectOutput](t)(c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("policy.json")}))
	body, _ := io.ReadAll(got.Body)
	if string(body) != `{"k":"policy.json"}` || aws.ToString(got.ContentType) != "application/json" || got.Metadata["source"] != "test" {
		t.Errorf("get = %s %s %v", body, aws.ToString(got.ContentType), got.Metadata)
	}
	head := must[*s3.HeadObjectOutput](t)(c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("policy.json")}))
	if aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ETag) == "" {
		t.Errorf("head = %d %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag))
	}
	list := must[*s3.ListObjectsV2Output](t)(c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("logs/2025/"), Delimiter: aws.String("/")}))
	if len(list.CommonPrefixes) != 2 || len(list.Contents) != 0 {
		t.Errorf("delimited list = %+v %+v", list.CommonPrefixes, list.Contents)
	}
	paged := must[*s3.ListObjectsV2Output](t)(c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, MaxKeys: aws.Int32(3)}))
	if len(paged.Contents) != 3 || !aws.ToBool(paged.IsTruncated) {
		t.Fatalf("first page = %d", len(paged.Contents))
	}
	rest := must[*s3.ListObjectsV2Output](t)(c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, MaxKeys: aws.Int32(3), ContinuationToken: paged.NextContinuationToken}))
	if len(rest.Contents) != 1 || aws.ToString(rest.Contents[0].Key) != "policy.json" {
		t.Errorf("second page = %+v", rest.Contents)
	}
	must[*s3.CopyObjectOutput](t)(c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.json"), CopySource: aws.String("ap-analytics-raw-111122223333/policy.json")}))
	must[*s3.DeleteObjectOutput](t)(c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("copy.json")}))
	must[*s3.DeleteObjectsOutput](t)(c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("logs/2025/01/a.json")}}}}))
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("logs/2025/01/a.json")})
	wantCode(t, err, "NoSuchKey")
	// Past Options.MaxObjectBytes an upload is refused by name.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("big"), Body: strings.NewReader(strings.Repeat("x", 70<<10))})
	wantCode(t, err, "EntityTooLarge")
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b})
	wantCode(t, err, "BucketNotEmpty")
}

func TestIAMUsersRolesPoliciesAndKeys(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := iam.NewFromConfig(cfg(sb, region))
	must[*iam.CreateUserOutput](t)(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("backdoor")}))
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("backdoor")})
	wantCode(t, err, "EntityAlreadyExists")
	key := must[*iam.CreateAccessKeyOutput](t)(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("backdoor")})).AccessKey
	// The new key acts as the new user at once.
	who := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(cfgKeys(sb, region, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if aws.ToString(who.Arn) != "arn:aws:iam::111122223333:user/backdoor" {
		t.Errorf("new key acts as %s", aws.ToString(who.Arn))
	}
	must[*iam.CreateLoginProfileOutput](t)(c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("backdoor"), Password: aws.String("correct-horse-battery")}))
	must[*iam.AttachUserPolicyOutput](t)(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("backdoor"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))
	att := must[*iam.ListAttachedUserPoliciesOutput](t)(c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("backdoor")}))
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AdministratorAccess" {
		t.Errorf("attached = %+v", att.AttachedPolicies)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	pol := must[*iam.CreatePolicyOutput](t)(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read-logs"), PolicyDocument: aws.String(doc)}))
	must[*iam.PutUserPolicyOutput](t)(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("backdoor"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`
	must[*iam.CreateRoleOutput](t)(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(trust)}))
	must[*iam.AttachRolePolicyOutput](t)(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ops"), PolicyArn: pol.Policy.Arn}))
	ent := must[*iam.ListEntitiesForPolicyOutput](t)(c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pol.Policy.Arn}))
	if len(ent.PolicyRoles) != 1 {
		t.Errorf("entities = %+v", ent)
	}
	role := must[*iam.GetRoleOutput](t)(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ops")}))
	if !strings.Contains(aws.ToString(role.Role.AssumeRolePolicyDocument), "sts%3AAssumeRole") {
		t.Errorf("trust policy = %s", aws.ToString(role.Role.AssumeRolePolicyDocument))
	}
	as := must[*sts.AssumeRoleOutput](t)(sts.NewFromConfig(cfg(sb, region)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("game-day")}))
	if aws.ToString(as.AssumedRoleUser.Arn) != "arn:aws:sts::111122223333:assumed-role/ops/game-day" || !strings.HasPrefix(aws.ToString(as.AssumedRoleUser.AssumedRoleId), aws.ToString(role.Role.RoleId)+":") {
		t.Errorf("assumed = %+v", as.AssumedRoleUser)
	}
	// The account now has roles: others cannot be assumed.
	_, err = sts.NewFromConfig(cfg(sb, region)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/nope"), RoleSessionName: aws.String("x")})
	wantCode(t, err, "AccessDenied")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("backdoor")})
	wantCode(t, err, "DeleteConflict")
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
	wantCode(t, err, "DeleteConflict")
}

func TestEC2RunInstancesVolumesAndVPCs(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.99.0.0/16")})).Vpc
	sub := must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.99.1.0/24"), AvailabilityZone: aws.String("ap-northeast-1c")})).Subnet
	_, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.99.1.128/25")})
	wantCode(t, err, "InvalidSubnet.Conflict")
	run := must[*ec2.RunInstancesOutput](t)(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		InstanceType: ec2types.InstanceTypeC5Xlarge, SubnetId: sub.SubnetId,
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("miner")}}}}}))
	if len(run.Instances) != 2 || run.Instances[0].State.Name != ec2types.InstanceStateNamePending {
		t.Fatalf("launched %+v", run.Instances)
	}
	desc := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"miner"}}}}))
	if len(desc.Reservations) != 1 || len(desc.Reservations[0].Instances) != 2 || desc.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNameRunning ||
		!strings.HasPrefix(aws.ToString(desc.Reservations[0].Instances[0].PrivateIpAddress), "10.99.1.") || len(desc.Reservations[0].Instances[0].BlockDeviceMappings) != 1 {
		t.Fatalf("described %+v", desc.Reservations)
	}
	inst := run.Instances[0]
	vol := must[*ec2.CreateVolumeOutput](t)(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-1c"), Size: aws.Int32(20)}))
	must[*ec2.AttachVolumeOutput](t)(c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: inst.InstanceId, Device: aws.String("/dev/sdf")}))
	_, err = c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: vol.VolumeId})
	wantCode(t, err, "VolumeInUse")
	must[*ec2.DetachVolumeOutput](t)(c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: vol.VolumeId}))
	snap := must[*ec2.CreateSnapshotOutput](t)(c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId}))
	must[*ec2.DeleteVolumeOutput](t)(c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: vol.VolumeId}))
	must[*ec2.ModifySnapshotAttributeOutput](t)(c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: snap.SnapshotId,
		Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission, CreateVolumePermission: &ec2types.CreateVolumePermissionModifications{
			Add: []ec2types.CreateVolumePermission{{UserId: aws.String("999988887777")}, {Group: ec2types.PermissionGroupAll}}}}))
	attr := must[*ec2.DescribeSnapshotAttributeOutput](t)(c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: snap.SnapshotId, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission}))
	if len(attr.CreateVolumePermissions) != 2 {
		t.Errorf("permissions = %+v", attr.CreateVolumePermissions)
	}
	must[*ec2.ModifyInstanceAttributeOutput](t)(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: inst.InstanceId, DisableApiTermination: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(inst.InstanceId)}})
	wantCode(t, err, "OperationNotPermitted")
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc.VpcId})
	wantCode(t, err, "DependencyViolation")
	// A region without VPCs has AWS's default VPC, and launches there.
	west := ec2.NewFromConfig(cfg(sb, "eu-west-3"))
	def := must[*ec2.DescribeVpcsOutput](t)(west.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}}))
	if len(def.Vpcs) != 1 || aws.ToString(def.Vpcs[0].CidrBlock) != "172.31.0.0/16" {
		t.Fatalf("default VPC = %+v", def.Vpcs)
	}
	r2 := must[*ec2.RunInstancesOutput](t)(west.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}))
	again := must[*ec2.DescribeInstancesOutput](t)(west.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(r2.Instances[0].InstanceId)}}))
	if in := again.Reservations[0].Instances[0]; aws.ToString(in.VpcId) != aws.ToString(def.Vpcs[0].VpcId) || aws.ToString(in.PublicIpAddress) == "" || len(in.SecurityGroups) != 1 {
		t.Errorf("default launch = vpc %s ip %s groups %v", aws.ToString(in.VpcId), aws.ToString(in.PublicIpAddress), in.SecurityGroups)
	}
}

func TestSecurityHubSubscriptionAndImportEvents(t *testing.T) {
	t.Parallel()
	sb, col := startWithEvents(t)
	c := securityhub.NewFromConfig(cfg(sb, "eu-west-3"))
	must[*securityhub.EnableSecurityHubOutput](t)(c.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}))
	_, err := c.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{})
	wantCode(t, err, "ResourceConflictException")
	hub := must[*securityhub.DescribeHubOutput](t)(c.DescribeHub(ctx, &securityhub.DescribeHubInput{}))
	if aws.ToString(hub.HubArn) != "arn:aws:securityhub:eu-west-3:111122223333:hub/default" {
		t.Errorf("hub = %s", aws.ToString(hub.HubArn))
	}
	now := time.Now().UTC().Format(time.RFC3339)
	must[*securityhub.BatchImportFindingsOutput](t)(c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{{
		SchemaVersion: aws.String("2018-10-08"), Id: aws.String("gd-1"), ProductArn: aws.String("arn:aws:securityhub:eu-west-3:111122223333:product/111122223333/default"),
		GeneratorId: aws.String("game-day"), AwsAccountId: aws.String("111122223333"), Types: []string{"TTPs"}, CreatedAt: &now, UpdatedAt: &now,
		Severity: &shtypes.Severity{Label: shtypes.SeverityLabelHigh}, Title: aws.String("t"), Description: aws.String("d"),
		Resources: []shtypes.Resource{{Type: aws.String("Other"), Id: aws.String("x")}}}}}))
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if evs := eventsOf(col, "Security Hub Findings - Imported"); len(evs) != 1 || evs[0]["region"] != "eu-west-3" {
		t.Errorf("events = %v", evs)
	}
	must[*securityhub.DisableSecurityHubOutput](t)(c.DisableSecurityHub(ctx, &securityhub.DisableSecurityHubInput{}))
	_, err = c.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	wantCode(t, err, "InvalidAccessException")
}

// TestIAMInstanceProfilesAndInstanceRoles: an instance profile holds one
// role; instances launch with it, and a responder detaches it
// (DisassociateIamInstanceProfile) to cut off credentials stolen from the
// instance. Scenario instances' profiles exist in IAM.
func TestIAMInstanceProfilesAndInstanceRoles(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := iam.NewFromConfig(cfg(sb, "us-east-1"))
	e := ec2.NewFromConfig(cfg(sb, region))
	// batch-worker comes from i-04f2e6a8c0b1d3957's instance_profile_arn.
	must[*iam.GetInstanceProfileOutput](t)(c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("batch-worker")}))

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	must[*iam.CreateRoleOutput](t)(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trust)}))
	ip := must[*iam.CreateInstanceProfileOutput](t)(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web"), Path: aws.String("/app/")}))
	if aws.ToString(ip.InstanceProfile.Arn) != "arn:aws:iam::111122223333:instance-profile/app/web" {
		t.Errorf("arn = %s", aws.ToString(ip.InstanceProfile.Arn))
	}
	must[*iam.AddRoleToInstanceProfileOutput](t)(c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")}))
	_, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("vigil-remediation")})
	if err == nil || !strings.Contains(err.Error(), "LimitExceeded") && !strings.Contains(err.Error(), "NoSuchEntity") {
		t.Errorf("a second role: %v", err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("web")})
	wantCode(t, err, "DeleteConflict")
	_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")})
	wantCode(t, err, "DeleteConflict")
	for_ := must[*iam.ListInstanceProfilesForRoleOutput](t)(c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("web")}))
	if len(for_.InstanceProfiles) != 1 || aws.ToString(for_.InstanceProfiles[0].Roles[0].RoleName) != "web" {
		t.Errorf("profiles for role = %+v", for_.InstanceProfiles)
	}

	_, err = e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0a3c9e7b5d1f24680"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("nope")}})
	wantCode(t, err, "InvalidParameterValue")
	run := must[*ec2.RunInstancesOutput](t)(e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0a3c9e7b5d1f24680"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("web")}}))
	id := aws.ToString(run.Instances[0].InstanceId)
	if arn := aws.ToString(run.Instances[0].IamInstanceProfile.Arn); arn != "arn:aws:iam::111122223333:instance-profile/app/web" {
		t.Errorf("launched with %s", arn)
	}
	assoc := must[*ec2.DescribeIamInstanceProfileAssociationsOutput](t)(e.DescribeIamInstanceProfileAssociations(ctx, &ec2.DescribeIamInstanceProfileAssociationsInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{id}}}}))
	if len(assoc.IamInstanceProfileAssociations) != 1 {
		t.Fatalf("associations = %+v", assoc.IamInstanceProfileAssociations)
	}
	aid := assoc.IamInstanceProfileAssociations[0].AssociationId
	_, err = e.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id), IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("batch-worker")}})
	wantCode(t, err, "IncorrectState")
	must[*ec2.DisassociateIamInstanceProfileOutput](t)(e.DisassociateIamInstanceProfile(ctx, &ec2.DisassociateIamInstanceProfileInput{AssociationId: aid}))
	inst := must[*ec2.DescribeInstancesOutput](t)(e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}))
	if p := inst.Reservations[0].Instances[0].IamInstanceProfile; p != nil {
		t.Errorf("still has %s", aws.ToString(p.Arn))
	}
	// Rollback: associate it again.
	must[*ec2.AssociateIamInstanceProfileOutput](t)(e.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Arn: aws.String("arn:aws:iam::111122223333:instance-profile/app/web")}}))

	must[*iam.TagInstanceProfileOutput](t)(c.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String("web"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}))
	tags := must[*iam.ListInstanceProfileTagsOutput](t)(c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("web")}))
	if len(tags.Tags) != 1 {
		t.Errorf("tags = %+v", tags.Tags)
	}
	must[*iam.RemoveRoleFromInstanceProfileOutput](t)(c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")}))
	must[*iam.DeleteInstanceProfileOutput](t)(c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")}))
}

// TestIAMPolicyTags: managed policy tags, and IAM's tag checks.
func TestIAMPolicyTags(t *testing.T) {
	t.Parallel()
	c := iam.NewFromConfig(cfg(start(t, sandbox.Demo()), "us-east-1"))
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("dup"), PolicyDocument: aws.String(doc),
		Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}})
	wantCode(t, err, "InvalidInput")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(doc),
		Tags: []iamtypes.Tag{{Key: aws.String("a#b"), Value: aws.String("1")}}})
	wantCode(t, err, "ValidationError")
	p := must[*iam.CreatePolicyOutput](t)(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: aws.String(doc),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("secops")}}}))
	arn := p.Policy.Arn
	must[*iam.TagPolicyOutput](t)(c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []iamtypes.Tag{{Key: aws.String("case"), Value: aws.String("IR-1")}}}))
	must[*iam.UntagPolicyOutput](t)(c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: arn, TagKeys: []string{"team"}}))
	tags := must[*iam.ListPolicyTagsOutput](t)(c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: arn}))
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "case" {
		t.Errorf("tags = %+v", tags.Tags)
	}
	_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Tags: []iamtypes.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	wantCode(t, err, "AccessDenied")
}

// TestSQSQueueTags: tags on CreateQueue and Tag/Untag/ListQueueTags over
// JSON (the SDK) and the query protocol (older CLIs).
func TestSQSQueueTags(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sqs.NewFromConfig(cfg(sb, region))
	q := must[*sqs.CreateQueueOutput](t)(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("tagged"), Tags: map[string]string{"team": "secops"}}))
	must[*sqs.TagQueueOutput](t)(c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: q.QueueUrl, Tags: map[string]string{"case": "IR-1"}}))
	must[*sqs.UntagQueueOutput](t)(c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: q.QueueUrl, TagKeys: []string{"team"}}))
	tags := must[*sqs.ListQueueTagsOutput](t)(c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: q.QueueUrl}))
	if len(tags.Tags) != 1 || tags.Tags["case"] != "IR-1" {
		t.Errorf("tags = %v", tags.Tags)
	}
	_, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(sb.URL() + "/111122223333/nope")})
	wantCode(t, err, "AWS.SimpleQueueService.NonExistentQueue") // the query-compatible code the SDK reports
	// The query protocol: Tag.N.Key/Value in, <Tag><Key/><Value/></Tag> out.
	resp, err := http.PostForm(sb.URL(), map[string][]string{"Action": {"ListQueueTags"}, "Version": {"2012-11-05"}, "QueueUrl": {aws.ToString(q.QueueUrl)}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "<Tag><Key>case</Key><Value>IR-1</Value></Tag>") {
		t.Errorf("query answer = %s", body)
	}
}

// TestEC2VpcAndSubnetAttributes: DNS attributes and MapPublicIpOnLaunch,
// readable back.
func TestEC2VpcAndSubnetAttributes(t *testing.T) {
	t.Parallel()
	e := ec2.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	v := must[*ec2.CreateVpcOutput](t)(e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")}))
	attr := func(a ec2types.VpcAttributeName) bool {
		out := must[*ec2.DescribeVpcAttributeOutput](t)(e.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: v.Vpc.VpcId, Attribute: a}))
		if a == ec2types.VpcAttributeNameEnableDnsSupport {
			return aws.ToBool(out.EnableDnsSupport.Value)
		}
		return aws.ToBool(out.EnableDnsHostnames.Value)
	}
	if !attr(ec2types.VpcAttributeNameEnableDnsSupport) || attr(ec2types.VpcAttributeNameEnableDnsHostnames) {
		t.Error("a new VPC has DNS support and no DNS hostnames")
	}
	must[*ec2.ModifyVpcAttributeOutput](t)(e.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: v.Vpc.VpcId, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	if !attr(ec2types.VpcAttributeNameEnableDnsHostnames) {
		t.Error("DNS hostnames not enabled")
	}
	sn := must[*ec2.CreateSubnetOutput](t)(e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.9.1.0/24")}))
	must[*ec2.ModifySubnetAttributeOutput](t)(e.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: sn.Subnet.SubnetId, MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	got := must[*ec2.DescribeSubnetsOutput](t)(e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sn.Subnet.SubnetId)}}))
	if !aws.ToBool(got.Subnets[0].MapPublicIpOnLaunch) {
		t.Error("MapPublicIpOnLaunch not set")
	}
	// Egress rule filters exist as ingress ones do.
	groups := must[*ec2.DescribeSecurityGroupsOutput](t)(e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("egress.ip-permission.to-port"), Values: []string{"443"}}}}))
	_ = groups
}

// TestS3ObjectStorageClassAndEncryption: the storage class asked for, and
// the encryption S3 applies (the bucket's default, AES256 without one).
func TestS3ObjectStorageClassAndEncryption(t *testing.T) {
	t.Parallel()
	c := s3.NewFromConfig(cfg(start(t, sandbox.Demo()), region), func(o *s3.Options) { o.UsePathStyle = true })
	b := aws.String("ap-analytics-raw-111122223333")
	put := must[*s3.PutObjectOutput](t)(c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("a"), Body: strings.NewReader("x"), StorageClass: s3types.StorageClassStandardIa}))
	if put.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("put encryption = %s", put.ServerSideEncryption)
	}
	h := must[*s3.HeadObjectOutput](t)(c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("a")}))
	if h.StorageClass != s3types.StorageClassStandardIa || h.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("head = %s %s", h.StorageClass, h.ServerSideEncryption)
	}
	must[*s3.PutBucketEncryptionOutput](t)(c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/logs")}}}}}))
	cp := must[*s3.CopyObjectOutput](t)(c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("b"), CopySource: aws.String("ap-analytics-raw-111122223333/a")}))
	if cp.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(cp.SSEKMSKeyId) != "alias/logs" {
		t.Errorf("copy encryption = %s %s", cp.ServerSideEncryption, aws.ToString(cp.SSEKMSKeyId))
	}
	list := must[*s3.ListObjectsV2Output](t)(c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b}))
	classes := map[string]s3types.ObjectStorageClass{}
	for _, o := range list.Contents {
		classes[aws.ToString(o.Key)] = o.StorageClass
	}
	if classes["a"] != s3types.ObjectStorageClassStandardIa || classes["b"] != s3types.ObjectStorageClassStandard {
		t.Errorf("classes = %v", classes)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("c"), Body: strings.NewReader("x"), StorageClass: "COLD"})
	wantCode(t, err, "InvalidStorageClass")
}

// TestSecretsResourcePolicy: kept and answered, public ones refused when
// BlockPublicPolicy asks.
func TestSecretsResourcePolicy(t *testing.T) {
	t.Parallel()
	c := secretsmanager.NewFromConfig(cfg(start(t, sandbox.Demo()), region))
	id := aws.String("vigil/slack-webhook")
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	_, err := c.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: id, ResourcePolicy: aws.String(public), BlockPublicPolicy: aws.Bool(true)})
	wantCode(t, err, "PublicPolicyException")
	_, err = c.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: id, ResourcePolicy: aws.String("not json")})
	wantCode(t, err, "MalformedPolicyDocumentException")
	must[*secretsmanager.PutResourcePolicyOutput](t)(c.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: id, ResourcePolicy: aws.String(public)}))
	got := must[*secretsmanager.GetResourcePolicyOutput](t)(c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: id}))
	if aws.ToString(got.ResourcePolicy) != public {
		t.Errorf("policy = %s", aws.ToString(got.ResourcePolicy))
	}
	v := must[*secretsmanager.ValidateResourcePolicyOutput](t)(c.ValidateResourcePolicy(ctx, &secretsmanager.ValidateResourcePolicyInput{ResourcePolicy: aws.String(public)}))
	if !v.PolicyValidationPassed {
		t.Error("validation failed")
	}
	must[*secretsmanager.DeleteResourcePolicyOutput](t)(c.DeleteResourcePolicy(ctx, &secretsmanager.DeleteResourcePolicyInput{SecretId: id}))
	got = must[*secretsmanager.GetResourcePolicyOutput](t)(c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: id}))
	if got.ResourcePolicy != nil {
		t.Errorf("policy after delete = %s", aws.ToString(got.ResourcePolicy))
	}
}
