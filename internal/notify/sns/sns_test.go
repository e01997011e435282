package sns_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/sns"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

var ctx = context.Background()

func sandboxEnv(t *testing.T) *sandbox.Sandbox {
	return sandboxtest.Start(t, sandbox.Options{})
}

func createTopic(t *testing.T, name string) string {
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := awssns.NewFromConfig(cfg).CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TopicArn)
}

func published(sb *sandbox.Sandbox, name string) []*sandbox.Published {
	for _, a := range sb.State().Accounts {
		for _, r := range a.Regions {
			for _, tp := range r.Topics {
				if tp.Name == name {
					return tp.Published
				}
			}
		}
	}
	return nil
}

func TestPublish(t *testing.T) {
	sb := sandboxEnv(t)
	topic := createTopic(t, "secops")
	n := &sns.Notifier{TopicARN: topic}
	m := notify.Message{Lang: lang.JA, Subject: "本番環境の違反", Text: "新規 3 件の違反があります。",
		Mentions: []notify.Mention{{Who: "owner@example.com", Text: "S3.1 arn:aws:s3:::logs"}}}
	if retry, err := n.Notify(ctx, m); err != nil {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	got := published(sb, "secops")
	if len(got) != 1 {
		t.Fatalf("topic got %d messages", len(got))
	}
	if got[0].Subject != "本番環境の違反" {
		t.Errorf("subject %q", got[0].Subject)
	}
	want := "新規 3 件の違反があります。\n\n担当者:\n- owner@example.com: S3.1 arn:aws:s3:::logs\n"
	if got[0].Message != want {
		t.Errorf("message %q, want %q", got[0].Message, want)
	}
}

func TestLongSubjectAndMessageAreShortenedNotRejected(t *testing.T) {
	sb := sandboxEnv(t)
	topic := createTopic(t, "long")
	n := &sns.Notifier{TopicARN: topic}
	long := strings.Repeat("Security Hub finding on production account. ", 10)
	body := strings.Repeat("違反の詳細。", 20000) // 360,000 bytes
	for _, lang := range []lang.Lang{lang.EN, lang.JA} {
		if retry, err := n.Notify(ctx, notify.Message{Lang: lang, Subject: long, Text: body}); err != nil {
			t.Fatalf("retry=%v err=%v", retry, err)
		}
	}
	// A Japanese subject of 100 characters is 300 bytes: accepted, by
	// shortening further if the endpoint counts bytes.
	if _, err := n.Notify(ctx, notify.Message{Subject: strings.Repeat("違", 150), Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := published(sb, "long")
	if len(got) != 3 {
		t.Fatalf("got %d messages", len(got))
	}
	for i, p := range got[:2] {
		if n := utf8.RuneCountInString(p.Subject); n > sns.MaxSubject || !strings.HasSuffix(p.Subject, "…") {
			t.Errorf("subject of %d characters: %q", n, p.Subject)
		}
		if len(p.Message) > sns.MaxMessage || !utf8.ValidString(p.Message) {
			t.Errorf("message of %d bytes (valid UTF-8: %v)", len(p.Message), utf8.ValidString(p.Message))
		}
		note := []string{"[Message shortened: the full text was 360000 bytes", "［メッセージを短縮しました: 元の本文は 360000 バイト"}[i]
		if !strings.Contains(p.Message, note) {
			t.Errorf("message %d lacks the note %q: ...%s", i, note, p.Message[len(p.Message)-200:])
		}
	}
	if s := got[2].Subject; !strings.HasPrefix(s, "違違") || !strings.HasSuffix(s, "…") {
		t.Errorf("Japanese subject %q", s)
	}
}

func TestSubject(t *testing.T) {
	for in, want := range map[string]string{
		"🚨 本番 環境で 3 件":          "本番 環境で 3 件",
		"line one\nline two\t!": "line one line two !",
		"":                      "",
	} {
		if got := sns.Subject(in); got != want {
			t.Errorf("Subject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	sb := sandboxEnv(t)
	topic := createTopic(t, "throttled")
	if _, err := sb.AddFault(sandbox.Fault{Service: "sns", Operation: "Publish", Error: "throttle"}); err != nil {
		t.Fatal(err)
	}
	if retry, err := (&sns.Notifier{TopicARN: topic}).Notify(ctx, notify.Message{Text: "x"}); err == nil || !retry {
		t.Errorf("throttled: retry=%v err=%v", retry, err)
	}
	sb.ClearFaults()
	n := &sns.Notifier{TopicARN: "arn:aws:sns:ap-northeast-1:000000000000:missing"}
	retry, err := n.Notify(ctx, notify.Message{Text: "x"})
	if err == nil || retry || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing topic: retry=%v err=%v", retry, err)
	}
	bad := &sns.Notifier{TopicARN: "secops"}
	if retry, err := bad.Notify(ctx, notify.Message{Text: "x"}); err == nil || retry || !strings.Contains(err.Error(), "topic_arn") {
		t.Errorf("bad ARN: retry=%v err=%v", retry, err)
	}
}
