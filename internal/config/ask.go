package config

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Ask configures questions answered by vigil serve (POST /ask and Slack).
// The model settings (model, base_url, api_key, docs_url, ...) are the
// explain: section's.
type Ask struct {
	// Engine is builtin, bedrock or openai; explain.engine by default.
	Engine string `yaml:"engine"`
	// Lang is the answer language when a request does not name one and
	// the question does not show it (Japanese text is answered in
	// Japanese); en by default.
	Lang string `yaml:"lang"`
	// Regions are where findings are looked up; the AWS configuration's
	// region by default.
	Regions []string `yaml:"regions"`
	// Limit bounds the findings listed in one answer; 100 by default.
	Limit int `yaml:"limit"`
	// Slack turns on POST /slack/ask: a slash command and app mentions
	// answered in the channel.
	Slack *AskSlack `yaml:"slack"`
}

// AskSlack is the Slack app that asks vigil.
type AskSlack struct {
	// SigningSecret verifies each request's X-Slack-Signature. Required.
	SigningSecret secrets.Ref `yaml:"signing_secret"`
	// BotToken posts answers to app mentions (chat.postMessage). Slash
	// commands are answered through their response_url and need none.
	BotToken secrets.Ref `yaml:"bot_token"`
	// APIURL is the Slack Web API base URL (default https://slack.com/api/).
	APIURL string `yaml:"api_url"`
}

func (c *Config) validateAsk(bad func(path, format string, args ...any)) {
	a := &c.Ask
	switch a.Engine {
	case "", "builtin", "bedrock":
	case "openai":
		if c.Explain.Model == "" {
			bad("ask.engine", "openai needs explain.model: the model name, e.g. gpt-4o-mini")
		}
	default:
		bad("ask.engine", "want builtin, bedrock or openai, got %q", a.Engine)
	}
	if err := checkLang(a.Lang); err != nil {
		bad("ask.lang", "%v", err)
	}
	for i, r := range a.Regions {
		if !validRegion(r) {
			bad(fmt.Sprintf("ask.regions[%d]", i), "%q is not a region name such as ap-northeast-1", r)
		}
	}
	if a.Limit < 0 || a.Limit > 10000 {
		bad("ask.limit", "want 1 to 10000, got %d", a.Limit)
	}
	if s := a.Slack; s != nil {
		if s.SigningSecret == "" {
			bad("ask.slack.signing_secret", "required: a secret reference such as env:SLACK_SIGNING_SECRET")
		} else if err := s.SigningSecret.Check(); err != nil {
			bad("ask.slack.signing_secret", "%v", err)
		}
		if s.BotToken != "" {
			if err := s.BotToken.Check(); err != nil {
				bad("ask.slack.bot_token", "%v", err)
			}
		}
	}
}

// validRegion accepts names shaped like AWS regions (ap-northeast-1,
// us-gov-west-1).
func validRegion(r string) bool {
	if len(r) < 9 || len(r) > 25 {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return r[len(r)-1] >= '0' && r[len(r)-1] <= '9'
}
