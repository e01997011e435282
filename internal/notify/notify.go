// Package notify defines what every notification channel implements: the
// Notifier interface and the Message it sends. Each channel lives in its own
// sub-package (slack, email, sns, webhook), the way Alertmanager keeps its
// integrations, so channel-specific code never leaks into the others.
//
// A Message carries content in a channel-neutral form: a subject, a plain
// text body, optionally the explanation it was made from (rich channels such
// as Slack and email render it with package explain), attachments, and the
// people it concerns. Each channel takes what it can show.
package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
)

// Notifier sends messages to one destination.
type Notifier interface {
	// Notify sends one message. retry tells the caller whether trying
	// again can help: true for timeouts, throttling and server errors,
	// false when the message or the configuration is wrong.
	Notify(ctx context.Context, m Message) (retry bool, err error)
}

// Func adapts a function to Notifier.
type Func func(ctx context.Context, m Message) (retry bool, err error)

// Notify calls f.
func (f Func) Notify(ctx context.Context, m Message) (bool, error) { return f(ctx, m) }

// Message is one notification.
type Message struct {
	// ID identifies the delivery and stays the same across its retries, so
	// channels that can (webhook, email Message-ID) let receivers drop
	// duplicates.
	ID string
	// Thread names the incident the message is about. Messages with the
	// same Thread are follow-ups: Slack posts them in the first message's
	// thread, email marks them as replies. Empty means a new conversation.
	Thread string
	// Lang is the language of the text the channel adds itself (labels,
	// notes); the content is already in it.
	Lang lang.Lang
	// Subject is one line. When empty, channels use the explanation's
	// title.
	Subject string
	// Text is the plain-text body. When empty, channels render the
	// explanation as text.
	Text string
	// Explanation, when set, is what the message explains; Slack renders
	// it as Block Kit and email as HTML.
	Explanation *explain.Explanation
	// Mentions are the people some of the content concerns, each with the
	// part that concerns them.
	Mentions []Mention
	// Attachments are files sent with the message (a CSV report).
	Attachments []Attachment
	// Actions are buttons for the readers (approve, reject). Channels
	// that cannot show buttons leave them out, so Text must also say how
	// to act without them.
	Actions []Action
	// Links point to where vigil shows more (the timelines of the
	// entities a finding names); channels list them after the content.
	Links []Link
}

// Link is a titled URL.
type Link struct {
	Title, URL string
}

// Action is a button: ID names what it does (vigil_approve), Value what it
// acts on (an approval id); Style is primary, danger or empty.
type Action struct {
	ID    string
	Text  string
	Value string
	Style string
}

// Title returns the subject line: Subject, else the explanation's title,
// else the first line of Text.
func (m *Message) Title() string {
	if m.Subject != "" {
		return m.Subject
	}
	if m.Explanation != nil && m.Explanation.Title != "" {
		return m.Explanation.Title
	}
	t := m.Text
	if i := bytes.IndexByte([]byte(t), '\n'); i >= 0 {
		t = t[:i]
	}
	return t
}

// Body returns the plain-text body: Text, else the explanation as text,
// then the links, one a line.
func (m *Message) Body() string {
	body := m.Text
	if m.Text == "" && m.Explanation != nil {
		body = string(explain.RenderText(m.Explanation))
	}
	if len(m.Links) == 0 {
		return body
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(body, "\n"))
	b.WriteString("\n")
	for _, l := range m.Links {
		b.WriteString("\n" + l.Title + ": " + l.URL)
	}
	b.WriteString("\n")
	return b.String()
}

// Mention is a person (a Slack user id such as U012AB3CD, or an email
// address) and what in the message concerns them.
type Mention struct {
	// Who is a Slack user or group id, or an email address.
	Who string
	// Text is the part of the message that concerns them, e.g. the list
	// of their resources' violations.
	Text string
}

// IsEmail reports whether the mention names an email address.
func (m Mention) IsEmail() bool {
	return bytes.IndexByte([]byte(m.Who), '@') > 0
}

// Attachment is a file sent with a message. Its content is read through
// Open, possibly more than once (one read per retry), so a large report
// can stay on disk.
type Attachment struct {
	Name        string
	ContentType string
	// Size is the content's length in bytes.
	Size int64
	// Open returns the content from its start.
	Open func() (io.ReadCloser, error)
}

// Bytes returns an attachment holding b.
func Bytes(name, contentType string, b []byte) Attachment {
	return Attachment{Name: name, ContentType: contentType, Size: int64(len(b)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// File returns an attachment read from the file at path when sent.
func File(name, contentType, path string) (Attachment, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Name: name, ContentType: contentType, Size: fi.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
}

// RateLimitError is returned by a channel that was told to slow down and
// could not wait within the delivery's deadline; RetryAfter is what the
// service asked for.
type RateLimitError struct {
	Channel    string
	RetryAfter time.Duration
}

// Error says which service asked to wait how long.
func (e *RateLimitError) Error() string {
	return e.Channel + ": rate limited, retry after " + e.RetryAfter.String()
}

// RetryAfter returns how long the service that produced err asked to wait,
// if it did.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

// Truncate shortens s to at most max bytes of valid UTF-8 without cutting
// a character, and reports whether it did.
func Truncate(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// TruncateRunes shortens s to at most max characters, and reports whether
// it did.
func TruncateRunes(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i], true
		}
		n++
	}
	return s, false
}

// RetryableStatus says whether an HTTP answer with this status code can
// change if the request is sent again later: a timeout (408), a rate limit
// (429) or a server error (5xx) can; any other 4xx means the request or
// the configuration is wrong. It is the one rule every HTTP channel and
// target uses.
func RetryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}
