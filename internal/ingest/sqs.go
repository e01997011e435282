package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/vigilhq/vigil/internal/awsx"
)

// SQSConsumer feeds events from an SQS queue (an EventBridge rule's SQS
// target, optionally through SNS) into an Ingester. A message is deleted
// only after its event is committed (or recognised as a duplicate); while
// its batch is being stored its visibility is extended, so slow storage
// never lets another consumer receive it. A message that is not a valid
// event is left in the queue, for the queue's redrive policy to move to its
// dead-letter queue.
type SQSConsumer struct {
	Ingester *Ingester
	QueueURL string
	// Client is the SQS client; nil builds one from AWS (the region comes
	// from the queue URL when it names one).
	Client *sqs.Client
	// AWS provides the configuration Client is built from when nil.
	AWS *awsx.Provider
	// WaitTime is the long-poll wait (at most 20s).
	WaitTime time.Duration
	// VisibilityTimeout is requested for received messages and renewed
	// while they are being stored.
	VisibilityTimeout time.Duration
	// Receivers is how many receive loops run at once.
	Receivers int
	Logger    *slog.Logger
}

// Run consumes until ctx ends, then finishes the batches it holds.
func (c *SQSConsumer) Run(ctx context.Context) error {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Client == nil {
		if c.AWS == nil {
			c.AWS = awsx.NewProvider(awsx.ProviderOptions{})
		}
		cfg, err := c.AWS.Config(ctx)
		if err != nil {
			return fmt.Errorf("sqs consumer: %w", err)
		}
		c.Client = sqs.NewFromConfig(cfg)
	}
	if c.WaitTime <= 0 || c.WaitTime > 20*time.Second {
		c.WaitTime = 20 * time.Second
	}
	if c.VisibilityTimeout < 2*time.Second {
		c.VisibilityTimeout = 30 * time.Second
	}
	n := max(c.Receivers, 1)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(ctx)
		}()
	}
	wg.Wait()
	return nil
}

func (c *SQSConsumer) loop(ctx context.Context) {
	backoff := 500 * time.Millisecond
	for ctx.Err() == nil {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:            aws.String(c.QueueURL),
			MaxNumberOfMessages: 10,
			WaitTimeSeconds:     int32(c.WaitTime / time.Second),
			VisibilityTimeout:   int32(c.VisibilityTimeout / time.Second),
		})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.Logger.Warn("sqs receive failed", "queue_url", c.QueueURL, "error", err.Error())
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = 500 * time.Millisecond
		if len(out.Messages) > 0 {
			// The batch is finished even when ctx ends meanwhile: its
			// events are being committed and must then be deleted.
			c.handle(context.WithoutCancel(ctx), out.Messages)
		}
	}
}

func (c *SQSConsumer) handle(ctx context.Context, msgs []types.Message) {
	raws := make([][]byte, len(msgs))
	for i, m := range msgs {
		raws[i] = unwrapSNS([]byte(aws.ToString(m.Body)))
	}
	stop := c.keepInvisible(ctx, msgs)
	results := c.Ingester.Accept(ctx, "sqs", raws)
	stop()
	var del []types.DeleteMessageBatchRequestEntry
	for i, r := range results {
		if r.Err != nil {
			var ie *Error
			if errors.As(r.Err, &ie) {
				c.Logger.Warn("sqs message is not a valid event; left for the queue's redrive policy", "message_id", aws.ToString(msgs[i].MessageId), "error", r.Err.Error())
			} else {
				c.Logger.Error("storing sqs message failed; it will be received again", "message_id", aws.ToString(msgs[i].MessageId), "error", r.Err.Error())
			}
			continue
		}
		del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: msgs[i].ReceiptHandle})
	}
	if len(del) == 0 {
		return
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := c.Client.DeleteMessageBatch(dctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(c.QueueURL), Entries: del})
	if err != nil {
		// Stored but not deleted: the message comes back and is dropped as
		// a duplicate then.
		c.Logger.Warn("sqs delete failed; the events are stored and will be deduplicated when received again", "error", err.Error())
		return
	}
	for _, f := range out.Failed {
		c.Logger.Warn("sqs delete failed for one message", "id", aws.ToString(f.Id), "code", aws.ToString(f.Code), "error", aws.ToString(f.Message))
	}
}

// keepInvisible extends the messages' visibility every half timeout until
// the returned function is called.
func (c *SQSConsumer) keepInvisible(ctx context.Context, msgs []types.Message) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.VisibilityTimeout / 2)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(msgs))
				for i, m := range msgs {
					entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{
						Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle,
						VisibilityTimeout: int32(c.VisibilityTimeout / time.Second),
					}
				}
				if _, err := c.Client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(c.QueueURL), Entries: entries}); err != nil {
					c.Logger.Warn("sqs visibility extension failed", "error", err.Error())
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// unwrapSNS returns the message of an SNS notification (an EventBridge rule
// whose target is an SNS topic that an SQS queue subscribes to without raw
// delivery), or body unchanged.
func unwrapSNS(body []byte) []byte {
	var n struct {
		Type     string `json:"Type"`
		Message  string `json:"Message"`
		TopicArn string `json:"TopicArn"`
	}
	if json.Unmarshal(body, &n) == nil && n.Type == "Notification" && n.TopicArn != "" && n.Message != "" {
		return []byte(n.Message)
	}
	return body
}
