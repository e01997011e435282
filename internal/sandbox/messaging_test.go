package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestSNSPublish(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sns.NewFromConfig(cfg(sb, region))
	arn := aws.ToString(must[*sns.CreateTopicOutput](t)(c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("vigil-test")})).TopicArn)
	if arn != "arn:aws:sns:ap-northeast-1:111122223333:vigil-test" {
		t.Errorf("topic arn = %s", arn)
	}
	again := aws.ToString(must[*sns.CreateTopicOutput](t)(c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("vigil-test")})).TopicArn)
	if again != arn {
		t.Errorf("CreateTopic is not idempotent: %s", again)
	}
	topics := must[*sns.ListTopicsOutput](t)(c.ListTopics(ctx, &sns.ListTopicsInput{}))
	if len(topics.Topics) != 3 {
		t.Errorf("topics = %d, want 3", len(topics.Topics))
	}
	pub := must[*sns.PublishOutput](t)(c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(arn), Subject: aws.String("GuardDuty: SSH brute force"), Message: aws.String("本文 body"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"severity": {DataType: aws.String("String"), StringValue: aws.String("LOW")}}}))
	if aws.ToString(pub.MessageId) == "" {
		t.Error("no message id")
	}
	var got *sandbox.Published
	for _, tp := range sb.State().Accounts[0].Regions[0].Topics {
		if tp.ARN == arn && len(tp.Published) == 1 {
			got = tp.Published[0]
		}
	}
	if got == nil || got.Message != "本文 body" || got.Subject != "GuardDuty: SSH brute force" || got.Attributes["severity"] != "LOW" || got.MessageID != aws.ToString(pub.MessageId) {
		t.Errorf("published = %+v", got)
	}
	_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:ap-northeast-1:111122223333:nope"), Message: aws.String("x")})
	wantCode(t, err, "NotFound")
}

func TestSQSVisibilityAndBatches(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sqs.NewFromConfig(cfg(sb, region))
	url := aws.ToString(must[*sqs.CreateQueueOutput](t)(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"),
		Attributes: map[string]string{"VisibilityTimeout": "1"}})).QueueUrl)
	if url != sb.URL()+"/111122223333/work" {
		t.Errorf("queue url = %s", url)
	}
	if got := aws.ToString(must[*sqs.GetQueueUrlOutput](t)(c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("work")})).QueueUrl); got != url {
		t.Errorf("GetQueueUrl = %s", got)
	}
	_, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	wantCode(t, err, "AWS.SimpleQueueService.NonExistentQueue")

	sent := must[*sqs.SendMessageOutput](t)(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(`{"detail-type":"GuardDuty Finding"}`),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"source": {DataType: aws.String("String"), StringValue: aws.String("aws.guardduty")}}}))
	if aws.ToString(sent.MD5OfMessageAttributes) == "" {
		t.Error("no MD5OfMessageAttributes")
	}
	var entries []sqstypes.SendMessageBatchRequestEntry
	for i := range 10 {
		entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint("m", i)), MessageBody: aws.String(fmt.Sprint("body ", i))})
	}
	batch := must[*sqs.SendMessageBatchOutput](t)(c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries}))
	if len(batch.Successful) != 10 || len(batch.Failed) != 0 {
		t.Fatalf("batch = %d ok, %d failed", len(batch.Successful), len(batch.Failed))
	}
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: append(entries, entries[0])})
	wantCode(t, err, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []sqstypes.SendMessageBatchRequestEntry{entries[0], entries[0]}})
	wantCode(t, err, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")

	// Receive all 11 messages (10 at most per call); they turn invisible.
	recv := func(max int32, wait int32) []sqstypes.Message {
		return must[*sqs.ReceiveMessageOutput](t)(c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: max, WaitTimeSeconds: wait,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount}})).Messages
	}
	first := recv(10, 0)
	rest := recv(10, 0)
	if len(first) != 10 || len(rest) != 1 {
		t.Fatalf("received %d then %d, want 10 then 1", len(first), len(rest))
	}
	if first[0].MessageAttributes["source"].StringValue == nil || first[0].Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("first message attributes = %v %v", first[0].MessageAttributes, first[0].Attributes)
	}
	if got := recv(10, 0); len(got) != 0 {
		t.Errorf("in-flight messages were received again: %d", len(got))
	}

	// Delete two with a batch (one good handle, one malformed).
	del := must[*sqs.DeleteMessageBatchOutput](t)(c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []sqstypes.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: first[0].ReceiptHandle}, {Id: aws.String("b"), ReceiptHandle: aws.String("not a handle")},
	}}))
	if len(del.Successful) != 1 || len(del.Failed) != 1 || aws.ToString(del.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("delete batch = %+v / %+v", del.Successful, del.Failed)
	}
	must[*sqs.DeleteMessageOutput](t)(c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: first[1].ReceiptHandle}))
	// Keep one in flight longer, release another at once.
	must[*sqs.ChangeMessageVisibilityOutput](t)(c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[2].ReceiptHandle, VisibilityTimeout: 60}))
	must[*sqs.ChangeMessageVisibilityOutput](t)(c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[3].ReceiptHandle, VisibilityTimeout: 0}))
	again := recv(10, 0)
	if len(again) != 1 || aws.ToString(again[0].MessageId) != aws.ToString(first[3].MessageId) || again[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("after visibility 0: %d messages", len(again))
	}
	// The old handle of a message received again no longer changes it.
	_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[3].ReceiptHandle, VisibilityTimeout: 5})
	wantCode(t, err, "InvalidParameterValue")

	// After the 1 s visibility timeout the rest come back (long poll waits
	// for them): 11 sent - 2 deleted - 1 held for 60 s = 8.
	var back []sqstypes.Message
	for range 20 {
		back = append(back, recv(10, 2)...)
		if len(back) >= 8 {
			break
		}
	}
	if len(back) != 8 {
		t.Errorf("messages back after the visibility timeout = %d, want 8", len(back))
	}
	// A message not in flight cannot have its visibility changed: wait for
	// one to come back and try its stale-but-latest handle.
	attrs := must[*sqs.GetQueueAttributesOutput](t)(c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{"All"}})).Attributes
	if attrs["ApproximateNumberOfMessagesNotVisible"] != "9" {
		t.Errorf("attributes = %v", attrs)
	}
}

func TestSQSLongPollWakesOnSend(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sqs.NewFromConfig(cfg(sb, region))
	url := aws.ToString(must[*sqs.GetQueueUrlOutput](t)(c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("vigil-events")})).QueueUrl)
	done := make(chan []sqstypes.Message)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		if err != nil {
			t.Error(err)
			done <- nil
			return
		}
		done <- out.Messages
	}()
	// Send once the poll is waiting (it is logged when it arrives).
	for i := 0; i < 200 && len(callsOf(sb, "ReceiveMessage")) == 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	must[*sqs.SendMessageOutput](t)(c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("wake up")}))
	select {
	case msgs := <-done:
		if len(msgs) != 1 || aws.ToString(msgs[0].Body) != "wake up" {
			t.Errorf("long poll got %v", msgs)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("long poll did not return after a send")
	}
	// An empty long poll returns when the client gives up (context).
	short, cancel := contextWithTimeout(300 * time.Millisecond)
	defer cancel()
	_, err := c.ReceiveMessage(short, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
	if err == nil {
		t.Error("a canceled long poll should fail on the client side")
	}
}

func callsOf(sb *sandbox.Sandbox, op string) []sandbox.Call {
	var out []sandbox.Call
	for _, c := range sb.Calls() {
		if c.Operation == op {
			out = append(out, c)
		}
	}
	return out
}

func TestSecretsManager(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := secretsmanager.NewFromConfig(cfg(sb, region))
	got := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("vigil/slack-webhook")}))
	if !strings.HasPrefix(aws.ToString(got.SecretString), "https://hooks.slack.example/") || got.VersionStages[0] != "AWSCURRENT" {
		t.Errorf("secret = %+v", got)
	}
	cr := must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("vigil/pagerduty"), SecretString: aws.String("v1")}))
	if !strings.HasPrefix(aws.ToString(cr.ARN), "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:vigil/pagerduty-") {
		t.Errorf("arn = %s", aws.ToString(cr.ARN))
	}
	_, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("vigil/pagerduty"), SecretString: aws.String("v1")})
	wantCode(t, err, "ResourceExistsException")
	put := must[*secretsmanager.PutSecretValueOutput](t)(c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: cr.ARN, SecretString: aws.String("v2")}))
	cur := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("vigil/pagerduty")}))
	prev := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("vigil/pagerduty"), VersionStage: aws.String("AWSPREVIOUS")}))
	if aws.ToString(cur.SecretString) != "v2" || aws.ToString(cur.VersionId) != aws.ToString(put.VersionId) || aws.ToString(prev.SecretString) != "v1" {
		t.Errorf("current %q (%s), previous %q", aws.ToString(cur.SecretString), aws.ToString(cur.VersionId), aws.ToString(prev.SecretString))
	}
	_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")})
	wantCode(t, err, "ResourceNotFoundException")
	// Secret values never reach the call log.
	for _, call := range sb.Calls() {
		if strings.Contains(fmt.Sprint(call.Params), "v2") && call.Operation == "PutSecretValue" {
			t.Errorf("secret value in the call log: %v", call.Params)
		}
	}
}

func TestCloudWatchPutMetricDataCBOR(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := cloudwatch.NewFromConfig(cfg(sb, region))
	ts := time.Date(2025, 4, 14, 3, 0, 0, 0, time.UTC)
	must[*cloudwatch.PutMetricDataOutput](t)(c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Vigil"), MetricData: []cwtypes.MetricDatum{
		{MetricName: aws.String("EventsRouted"), Value: aws.Float64(42), Unit: cwtypes.StandardUnitCount, Timestamp: &ts,
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Rule"), Value: aws.String("ssh-open")}}},
	}}))
	calls := callsOf(sb, "PutMetricData")
	if len(calls) != 1 || calls[0].Protocol != "rpcv2-cbor" {
		t.Fatalf("calls = %+v", calls)
	}
	m := sb.State().Accounts[0].Regions[0].Metrics
	if len(m) != 1 || m[0].Name != "EventsRouted" || m[0].Value != 42 || !m[0].Timestamp.Equal(ts) || m[0].Dimensions["Rule"] != "ssh-open" || m[0].Unit != "Count" {
		t.Errorf("metrics = %+v", m)
	}
	_, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/EC2"), MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("x"), Value: aws.Float64(1)}}})
	wantCode(t, err, "InvalidParameterValue")
}

// A queue named *.fifo is refused as a FIFO queue the sandbox does not
// simulate, not as a name with a bad character.
func TestSQSFIFONameNamesTheLimit(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sqs.NewFromConfig(cfg(sb, region))
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders.fifo")})
	if err == nil || !strings.Contains(err.Error(), "standard queues only") {
		t.Fatalf("CreateQueue orders.fifo: %v, want the standard-queues-only refusal", err)
	}
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad name")}); err == nil || !strings.Contains(err.Error(), "alphanumeric") {
		t.Fatalf("CreateQueue 'bad name': %v, want the name rule", err)
	}
}
