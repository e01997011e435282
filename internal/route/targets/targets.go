// Package targets registers vigil's built-in target types with package
// route: webhook (an HTTP endpoint) and forward (an SQS queue, an SNS topic,
// or another vigil's /events). Import it for its side effect.
//
// Adding a type is one route.Register call in a file of its own: a Factory
// that checks the target's fields (errors via cfg.Errorf so they carry the
// file's line) and returns a route.Sender.
package targets

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/route"
)

func init() {
	route.Register("webhook", newWebhook)
	route.Register("forward", newForward)
}

func checkURL(cfg *config.Config, raw, path string) error {
	if raw == "" {
		return cfg.Errorf(path, "required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg.Errorf(path, "want an http:// or https:// URL, got %q", raw)
	}
	return nil
}

// newWebhook builds a target that POSTs the payload to url.
func newWebhook(cfg *config.Config, t *config.Target, path string) (route.Sender, error) {
	if err := checkURL(cfg, t.URL, path+".url"); err != nil {
		return nil, err
	}
	if t.QueueURL != "" || t.TopicARN != "" {
		return nil, cfg.Errorf(path, "queue_url and topic_arn belong to forward targets, not webhook")
	}
	headers := t.Headers
	n := &webhook.Notifier{URL: t.URL}
	var once sync.Once
	var herr error
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		// Secrets are resolved at first use, not at config check, so
		// `vigil config check` works without them in the environment.
		once.Do(func() {
			if len(headers) == 0 {
				return
			}
			n.Headers = map[string]string{}
			for k, ref := range headers {
				v, err := ref.Resolve()
				if err != nil {
					herr = fmt.Errorf("header %s: %w", k, err)
					return
				}
				n.Headers[k] = v
			}
		})
		if herr != nil {
			return false, herr
		}
		return n.Notify(ctx, webhook.Message{ID: d.ID, Attempt: d.Attempt, Body: d.Payload})
	}), nil
}

// newForward builds a target that passes the payload on: to an SQS queue
// (queue_url), an SNS topic (topic_arn) or another vigil (url, its /events
// endpoint, authenticated with api_key).
func newForward(cfg *config.Config, t *config.Target, path string) (route.Sender, error) {
	set := 0
	for _, s := range []string{t.URL, t.QueueURL, t.TopicARN} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return nil, cfg.Errorf(path, "a forward target needs exactly one of queue_url (SQS), topic_arn (SNS) or url (another vigil's /events)")
	}
	switch {
	case t.QueueURL != "":
		if err := checkURL(cfg, t.QueueURL, path+".queue_url"); err != nil {
			return nil, err
		}
		return newSQSForward(t.QueueURL), nil
	case t.TopicARN != "":
		if !strings.HasPrefix(t.TopicARN, "arn:") || !strings.Contains(t.TopicARN, ":sns:") {
			return nil, cfg.Errorf(path+".topic_arn", "want an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got %q", t.TopicARN)
		}
		return newSNSForward(t.TopicARN), nil
	default:
		if err := checkURL(cfg, t.URL, path+".url"); err != nil {
			return nil, err
		}
		var headers map[string]config.Secret
		if t.APIKey != "" {
			headers = map[string]config.Secret{"x-api-key": t.APIKey}
		}
		wt := *t
		wt.Headers = headers
		return newWebhook(cfg, &wt, path)
	}
}

// lazyClient builds a target's AWS client on its first delivery, so that
// config check needs no credentials, and again after a failure.
// AWS_ENDPOINT_URL (vigil --endpoint-url) points it at the sandbox.
func lazyClient[C any](newClient func(aws.Config) C) func(context.Context) (C, error) {
	var mu sync.Mutex
	var client C
	var ok bool
	return func(ctx context.Context) (C, error) {
		mu.Lock()
		defer mu.Unlock()
		if !ok {
			cfg, err := awsx.Load(context.WithoutCancel(ctx), awsx.Options{})
			if err != nil {
				return client, err
			}
			client, ok = newClient(cfg), true
		}
		return client, nil
	}
}

func newSQSForward(queueURL string) route.Sender {
	client := lazyClient(func(c aws.Config) *sqs.Client { return sqs.NewFromConfig(c) })
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		cl, err := client(ctx)
		if err != nil {
			return true, fmt.Errorf("forward to SQS: %w", err)
		}
		if _, err := cl.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(string(d.Payload))}); err != nil {
			return retryableAWS(err), fmt.Errorf("forward to SQS %s: %w", queueURL, err)
		}
		return false, nil
	})
}

func newSNSForward(topic string) route.Sender {
	client := lazyClient(func(c aws.Config) *sns.Client { return sns.NewFromConfig(c) })
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		cl, err := client(ctx)
		if err != nil {
			return true, fmt.Errorf("forward to SNS: %w", err)
		}
		if _, err := cl.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(string(d.Payload))}); err != nil {
			return retryableAWS(err), fmt.Errorf("forward to SNS %s: %w", topic, err)
		}
		return false, nil
	})
}

// retryableAWS says whether an AWS error can go away: throttling and server
// faults can, a missing queue or a denied call cannot.
func retryableAWS(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorFault() != smithy.FaultClient || strings.Contains(ae.ErrorCode(), "Throttl")
	}
	return true
}
