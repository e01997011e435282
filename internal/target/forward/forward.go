// Package forward is the forward target type: it passes what the target
// receives on, unchanged, to an SQS queue, an SNS topic, or another vigil's
// /events.
package forward

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/vigilhq/vigil/internal/awsx"
	nsns "github.com/vigilhq/vigil/internal/notify/sns"
	nwebhook "github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/target"
	"github.com/vigilhq/vigil/internal/target/webhook"
)

// Config is a forward target's own fields: exactly one destination.
type Config struct {
	// QueueURL is the SQS queue to send to.
	QueueURL string `yaml:"queue_url"`
	// TopicARN is the SNS topic to publish to.
	TopicARN string `yaml:"topic_arn"`
	// URL is another vigil's /events endpoint, authenticated with APIKey.
	URL    string      `yaml:"url"`
	APIKey secrets.Ref `yaml:"api_key"`
	// AllowNetworks lists networks (CIDR) or addresses url may lead to
	// whatever the network policy refuses.
	AllowNetworks []string `yaml:"allow_networks"`
}

// Type registers the forward target type.
var Type = target.Type{Name: "forward", Config: &Config{}, New: New}

// New builds a forward target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	set := 0
	for _, v := range []string{c.URL, c.QueueURL, c.TopicARN} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return nil, s.Errorf("", "a forward target needs exactly one of queue_url (SQS), topic_arn (SNS) or url (another vigil's /events)")
	}
	if len(c.AllowNetworks) > 0 && c.URL == "" {
		return nil, s.Errorf("allow_networks", "applies to url only (SQS and SNS are reached through AWS's endpoints)")
	}
	switch {
	case c.QueueURL != "":
		if !nwebhook.CheckURL(c.QueueURL) {
			return nil, s.Errorf("queue_url", "want an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got %q", c.QueueURL)
		}
		client := awsx.Lazy(d.AWS, "", func(c aws.Config) *sqs.Client { return sqs.NewFromConfig(c) })
		return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
			cl, err := client(ctx)
			if err != nil {
				return true, fmt.Errorf("forward to SQS: %w", err)
			}
			if _, err := cl.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(c.QueueURL), MessageBody: aws.String(string(dl.Payload))}); err != nil {
				return awsx.Retryable(err), fmt.Errorf("forward to SQS %s: %w", c.QueueURL, err)
			}
			return false, nil
		}), nil
	case c.TopicARN != "":
		if err := nsns.CheckTopicARN(c.TopicARN); err != nil {
			return nil, s.Errorf("topic_arn", "%v", err)
		}
		region := strings.Split(c.TopicARN, ":")[3]
		client := awsx.Lazy(d.AWS, region, func(c aws.Config) *sns.Client { return sns.NewFromConfig(c) })
		return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
			cl, err := client(ctx)
			if err != nil {
				return true, fmt.Errorf("forward to SNS: %w", err)
			}
			if _, err := cl.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(c.TopicARN), Message: aws.String(string(dl.Payload))}); err != nil {
				return awsx.Retryable(err), fmt.Errorf("forward to SNS %s: %w", c.TopicARN, err)
			}
			return false, nil
		}), nil
	}
	w := webhook.Config{URL: c.URL, AllowNetworks: c.AllowNetworks}
	if c.APIKey != "" {
		if err := c.APIKey.Check(); err != nil {
			return nil, s.Errorf("api_key", "%v", err)
		}
		w.Headers = map[string]secrets.Ref{"x-api-key": c.APIKey}
	}
	return webhook.Sender(d, s, w)
}
