// Package slack sends notifications to Slack: with a bot token through the
// Web API (chat.postMessage with Block Kit, file uploads the way
// files_upload_v2 does them, follow-ups in the incident's thread), or
// through an incoming webhook, the simple alternative that can post text
// and blocks but neither upload files nor thread.
//
// Rate limits are honoured: when Slack answers 429 with Retry-After, the
// notifier waits that long if the delivery's deadline allows, and otherwise
// returns a retryable *notify.RateLimitError.
package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/secrets"
)

// Notifier posts messages to one Slack channel. Set Token and Channel for
// the Web API, or WebhookURL for an incoming webhook.
type Notifier struct {
	// Token refers to the bot token (xoxb-...), e.g.
	// secretsmanager:prod/vigil/slack#token. The bot needs chat:write,
	// and files:write to upload reports.
	Token secrets.Ref
	// Channel is the channel id (C0123456789) to post in.
	Channel string
	// WebhookURL refers to an incoming webhook URL (the URL is itself a
	// credential).
	WebhookURL secrets.Ref
	// APIURL replaces https://slack.com/api/ (tests use slacktest).
	APIURL string
	// Threads remembers each incident's thread; an in-memory store when
	// nil, which forgets on restart (use StoreThreads to share threads
	// between replicas and restarts).
	Threads ThreadStore
	// MaxWait bounds the time one Notify spends waiting for rate limits;
	// 1 minute when zero. The context's deadline bounds it too.
	MaxWait time.Duration
	// HTTPClient is used for every request; when nil, a client of the
	// default network policy with a 30 s timeout.
	HTTPClient *http.Client
	// Resolver reads Token and WebhookURL; environment references only
	// when nil.
	Resolver *secrets.Resolver

	mem     memoryThreads
	ownOnce sync.Once
	own     *secrets.Resolver
}

// Maximum length of a file's initial comment we send; Slack's message text
// limit is far higher, but a comment is meant to be read at a glance.
const maxComment = 3500

var defaultClient = (*netguard.Guard)(nil).Client(netguard.Dest{}, netguard.ClientOptions{Timeout: 30 * time.Second, FollowRedirects: true})

func (n *Notifier) resolver() *secrets.Resolver {
	if n.Resolver != nil {
		return n.Resolver
	}
	// Environment references only; one resolver, so that what it hands
	// out is what it redacts.
	n.ownOnce.Do(func() { n.own = &secrets.Resolver{} })
	return n.own
}

func (n *Notifier) httpClient() *http.Client {
	if n.HTTPClient != nil {
		return n.HTTPClient
	}
	return defaultClient
}

func (n *Notifier) threads() ThreadStore {
	if n.Threads != nil {
		return n.Threads
	}
	return &n.mem
}

// Notify posts m. With attachments, each file is uploaded to the channel
// (or the incident's thread) with the message as its comment. The token and
// the webhook URL are taken out of the error, whatever Slack (or whatever
// answers at api_url) quoted.
func (n *Notifier) Notify(ctx context.Context, m notify.Message) (bool, error) {
	retry, err := n.notify(ctx, m)
	return retry, n.resolver().RedactError(err)
}

func (n *Notifier) notify(ctx context.Context, m notify.Message) (bool, error) {
	switch {
	case n.WebhookURL != "" && n.Token != "":
		return false, errors.New("slack: set either token or webhook_url, not both")
	case n.WebhookURL != "":
		return n.notifyWebhook(ctx, m)
	case n.Token == "":
		return false, errors.New("slack: no token or webhook_url")
	case n.Channel == "":
		return false, errors.New("slack: channel: required with a bot token")
	}
	retry, err := n.notifyAPI(ctx, m, false)
	if isAuthError(err) {
		// The token may have been rotated since it was cached: read it
		// again and try once more.
		n.resolver().Forget()
		retry, err = n.notifyAPI(ctx, m, true)
	}
	return retry, err
}

func (n *Notifier) client(ctx context.Context) (*slack.Client, error) {
	token, err := n.resolver().Resolve(ctx, n.Token)
	if err != nil {
		return nil, err
	}
	opts := []slack.Option{slack.OptionHTTPClient(n.httpClient())}
	if n.APIURL != "" {
		u := n.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	return slack.New(token, opts...), nil
}

func (n *Notifier) notifyAPI(ctx context.Context, m notify.Message, second bool) (bool, error) {
	api, err := n.client(ctx)
	if err != nil {
		return true, fmt.Errorf("slack: %w", err)
	}
	w := &waiter{budget: n.maxWait()}
	var threadTS string
	if m.Thread != "" {
		ts, ok, err := n.threads().Thread(ctx, n.Channel, m.Thread)
		if err != nil {
			return true, fmt.Errorf("slack: reading the thread of %q: %w", m.Thread, err)
		}
		if ok {
			threadTS = ts
		}
	}
	if len(m.Attachments) > 0 {
		return n.upload(ctx, api, w, m, threadTS)
	}
	text, blocks := Content(m)
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks.BlockSet...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	err = w.do(ctx, func() error {
		var err error
		_, ts, err = api.PostMessageContext(ctx, n.Channel, opts...)
		return err
	})
	if err != nil {
		return classify("chat.postMessage", err)
	}
	if m.Thread != "" && threadTS == "" && ts != "" {
		if err := n.threads().SetThread(ctx, n.Channel, m.Thread, ts); err != nil {
			// Posted; only the threading of follow-ups is lost.
			return false, fmt.Errorf("slack: posted, but recording the thread of %q failed: %w", m.Thread, err)
		}
	}
	return false, nil
}

// upload sends each attachment as files_upload_v2 does
// (files.getUploadURLExternal, a POST of the bytes, then
// files.completeUploadExternal sharing it to the channel with a comment).
// Mentions that do not fit the comment follow as a message.
func (n *Notifier) upload(ctx context.Context, api *slack.Client, w *waiter, m notify.Message, threadTS string) (bool, error) {
	comment := commentText(m)
	rest := ""
	mentions := mentionLines(m.Mentions)
	if mentions != "" {
		if len(comment)+len(mentions)+2 <= maxComment {
			comment += "\n\n" + mentions
		} else {
			rest = mentions
		}
	}
	comment, _ = notify.Truncate(comment, maxComment)
	for i, a := range m.Attachments {
		if a.Size <= 0 {
			return false, fmt.Errorf("slack: attachment %q is empty; Slack does not accept empty files", a.Name)
		}
		c := ""
		if i == 0 {
			c = comment
		}
		err := w.do(ctx, func() error {
			r, err := a.Open()
			if err != nil {
				return &permanent{fmt.Errorf("opening attachment %q: %w", a.Name, err)}
			}
			defer r.Close()
			_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{
				Reader: r, FileSize: int(a.Size), Filename: a.Name, Title: a.Name,
				InitialComment: c, Channel: n.Channel, ThreadTimestamp: threadTS,
			})
			return err
		})
		if err != nil {
			return classify("file upload", err)
		}
	}
	for rest != "" {
		chunk, more := splitLines(rest, maxComment)
		rest = more
		opts := []slack.MsgOption{slack.MsgOptionText(chunk, false)}
		if threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(threadTS))
		}
		if err := w.do(ctx, func() error { _, _, err := api.PostMessageContext(ctx, n.Channel, opts...); return err }); err != nil {
			return classify("chat.postMessage", err)
		}
	}
	return false, nil
}

func (n *Notifier) notifyWebhook(ctx context.Context, m notify.Message) (bool, error) {
	u, err := n.resolver().Resolve(ctx, n.WebhookURL)
	if err != nil {
		return true, fmt.Errorf("slack webhook: %w", err)
	}
	if pu, err := url.Parse(u); err == nil {
		// The path is the credential; a peer may quote it alone.
		n.resolver().Remember(pu.EscapedPath())
	}
	if len(m.Attachments) > 0 {
		return false, errors.New("slack webhook: incoming webhooks cannot upload files; use a bot token and channel")
	}
	text, blocks := Content(m)
	msg := &slack.WebhookMessage{Text: text, Blocks: &blocks}
	w := &waiter{budget: n.maxWait()}
	err = w.do(ctx, func() error { return slack.PostWebhookCustomHTTPContext(ctx, u, n.httpClient(), msg) })
	if err != nil {
		// The webhook URL is a credential: errors from net/http quote it,
		// so keep only what happened.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("posting to the incoming webhook: %w", ue.Err)
		}
		return classify("incoming webhook", err)
	}
	return false, nil
}

func (n *Notifier) maxWait() time.Duration {
	if n.MaxWait > 0 {
		return n.MaxWait
	}
	return time.Minute
}

// Content returns what a chat message shows for m: the fallback text
// (notifications and screen readers use it) and the Block Kit blocks. An
// explanation becomes ExplanationBlocks; other messages become a header and
// sections of text. Mentions follow as a section each.
func Content(m notify.Message) (string, slack.Blocks) {
	var text string
	var blocks slack.Blocks
	if m.Explanation != nil {
		text, blocks.BlockSet = ExplanationBlocks(m.Explanation)
	} else {
		text = m.Title()
		if t := m.Title(); t != "" {
			t, _ = notify.TruncateRunes(t, MaxHeaderText)
			blocks.BlockSet = append(blocks.BlockSet, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, t, true, false)))
		}
		body := m.Text
		if m.Subject == "" {
			// The first line already is the header.
			if _, after, ok := strings.Cut(body, "\n"); ok {
				body = after
			} else {
				body = ""
			}
		}
		for body = strings.TrimSpace(body); body != ""; {
			var chunk string
			chunk, body = splitLines(body, MaxSectionText)
			blocks.BlockSet = append(blocks.BlockSet, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, escape(chunk), false, false), nil, nil))
		}
	}
	if len(m.Links) > 0 && len(blocks.BlockSet) < MaxBlocks {
		var lines []string
		for _, l := range m.Links {
			lines = append(lines, "<"+l.URL+"|"+escape(l.Title)+">")
		}
		t, _ := notify.Truncate(strings.Join(lines, "\n"), MaxSectionText)
		blocks.BlockSet = append(blocks.BlockSet, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, t, false, false), nil, nil))
	}
	for _, mt := range m.Mentions {
		if len(blocks.BlockSet) >= MaxBlocks {
			break
		}
		line, _ := notify.Truncate(mentionLine(mt), MaxSectionText)
		blocks.BlockSet = append(blocks.BlockSet, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, line, false, false), nil, nil))
	}
	if len(m.Actions) > 0 && len(blocks.BlockSet) < MaxBlocks {
		var buttons []slack.BlockElement
		for _, a := range m.Actions {
			b := slack.NewButtonBlockElement(a.ID, a.Value, slack.NewTextBlockObject(slack.PlainTextType, a.Text, false, false))
			b.Style = slack.Style(a.Style)
			buttons = append(buttons, b)
		}
		blocks.BlockSet = append(blocks.BlockSet, slack.NewActionBlock("vigil_actions", buttons...))
	}
	if len(m.Mentions) > 0 {
		// The fallback text is what a mention notifies with.
		text += "\n" + mentionLines(m.Mentions)
	}
	return text, blocks
}

func commentText(m notify.Message) string {
	t := m.Title()
	b := strings.TrimSpace(m.Body())
	if m.Subject == "" && strings.HasPrefix(b, t) {
		b = strings.TrimSpace(b[len(t):])
	}
	if b == "" {
		return t
	}
	return t + "\n" + b
}

// mentionLine addresses one person: a Slack user (U…, W…) or user group
// (S…) id becomes a real mention; anything else (an email address) is shown
// as text.
func mentionLine(mt notify.Mention) string {
	return Mention(mt.Who) + " " + escape(mt.Text)
}

func mentionLines(ms []notify.Mention) string {
	var b strings.Builder
	for i, mt := range ms {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(mentionLine(mt))
	}
	return b.String()
}

// Mention returns how a message mentions who: <@U…> for a user, <!subteam^S…>
// for a user group, the escaped text otherwise.
func Mention(who string) string {
	if isSlackID(who) {
		if who[0] == 'S' {
			return "<!subteam^" + who + ">"
		}
		return "<@" + who + ">"
	}
	return escape(who)
}

func isSlackID(s string) bool {
	if len(s) < 3 || (s[0] != 'U' && s[0] != 'W' && s[0] != 'S') {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// escape makes text safe in mrkdwn: Slack only asks that &, < and > be
// escaped, and without it event text could mention @channel.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// splitLines returns a first part of at most max bytes, cut at a line end
// when there is one, and the rest.
func splitLines(s string, max int) (string, string) {
	if len(s) <= max {
		return s, ""
	}
	head, _ := notify.Truncate(s, max)
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i]
	}
	return head, strings.TrimLeft(s[len(head):], "\n")
}

// waiter retries a call after Slack's Retry-After while the time budget and
// the context allow.
type waiter struct{ budget time.Duration }

func (w *waiter) do(ctx context.Context, call func() error) error {
	for {
		err := call()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			return err
		}
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		if dl, ok := ctx.Deadline(); wait > w.budget || ok && time.Until(dl) < wait {
			return &notify.RateLimitError{Channel: "slack", RetryAfter: wait}
		}
		w.budget -= wait
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// Slack error codes that say the request may succeed later.
var transient = map[string]bool{
	"ratelimited": true, "rate_limited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true, "team_added_to_org": true,
}

func isAuthError(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err == "invalid_auth" || se.Err == "token_expired" || se.Err == "token_revoked"
	}
	var e2 *slack.SlackErrorResponse
	if errors.As(err, &e2) {
		return e2.Err == "invalid_auth" || e2.Err == "token_expired" || e2.Err == "token_revoked"
	}
	return false
}

// classify wraps err and says whether a retry can help.
func classify(what string, err error) (bool, error) {
	err = fmt.Errorf("slack %s: %w", what, err)
	var p *permanent
	var rl *notify.RateLimitError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	var ne net.Error
	switch {
	case errors.As(err, &p), errors.Is(err, netguard.ErrRefused):
		return false, err
	case errors.As(err, &rl):
		return true, err
	case errors.As(err, &sc):
		return notify.RetryableStatus(sc.Code), err
	case errors.As(err, &se):
		return transient[se.Err], err
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true, err
	}
	// Slack's client reports API errors by their code; an unknown one is
	// most likely a request Slack refused.
	if strings.Contains(err.Error(), "ratelimited") {
		return true, err
	}
	return false, err
}
