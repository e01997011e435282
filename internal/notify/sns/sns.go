// Package sns publishes notifications to an Amazon SNS topic, the way the
// systems vigil replaces mailed their summaries: the subject becomes the
// email subject of email subscriptions, the message its body.
//
// SNS limits a subject to 100 characters on one line and a message to
// 256 KB. A longer subject is shortened, and a longer message is cut with a
// note saying so: a notification is never refused for its size.
package sns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/notify"
)

// SNS's limits.
const (
	MaxSubject = 100        // characters
	MaxMessage = 256 * 1024 // bytes of UTF-8
)

// Publisher is the part of the SNS client the notifier uses.
type Publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Notifier publishes to one topic.
type Notifier struct {
	// TopicARN is the topic, e.g. arn:aws:sns:ap-northeast-1:111122223333:secops.
	TopicARN string
	// Client, when nil, is built on first use from AWS, in the topic's
	// region.
	Client Publisher
	// AWS provides the configuration Client is built from; the SDK's
	// defaults when nil.
	AWS *awsx.Provider

	mu sync.Mutex
}

// Check validates the topic ARN.
func (n *Notifier) Check() error {
	if err := CheckTopicARN(n.TopicARN); err != nil {
		return fmt.Errorf("topic_arn: %w", err)
	}
	return nil
}

// CheckTopicARN checks that s is an SNS topic ARN; every part of vigil
// that takes a topic checks it here.
func CheckTopicARN(s string) error {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sns" || a.Resource == "" || a.Region == "" {
		return fmt.Errorf("want an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got %q", s)
	}
	return nil
}

func (n *Notifier) client(ctx context.Context) (Publisher, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.Client != nil {
		return n.Client, nil
	}
	if n.AWS == nil {
		n.AWS = awsx.NewProvider(awsx.ProviderOptions{})
	}
	a, _ := arn.Parse(n.TopicARN)
	// A failure is not kept: the next message tries again.
	cfg, err := n.AWS.Region(ctx, a.Region)
	if err != nil {
		return nil, err
	}
	n.Client = sns.NewFromConfig(cfg)
	return n.Client, nil
}

// Notify publishes m. Throttling and server errors are retryable; a
// missing topic or a denied call is not.
func (n *Notifier) Notify(ctx context.Context, m notify.Message) (bool, error) {
	if err := n.Check(); err != nil {
		return false, fmt.Errorf("sns: %w", err)
	}
	c, err := n.client(ctx)
	if err != nil {
		return true, fmt.Errorf("sns: %w", err)
	}
	subject := Subject(m.Title())
	body := Message(m)
	in := &sns.PublishInput{TopicArn: aws.String(n.TopicARN), Message: aws.String(body)}
	if subject != "" {
		in.Subject = aws.String(subject)
	}
	_, err = c.Publish(ctx, in)
	var ae smithy.APIError
	if err != nil && errors.As(err, &ae) && ae.ErrorCode() == "InvalidParameter" && strings.Contains(ae.ErrorMessage(), "Subject") {
		// Some endpoints count the subject's limit in bytes, not
		// characters: shorten it further rather than lose the message.
		s, _ := notify.Truncate(subject, MaxSubject-len("…"))
		in.Subject = aws.String(s + "…")
		_, err = c.Publish(ctx, in)
	}
	if err != nil {
		return awsx.Retryable(err), fmt.Errorf("sns: publish to %s: %w", n.TopicARN, err)
	}
	return false, nil
}

// Subject makes s a valid SNS subject: one line, no control characters,
// starting with a letter, digit or punctuation, at most MaxSubject
// characters (ending with "…" when shortened).
func Subject(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	// SNS wants the first character to be a letter, number or
	// punctuation; an emoji is none of those.
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsPunct(r)
	})
	if t, cut := notify.TruncateRunes(s, MaxSubject); cut {
		t, _ = notify.TruncateRunes(t, MaxSubject-1)
		s = strings.TrimRightFunc(t, unicode.IsSpace) + "…"
	}
	return s
}

// Message returns the body published for m: the text, the people
// concerned, and what could not be sent (SNS carries no files), cut to
// MaxMessage bytes with a note when longer.
func Message(m notify.Message) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(m.Body(), "\n"))
	if len(m.Mentions) > 0 {
		b.WriteString("\n\n" + notify.Label(m.Lang, "mentions") + ":\n")
		for _, mt := range m.Mentions {
			b.WriteString("- " + mt.Who + ": " + mt.Text + "\n")
		}
	}
	for _, a := range m.Attachments {
		fmt.Fprintf(&b, "\n[%s: %d bytes]", a.Name, a.Size)
	}
	s := b.String()
	if s == "" {
		s = m.Title()
	}
	if len(s) <= MaxMessage {
		return s
	}
	note := "\n\n" + notify.TruncatedNote(m.Lang, "Amazon SNS", len(s), MaxMessage)
	head, _ := notify.Truncate(s, MaxMessage-len(note))
	return head + note
}
