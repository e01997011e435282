package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/notify"
)

// maxInline bounds the attachment bytes a JSON notification carries inline.
const maxInline = 5 << 20

// JSON adapts a Notifier to notify.Notifier: each notify.Message is posted
// as one JSON document (see Document).
type JSON struct{ *Notifier }

// Document is the JSON body JSON posts.
type Document struct {
	ID          string               `json:"id,omitempty"`
	Thread      string               `json:"thread,omitempty"`
	Lang        string               `json:"lang,omitempty"`
	Subject     string               `json:"subject"`
	Text        string               `json:"text"`
	Explanation *explain.Explanation `json:"explanation,omitempty"`
	Mentions    []DocumentMention    `json:"mentions,omitempty"`
	Attachments []DocumentAttachment `json:"attachments,omitempty"`
}

// DocumentMention is a mention in a Document.
type DocumentMention struct {
	Who  string `json:"who"`
	Text string `json:"text"`
}

// DocumentAttachment is an attachment in a Document; its content is
// inline (base64) up to 5 MiB, and left out beyond.
type DocumentAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	Content     []byte `json:"content_base64,omitempty"`
}

// Notify posts m as a Document.
func (j JSON) Notify(ctx context.Context, m notify.Message) (bool, error) {
	d := Document{ID: m.ID, Thread: m.Thread, Lang: string(m.Lang), Subject: m.Title(), Text: m.Body(), Explanation: m.Explanation}
	for _, mt := range m.Mentions {
		d.Mentions = append(d.Mentions, DocumentMention{Who: mt.Who, Text: mt.Text})
	}
	inline := int64(0)
	for _, a := range m.Attachments {
		da := DocumentAttachment{Name: a.Name, ContentType: a.ContentType, Size: a.Size}
		if inline+a.Size <= maxInline {
			r, err := a.Open()
			if err != nil {
				return false, fmt.Errorf("webhook: attachment %q: %w", a.Name, err)
			}
			da.Content, err = io.ReadAll(io.LimitReader(r, a.Size))
			r.Close()
			if err != nil {
				return false, fmt.Errorf("webhook: attachment %q: %w", a.Name, err)
			}
			inline += a.Size
		}
		d.Attachments = append(d.Attachments, da)
	}
	body, err := json.Marshal(d)
	if err != nil {
		return false, fmt.Errorf("webhook: %w", err)
	}
	return j.Notifier.Notify(ctx, Message{ID: m.ID, Attempt: attempt(ctx), Body: body})
}

type attemptKey struct{}

// WithAttempt returns a context telling JSON.Notify which attempt this is,
// for the X-Vigil-Attempt header.
func WithAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

func attempt(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}
