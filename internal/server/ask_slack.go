package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/secrets"
)

// AskSlack is the Slack app that asks vigil questions: a slash command
// (/vigil QUESTION) and app mentions (@vigil QUESTION), answered in the
// channel.
type AskSlack struct {
	// SigningSecret verifies every request (X-Slack-Signature).
	SigningSecret string
	// BotToken posts answers to mentions (chat.postMessage); slash
	// commands are answered through their response_url.
	BotToken string
	// APIURL is the Slack Web API base URL; Slack's when empty.
	APIURL string
	// HTTPClient makes the answering requests; http.DefaultClient when nil.
	HTTPClient *http.Client
	// Timeout bounds one answer; 2 minutes when 0.
	Timeout time.Duration

	wg sync.WaitGroup
}

// Wait waits until the answers being written are sent, or ctx ends.
func (a *AskSlack) Wait(ctx context.Context) {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// maxSlackText bounds an answer posted to Slack: longer ones are cut, and
// say where the whole answer is.
const maxSlackText = 3500

// mentionRE removes the bot's own mention (<@U012AB3CD>) from a question.
var mentionRE = regexp.MustCompile(`<@[A-Z0-9]+(?:\|[^>]*)?>`)

// slackAsk serves POST /slack/ask. Slack wants an answer within three
// seconds: the request is acknowledged at once and the answer posted
// when it is ready.
func (s *Server) slackAsk(w http.ResponseWriter, r *http.Request) {
	sl := s.AskSlack
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	sv, err := slack.NewSecretsVerifier(r.Header, sl.SigningSecret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		s.Logger.Warn("Slack question refused: bad signature", "error", err.Error())
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid Slack signature"})
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		s.slackEvent(w, r, body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want a slash command (form) or an Events API callback (JSON)"})
		return
	}
	q := strings.TrimSpace(form.Get("text"))
	user := form.Get("user_id")
	if q == "" {
		writeJSON(w, http.StatusOK, map[string]string{"response_type": "ephemeral", "text": "Ask a question, e.g. " + form.Get("command") + " クリティカルな検出結果は何件？"})
		return
	}
	responseURL := form.Get("response_url")
	sl.wg.Add(1)
	go func() {
		defer sl.wg.Done()
		text := s.slackAnswer(q, user)
		msg := &slack.WebhookMessage{ResponseType: slack.ResponseTypeInChannel, Text: text}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, sl.client(), msg); err != nil {
			s.Logger.Error("posting the answer to Slack failed", "error", err.Error())
		}
	}()
	// The question, shown in the channel while the answer is written.
	writeJSON(w, http.StatusOK, map[string]string{"response_type": slack.ResponseTypeInChannel, "text": "<@" + user + "> " + slackEscape(q)})
}

// slackEvent answers the Events API: the URL verification challenge, and
// app mentions, answered in the mention's thread.
func (s *Server) slackEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	sl := s.AskSlack
	var ev struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		Event     struct {
			Type     string `json:"type"`
			User     string `json:"user"`
			BotID    string `json:"bot_id"`
			Text     string `json:"text"`
			Channel  string `json:"channel"`
			TS       string `json:"ts"`
			ThreadTS string `json:"thread_ts"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	switch {
	case ev.Type == "url_verification":
		writeJSON(w, http.StatusOK, map[string]string{"challenge": ev.Challenge})
		return
	case ev.Type != "event_callback" || ev.Event.Type != "app_mention" || ev.Event.BotID != "":
		w.WriteHeader(http.StatusOK)
		return
	case r.Header.Get("X-Slack-Retry-Num") != "":
		// Slack sends an event again when the first acknowledgement was
		// slow; the first delivery is being answered already.
		w.WriteHeader(http.StatusOK)
		return
	case sl.BotToken == "":
		s.Logger.Warn("app mention not answered: set ask.slack.bot_token")
		w.WriteHeader(http.StatusOK)
		return
	}
	q := strings.TrimSpace(mentionRE.ReplaceAllString(ev.Event.Text, ""))
	thread := ev.Event.ThreadTS
	if thread == "" {
		thread = ev.Event.TS
	}
	e := ev.Event
	sl.wg.Add(1)
	go func() {
		defer sl.wg.Done()
		text := s.slackAnswer(q, e.User)
		opts := []slack.Option{slack.OptionHTTPClient(sl.client())}
		if sl.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(sl.APIURL))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		api := slack.New(sl.BotToken, opts...)
		if _, _, err := api.PostMessageContext(ctx, e.Channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(thread)); err != nil {
			s.Logger.Error("posting the answer to Slack failed", "channel", e.Channel, "error", err.Error())
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// slackAnswer answers q for a Slack user, as Slack text.
func (s *Server) slackAnswer(q, user string) string {
	sl := s.AskSlack
	timeout := sl.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ans, err := s.Asker.Ask(ctx, ask.Request{Question: q, By: "slack:" + user})
	if err != nil {
		var re *ask.RequestError
		if !errors.As(err, &re) {
			s.Logger.Error("answering a Slack question failed", "error", err.Error())
		}
		return "⚠️ " + slackEscape(err.Error())
	}
	text := slackEscape(ask.RenderText(ans, ans.Lang))
	if r := []rune(text); len(r) > maxSlackText {
		text = string(r[:maxSlackText]) + "\n…"
	}
	return text
}

// slackEscape escapes the three characters Slack's text format reserves,
// so that data in an answer cannot mention people or make links.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (a *AskSlack) client() *http.Client {
	if a.HTTPClient != nil {
		return a.HTTPClient
	}
	return http.DefaultClient
}

// resolveAskSlack reads the Slack app's secrets the configuration refers to.
func resolveAskSlack(ctx context.Context, c *config.AskSlack, rs *secrets.Resolver) (*AskSlack, error) {
	secret, err := rs.Resolve(ctx, c.SigningSecret)
	if err != nil {
		return nil, fmt.Errorf("ask.slack.signing_secret: %w", err)
	}
	a := &AskSlack{SigningSecret: secret, APIURL: c.APIURL}
	if c.BotToken != "" {
		if a.BotToken, err = rs.Resolve(ctx, c.BotToken); err != nil {
			return nil, fmt.Errorf("ask.slack.bot_token: %w", err)
		}
	}
	return a, nil
}
