package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vpipeline "github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/store"
)

// sqsSandbox starts the vigil sandbox (which speaks SQS's JSON protocol)
// and points the AWS SDK at it through the environment, as vigil
// --endpoint-url does.
func sqsSandbox(t *testing.T) (*sandbox.Sandbox, *sqs.Client) {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAVIGILTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sb, sqs.NewFromConfig(cfg)
}

func TestSQSConsumer(t *testing.T) {
	sb, client := sqsSandbox(t)
	ctx := context.Background()
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("vigil-events")})
	if err != nil {
		t.Fatal(err)
	}
	qurl := aws.ToString(q.QueueUrl)

	rcv := newReceiver(t)
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), webhookConfig(rcv.srv.URL, ""))

	// 20 events, 5 of them sent twice (EventBridge delivers at least
	// once), one wrapped by SNS, and one message that is not an event.
	send := func(body string) {
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qurl), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		send(string(ec2Event(fmt.Sprintf("sqs-%02d", i))))
	}
	for i := range 5 {
		send(string(ec2Event(fmt.Sprintf("sqs-%02d", i))))
	}
	send(fmt.Sprintf(`{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:ap-northeast-1:000000000000:t","Message":%q}`, ec2Event("sqs-sns")))
	send(`not an event`)

	// Hold the database for a while, so storing the first batch takes
	// longer than the 2 s visibility timeout: the consumer must extend it
	// or a second receiver would get the same messages.
	hold := make(chan struct{})
	go p.st.InTx(ctx, func(store.Tx) error { <-hold; return nil })
	time.AfterFunc(3*time.Second, func() { close(hold) })

	cctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	c := &ingest.SQSConsumer{Ingester: p.in, QueueURL: qurl, Client: client, WaitTime: time.Second, VisibilityTimeout: 2 * time.Second, Receivers: 2}
	go func() {
		c.Run(cctx)
		close(done)
	}()
	defer func() {
		stop()
		<-done
	}()

	waitFor(t, "21 deliveries", func() bool { return len(rcv.deliveries()) >= 21 })
	n, err := store.CountEvents(ctx, p.st.Q())
	if err != nil || n != 21 {
		t.Errorf("stored events: want 21, got %d (%v)", n, err)
	}
	// Everything but the bad message is deleted; the bad one stays for the
	// queue's redrive policy.
	waitFor(t, "the queue to hold only the invalid message", func() bool {
		a, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(qurl), AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
		return err == nil && a.Attributes["ApproximateNumberOfMessages"]+"/"+a.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0/1" ||
			err == nil && a.Attributes["ApproximateNumberOfMessages"]+"/"+a.Attributes["ApproximateNumberOfMessagesNotVisible"] == "1/0"
	})
	extended := false
	for _, call := range sb.Calls() {
		if call.Operation == "ChangeMessageVisibilityBatch" && call.Status == 200 {
			extended = true
		}
	}
	if !extended {
		t.Error("the consumer never extended the visibility of a batch that took longer than the timeout")
	}
	waitFor(t, "21 deliveries", func() bool { return len(rcv.deliveries()) >= 21 })
	pipelinetest.WaitIdle(t, p.p)
	if got := len(rcv.deliveries()); got != 21 {
		t.Errorf("want 21 deliveries (20 events + 1 via SNS, duplicates dropped), got %d", got)
	}
	for _, d := range rcv.deliveries() {
		if !strings.Contains(d.Body, `"id": "sqs-`) {
			t.Errorf("unexpected delivery %s", d.Body)
		}
	}
}

// A forward target sends the shaped payload to an SQS queue (here the
// sandbox's), and a Lambda handler routes with the same code.
func TestForwardToSQSAndLambda(t *testing.T) {
	_, client := sqsSandbox(t)
	ctx := context.Background()
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("forwarded")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`
rules:
  - name: fwd
    event_pattern: {"source": ["aws.ec2"]}
    targets:
      - id: q
        type: forward
        queue_url: %s
        input_path: $.detail
`, aws.ToString(q.QueueUrl))
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), cfg)
	if r := p.in.Accept(ctx, "test", [][]byte{ec2Event("fwd-1")}); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	var body string
	waitFor(t, "the forwarded message", func() bool {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
		if err != nil || len(out.Messages) == 0 {
			return false
		}
		body = aws.ToString(out.Messages[0].Body)
		return true
	})
	if body != `{"eventName":"AuthorizeSecurityGroupIngress","n":1}` {
		t.Errorf("forwarded body %s", body)
	}

	// The Lambda handler, delivering synchronously.
	h := statelessLambda(t, cfg)
	res, err := h(ctx, ec2Event("lambda-1"))
	if err != nil || len(res.Delivered) != 1 || res.Delivered[0] != "fwd/q" {
		t.Fatalf("lambda: %+v %v", res, err)
	}
	if res, err := h(ctx, []byte(`{"not":"an event"}`)); err != nil || res.EventID != "" {
		t.Errorf("an invalid event is dropped without an error (retrying cannot fix it): %+v %v", res, err)
	}
}

func TestLambdaRetryableFailure(t *testing.T) {
	rcv := newReceiver(t)
	rcv.setFail(func(int) int { return 503 })
	p := startPipeline(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), webhookConfig(rcv.srv.URL, ""))
	h := statelessLambda(t, webhookConfig(rcv.srv.URL, ""))
	res, err := h(context.Background(), ec2Event("l-2"))
	if err == nil || len(res.Failed) != 1 {
		t.Errorf("a 503 must fail the invocation so Lambda retries: %+v %v", res, err)
	}
	// With the database, the handler stores instead of delivering.
	h = p.p.LambdaHandler()
	res, err = h(context.Background(), ec2Event("l-3"))
	if err != nil || !res.Stored {
		t.Errorf("stored: %+v %v", res, err)
	}
}

// statelessLambda is vigil lambda without a database: it delivers
// synchronously.
func statelessLambda(t *testing.T, cfgYAML string) func(context.Context, json.RawMessage) (*ingest.LambdaResult, error) {
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML))
	if err != nil {
		t.Fatal(err)
	}
	p, err := vpipeline.New(context.Background(), cfg, vpipeline.Deps{Stateless: true})
	if err != nil {
		t.Fatal(err)
	}
	return p.LambdaHandler()
}
