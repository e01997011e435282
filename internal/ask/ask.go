// Package ask answers questions about an AWS account, in Japanese or
// English, from live data: Security Hub findings (GetFindings), resources
// read through the AWS APIs, vigil's explanations, the organisation's policy
// documents (internal/kb) and the AWS documentation. Answers come from
// read-only tools only, every tool result is fenced as data (findings carry
// attacker-controlled text), and every answer is checked against what the
// tools returned: an id, resource, number or link that no tool returned is
// removed and the answer says so.
//
// Two engines answer. The built-in one needs no model and no network
// beyond AWS: it reads the common questions (severities, control ids,
// accounts, regions, resource types, time ranges, "how many", "list")
// deterministically, runs the tools they call for and writes the answer
// from the results. A language model (Amazon Bedrock or an
// OpenAI-compatible API, through internal/explain/llm/chat) calls the same
// tools itself; when it fails, the built-in engine answers.
//
// A request to change something ("fix it", 「修復して」) is never acted
// on: it becomes a remediation plan and a pending approval through the
// remediation workflow, and the answer gives the plan and the approval id.
package ask

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/explain/llm/chat"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
)

// DefaultLimit is how many findings an answer lists when the request says
// nothing.
const DefaultLimit = 100

// maxQuestion bounds a question's length.
const maxQuestion = 4000

// Deps are what answering uses, passed in by the caller. Only AWS is
// required.
type Deps struct {
	// AWS reads findings and resources.
	AWS *awsx.Provider
	// Explainer explains findings (explain_finding); the built-in engine
	// when nil.
	Explainer explain.Engine
	// Knowledge is the organisation's policy documents (search_policies);
	// the tool is not offered when nil.
	Knowledge *kb.Base
	// Docs looks up the AWS documentation (search_aws_docs); the tool is
	// not offered when nil.
	Docs *mcpdocs.Client
	// Model answers with the tools when set; the built-in engine answers
	// when it is nil or fails.
	Model chat.Model
	// Remediator turns change requests into plans and pending approvals;
	// change requests are answered without a plan when it is nil.
	Remediator Remediator
	// Investigation answers get_timeline and get_related; the tools are
	// not offered when it is nil.
	Investigation Investigation
	// Logger receives warnings (a model that failed); none when nil.
	// Question and finding text are never logged.
	Logger *slog.Logger
	// Now is the clock for time ranges ("today"); time.Now when nil.
	Now func() time.Time
	// Location is where "today" and "this week" are; time.Local when nil.
	Location *time.Location
}

// Options tune answering.
type Options struct {
	// Engine names the model's engine for notes ("bedrock", "openai").
	Engine string
	// Lang is the answer language when a request does not set one and the
	// question is not in Japanese; en when empty.
	Lang lang.Lang
	// Regions are where findings are looked up when a request names none;
	// the AWS configuration's region when empty.
	Regions []string
	// Limit is the default for Request.Limit; DefaultLimit when 0.
	Limit int
	// Timeout bounds one answer with a model, tool calls included; 2
	// minutes when 0.
	Timeout time.Duration
	// MaxTokens bounds each model answer; 2048 when 0.
	MaxTokens int
}

// Request is one question.
type Request struct {
	Question string
	// Lang is the answer language; the question's (ja for Japanese text)
	// when empty.
	Lang lang.Lang
	// Limit bounds the findings listed; Options.Limit when 0.
	Limit int
	// Regions replace Options.Regions for this question.
	Regions []string
	// By names who asks (a Slack user, an API key holder, the CLI user):
	// the requester of any approval the question creates.
	By string
}

// Asker answers questions. It is safe for concurrent use.
type Asker struct {
	deps Deps
	opts Options
	log  *slog.Logger
	fd   *finder
}

// New returns an Asker. It contacts nothing.
func New(deps Deps, opts Options) (*Asker, error) {
	if deps.AWS == nil {
		return nil, errors.New("ask: no AWS configuration was given")
	}
	if deps.Explainer == nil {
		deps.Explainer = explain.Builtin{}
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Location == nil {
		deps.Location = time.Local
	}
	if opts.Limit <= 0 {
		opts.Limit = DefaultLimit
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 2048
	}
	if opts.Engine == "" {
		opts.Engine = "builtin"
		if deps.Model != nil {
			opts.Engine = "model"
		}
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Asker{deps: deps, opts: opts, log: log, fd: &finder{aws: deps.AWS, now: deps.Now}}, nil
}

// Engine names the engine that answers first: builtin, or the model's.
func (a *Asker) Engine() string { return a.opts.Engine }

// RequestError is a question that cannot be asked as given.
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

// Ask answers one question. Errors are a bad request (RequestError) or a
// failure of AWS itself (no credentials, no region, Security Hub refusing):
// a question vigil does not understand is answered with what it can
// answer.
func (a *Asker) Ask(ctx context.Context, req Request) (*Answer, error) {
	q := strings.TrimSpace(req.Question)
	switch {
	case q == "":
		return nil, &RequestError{"question: empty; ask e.g. \"How many critical findings are there?\" or 「クリティカルな検出結果は何件？」"}
	case len(q) > maxQuestion:
		return nil, &RequestError{fmt.Sprintf("question: %d bytes is longer than %d", len(q), maxQuestion)}
	}
	limit := req.Limit
	if limit == 0 {
		limit = a.opts.Limit
	}
	if limit < 1 || limit > 10000 {
		return nil, &RequestError{fmt.Sprintf("limit: want 1 to 10000, got %d", limit)}
	}
	regions := req.Regions
	if len(regions) == 0 {
		regions = a.opts.Regions
	}
	for _, r := range regions {
		if !regionRE.MatchString(r) {
			return nil, &RequestError{fmt.Sprintf("regions: %q is not a region name such as ap-northeast-1", r)}
		}
	}
	p := parse(q, a.deps.Now(), a.deps.Location)
	lng := req.Lang
	if lng == "" {
		lng = p.lang
		if lng == lang.EN && detectLang(q) == lang.EN {
			lng = a.opts.Lang.Or(lang.EN)
		}
	}
	s := &session{a: a, question: q, lang: lng, limit: limit, regions: regions, explicitRegions: len(req.Regions) > 0 || len(a.opts.Regions) > 0, by: req.By}

	var ans *Answer
	var err error
	switch {
	case p.kind == intentRemediate:
		// Change requests never reach a model: the plan is vigil's.
		ans, err = s.remediate(ctx, p)
	case a.deps.Model != nil:
		ans, err = s.modelAnswer(ctx)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("model failed; answering with the built-in engine", "model", a.deps.Model.Name(), "error", err.Error())
			reason := err.Error()
			fb := &session{a: a, question: q, lang: lng, limit: limit, regions: regions, explicitRegions: s.explicitRegions, by: req.By}
			ans, err = fb.builtin(ctx, p)
			if ans != nil {
				ans.Notes = append(ans.Notes, text(lng, noteModelFailed, a.deps.Model.Name(), short(reason)))
			}
			s = fb
		}
	default:
		ans, err = s.builtin(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	ans.Lang = lng
	s.finish(ans)
	return ans, nil
}

// short cuts an error message for a note.
func short(s string) string {
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}
