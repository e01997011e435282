package explain

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain/grounding"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/explain/mcpdocs"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// maxToolResult bounds how much of one documentation tool result goes back
// to the model.
const maxToolResult = 8000

// LLM is an engine that explains with a language model (Amazon Bedrock or
// an OpenAI-compatible API), looking up the AWS documentation over MCP for
// the sources that call for it.
//
// It starts from the built-in explanation: the title, severity, facts and
// overview fields are always vigil's own. The model writes the prose
// (summary, problem, response, steps, links), and a grounding check
// removes from it every URL that came from neither a documentation result
// nor an embedded catalog and every AWS identifier that is not in the
// event, says so in a note and counts it (Totals, Collectors). The event
// reaches the model only inside fenced DATA blocks, and the model is
// offered read-only documentation tools only; any other tool it asks for is
// refused, never run.
type LLM struct {
	name      string
	model     llm.Model
	docs      *mcpdocs.Client // nil: no documentation lookup
	kinds     map[event.Kind]bool
	maxTokens int
	timeout   time.Duration
	fallback  bool
	limits    llm.Limits
	log       *slog.Logger
}

func newLLM(name string, m llm.Model, cfg Config) *LLM {
	e := &LLM{name: name, model: m, kinds: map[event.Kind]bool{}, maxTokens: cfg.MaxTokens, timeout: cfg.Timeout,
		fallback: cfg.Fallback, log: cfg.Logger}
	if e.maxTokens <= 0 {
		e.maxTokens = 2048
	}
	if e.timeout <= 0 {
		e.timeout = 2 * time.Minute
	}
	kinds := cfg.DocsSources
	if kinds == nil {
		kinds = DefaultDocsSources
	}
	for _, k := range kinds {
		e.kinds[k] = true
	}
	if !cfg.NoDocs {
		e.docs = mcpdocs.New(mcpdocs.Options{URL: cfg.DocsURL, HTTPClient: cfg.HTTPClient, CacheDir: cfg.CacheDir,
			Backoff: cfg.DocsBackoff, MinInterval: cfg.DocsMinInterval, Logger: cfg.Logger})
	}
	return e
}

// Name returns "bedrock" or "openai".
func (e *LLM) Name() string { return e.name }

// Model names the model, e.g. "bedrock jp.amazon.nova-2-lite-v1:0 (ap-northeast-1)".
func (e *LLM) Model() string { return e.model.Name() }

// Close ends the documentation session.
func (e *LLM) Close() error {
	if e.docs == nil {
		return nil
	}
	return e.docs.Close()
}

// Check fails early, with a clear error, when the model cannot be used:
// for Bedrock, when no AWS credentials can be found.
func (e *LLM) Check(ctx context.Context) error {
	if c, ok := e.model.(interface{ Check(context.Context) error }); ok {
		return c.Check(ctx)
	}
	return nil
}

// LLMReport says how an LLM explanation was made.
type LLMReport struct {
	Model string `json:"model"`
	// Docs is "consulted" (tools offered), "unavailable" (wanted, but the
	// server could not be used), "not-consulted" (summary only, by policy)
	// or "off" (lookup turned off).
	Docs string `json:"docs"`
	// ToolCalls are the documentation tool calls the model made, name and
	// arguments, whether answered by the server, the cache, or with
	// "unavailable".
	ToolCalls []string `json:"tool_calls,omitempty"`
	// Refused are the tools the model asked for but was not offered.
	Refused []string `json:"refused_tool_calls,omitempty"`
	// Violations are what the grounding check removed.
	Violations []grounding.Violation `json:"violations,omitempty"`
	// Fallback says why the built-in explanation was used instead, if it was.
	Fallback     string `json:"fallback,omitempty"`
	InputTokens  int    `json:"input_tokens,omitempty"`
	OutputTokens int    `json:"output_tokens,omitempty"`
}

func (e *LLM) consults(k event.Kind, p DocsPolicy) bool {
	switch p {
	case DocsOn:
		return true
	case DocsOff:
		return false
	}
	return e.kinds[k]
}

var zeroTemperature float32

// Explain explains ev with the model. It fails when the event's detail does
// not have its source's shape, and, unless Config.Fallback, when the model
// cannot be reached; a malformed answer falls back to the built-in
// explanation with a note.
func (e *LLM) Explain(ctx context.Context, ev *event.Event, opts Options) (*Explanation, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	base, err := Builtin{}.Explain(ctx, ev, opts)
	if err != nil {
		return nil, err
	}
	m := catalog(base.Lang)
	rep := &LLMReport{Model: e.model.Name(), Docs: "not-consulted"}
	full := e.consults(ev.Kind(), opts.Docs)

	chk := grounding.New(ev.Raw)
	for u := range catalogURLs() {
		chk.AllowURL("https://" + u)
	}
	for _, l := range base.Links() {
		chk.AllowURL(l.URL)
	}
	tb := &docsToolbox{e: e, chk: chk, fromTool: map[string]bool{}, m: m}
	switch {
	case full && e.docs == nil:
		rep.Docs = "off"
	case full:
		rep.Docs = "consulted"
		tools, err := e.docs.Tools(ctx)
		if err != nil {
			tb.down(err)
		}
		for _, t := range tools {
			tb.tools = append(tb.tools, llm.Tool{Name: t.Name, Description: t.Description, InputSchema: t.InputSchema})
		}
	}

	user, err := userMessage(ev, base)
	if err != nil {
		return nil, err
	}
	req := llm.Request{
		System:      systemPrompt(base.Lang, full, len(tb.tools) > 0),
		Messages:    []llm.Message{{Role: llm.User, Text: user}},
		MaxTokens:   e.maxTokens,
		Temperature: &zeroTemperature,
	}
	resp, tr, err := llm.Run(ctx, e.model, req, tb, e.limits)
	if tr != nil {
		rep.InputTokens, rep.OutputTokens = tr.Usage.InputTokens, tr.Usage.OutputTokens
		for _, c := range tr.ToolCalls {
			rep.ToolCalls = append(rep.ToolCalls, c.Name+" "+string(c.Input))
		}
		for _, c := range tr.Refused {
			rep.Refused = append(rep.Refused, c.Name)
			refusedToolCalls.Inc()
			totals.refused.Add(1)
		}
	}
	if tb.isDown {
		rep.Docs = "unavailable"
	}
	if err != nil {
		if errors.Is(err, llm.ErrNoAnswer) {
			llmAnswers.WithLabelValues(e.name, "no_answer").Inc()
			return e.fallbackTo(base, m.reasonNoAnswer(), rep, tb), nil
		}
		llmAnswers.WithLabelValues(e.name, "error").Inc()
		if e.fallback {
			e.warn("model failed; using the built-in explanation", "model", e.model.Name(), "err", err)
			return e.fallbackTo(base, m.reasonError(), rep, tb), nil
		}
		return nil, err
	}

	ans, perr := parseAnswer(resp.Message.Text)
	if perr != nil {
		// One more chance, with the reason.
		msgs := append(append(append([]llm.Message(nil), req.Messages...), tr.Messages...), llm.Message{Role: llm.User, Text: repairPrompt(perr)})
		r2, err2 := e.model.Converse(ctx, &llm.Request{System: req.System, Messages: msgs, Tools: tb.Tools(), MaxTokens: req.MaxTokens, Temperature: req.Temperature})
		if err2 == nil {
			rep.InputTokens += r2.Usage.InputTokens
			rep.OutputTokens += r2.Usage.OutputTokens
			if len(r2.Message.ToolCalls) == 0 {
				ans, perr = parseAnswer(r2.Message.Text)
			}
		}
		if perr != nil {
			llmAnswers.WithLabelValues(e.name, "malformed").Inc()
			totals.malformed.Add(1)
			e.warn("model answer malformed; using the built-in explanation", "model", e.model.Name(), "err", perr)
			return e.fallbackTo(base, m.reasonMalformed(), rep, tb), nil
		}
	}
	llmAnswers.WithLabelValues(e.name, "ok").Inc()
	return e.build(base, ans, full, chk, tb, rep), nil
}

func (e *LLM) warn(msg string, args ...any) {
	if e.log != nil {
		e.log.Warn(msg, args...)
	}
}

// fallbackTo returns the built-in explanation with notes saying why.
func (e *LLM) fallbackTo(base *Explanation, reason string, rep *LLMReport, tb *docsToolbox) *Explanation {
	m := catalog(base.Lang)
	x := *base
	x.Notes = append(append([]string(nil), base.Notes...), tb.notes...)
	if len(rep.Refused) > 0 {
		x.Notes = append(x.Notes, m.refusedTools(strings.Join(uniq(rep.Refused), ", ")))
	}
	x.Notes = append(x.Notes, m.modelFallback(e.model.Name(), reason))
	rep.Fallback = reason
	x.LLM = rep
	return &x
}

// build makes the explanation from the built-in one and the model's
// grounded answer. With full false (summary only), the response, steps
// and links stay the built-in ones.
func (e *LLM) build(base *Explanation, a *answer, full bool, chk *grounding.Checker, tb *docsToolbox, rep *LLMReport) *Explanation {
	m := catalog(base.Lang)
	var vs []grounding.Violation
	mark := func(v grounding.Violation) string {
		if v.Kind == grounding.KindURL {
			return m.markURL()
		}
		return m.markIdentifier()
	}
	clean := func(s string) string {
		out, v := chk.Text(strings.TrimSpace(s), mark)
		vs = append(vs, v...)
		return out
	}
	cleanAll := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			if p = clean(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	section := func(k SectionKind) Section {
		if s := base.Section(k); s != nil {
			c := *s
			return c
		}
		return Section{Kind: k, Title: m.sectionTitle(k)}
	}

	overview, problem, response, steps, docs := section(SectionOverview), section(SectionProblem), section(SectionResponse), section(SectionSteps), section(SectionDocs)
	if s := clean(a.Summary); s != "" {
		overview.Paragraphs = []string{s}
	}
	if ps := cleanAll(a.Problem); len(ps) > 0 {
		problem.Paragraphs = ps
	}
	dropped := 0
	if full {
		if ps := cleanAll(a.Response); len(ps) > 0 {
			response.Paragraphs = ps
		}
		var st []Step
		for _, s := range a.Steps {
			text := clean(s.Text)
			if text == "" {
				continue
			}
			cmd := strings.TrimSpace(s.Command)
			if cmd != "" {
				ok, cv := chk.Command(cmd)
				vs = append(vs, cv...)
				if !ok {
					cmd = ""
					dropped++
				}
			}
			st = append(st, Step{Text: text, Command: cmd})
		}
		if len(st) > 0 {
			steps.Steps = st
		}
		var links []Link
		seen := map[string]bool{}
		for _, l := range a.Links {
			u := strings.TrimSpace(l.URL)
			n := grounding.NormalizeURL(u)
			if !chk.URLAllowed(u) {
				vs = append(vs, grounding.Violation{Kind: grounding.KindURL, Value: u})
				continue
			}
			if seen[n] {
				continue
			}
			seen[n] = true
			title := clean(l.Title)
			if title == "" {
				title = u
			}
			links = append(links, Link{Title: title, URL: u, Source: linkSource(n, base, tb)})
		}
		for _, l := range docs.Links {
			if n := grounding.NormalizeURL(l.URL); !seen[n] {
				seen[n] = true
				links = append(links, l)
			}
		}
		docs.Links = links
	}

	x := &Explanation{Lang: base.Lang, Engine: e.name, Kind: base.Kind, EventID: base.EventID, Title: base.Title,
		Severity: base.Severity, Facts: base.Facts, LLM: rep}
	for _, s := range []Section{overview, problem, response, steps, docs} {
		if len(s.Paragraphs)+len(s.Quotes)+len(s.Fields)+len(s.Steps)+len(s.Links) > 0 {
			x.Sections = append(x.Sections, s)
		}
	}
	x.Notes = append(append([]string(nil), base.Notes...), tb.notes...)
	var ids, urls, cmds int
	for _, v := range vs {
		countViolation(v)
		switch v.Kind {
		case grounding.KindIdentifier:
			ids++
		case grounding.KindURL:
			urls++
		case grounding.KindCommand:
			cmds++
		}
	}
	// A command dropped for an identifier is counted with the identifiers,
	// but the note says it was dropped too.
	if cmds < dropped {
		cmds = dropped
	}
	if len(vs) > 0 {
		x.Notes = append(x.Notes, m.groundingRemoved(ids, urls, cmds))
	}
	if len(rep.Refused) > 0 {
		x.Notes = append(x.Notes, m.refusedTools(strings.Join(uniq(rep.Refused), ", ")))
	}
	x.Notes = append(x.Notes, m.writtenBy(e.model.Name(), len(tb.fromTool) > 0))
	rep.Violations = vs
	return x
}

func linkSource(norm string, base *Explanation, tb *docsToolbox) LinkSource {
	for _, l := range base.Links() {
		if grounding.NormalizeURL(l.URL) == norm {
			return l.Source
		}
	}
	if tb.fromTool[norm] {
		return FromDocsSearch
	}
	if src, ok := catalogURLs()[norm]; ok {
		return src
	}
	return FromDocsSearch
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// docsToolbox offers the documentation tools to the model and runs them.
type docsToolbox struct {
	e        *LLM
	m        messages
	chk      *grounding.Checker
	tools    []llm.Tool
	fromTool map[string]bool // normalised URLs seen in tool results

	isDown bool
	notes  []string
}

func (tb *docsToolbox) Tools() []llm.Tool { return tb.tools }

// down records that the documentation server cannot be used for the rest
// of this explanation, with a note saying so.
func (tb *docsToolbox) down(err error) {
	if tb.isDown {
		return
	}
	tb.isDown = true
	var ue *mcpdocs.UnavailableError
	limited := errors.As(err, &ue) && ue.RateLimited
	reason := "error"
	if limited {
		reason = "rate_limited"
	}
	docsUnavailableTotal.WithLabelValues(reason).Inc()
	totals.docs.Add(1)
	tb.notes = append(tb.notes, tb.m.docsUnavailable(tb.e.docs.URL(), limited))
	tb.e.warn("documentation lookup unavailable; using built-in knowledge", "url", tb.e.docs.URL(), "err", err)
}

const docsDownText = "The AWS documentation lookup is unavailable right now. Do not call the documentation tools again: answer from the DATA blocks (vigil's built-in explanation) alone."

func (tb *docsToolbox) Call(ctx context.Context, call llm.ToolCall) (string, bool) {
	if tb.isDown {
		return docsDownText, true
	}
	r, err := tb.e.docs.Call(ctx, call.Name, json.RawMessage(call.Input))
	if err != nil {
		var ue *mcpdocs.UnavailableError
		if errors.As(err, &ue) {
			tb.down(err)
			return docsDownText, true
		}
		return "The tool call failed: " + err.Error(), true
	}
	if !r.IsError {
		tb.chk.AllowURLsIn(r.Text)
		for _, u := range grounding.URLs(r.Text) {
			tb.fromTool[grounding.NormalizeURL(u.Value)] = true
		}
	}
	text := r.Text
	if len(text) > maxToolResult {
		cut := maxToolResult
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "\n[cut]"
	}
	return text, r.IsError
}

// catalogURLs are the URLs of vigil's embedded catalogs, normalised, with
// the catalog each is from.
var catalogURLs = sync.OnceValue(func() map[string]LinkSource {
	urls := map[string]LinkSource{}
	add := func(u string, src LinkSource) {
		if n := grounding.NormalizeURL(u); n != "" {
			if _, ok := urls[n]; !ok {
				urls[n] = src
			}
		}
	}
	for _, c := range knowledge.Controls() {
		add(c.RemediationURL, FromSecurityHub)
		if c.ConfigRule != "" {
			if r, ok := knowledge.LookupConfigRule(c.ConfigRule, EN); ok {
				add(r.DocURL, FromConfig)
			}
		}
	}
	for _, t := range knowledge.FindingTypes() {
		for _, role := range []string{"", "ACTOR", "TARGET"} {
			if ft, ok := knowledge.LookupFindingType(t, role, EN); ok {
				add(ft.DocURL, FromGuardDuty)
				add(ft.RemediationURL, FromGuardDuty)
			}
		}
	}
	for _, name := range knowledge.ConfigRulesWithGuidance() {
		if r, ok := knowledge.LookupConfigRule(name, EN); ok {
			add(r.DocURL, FromConfig)
		}
	}
	add(knowledge.HealthDocURL, FromBuiltin)
	add(knowledge.ConfigRulesDocURL, FromBuiltin)
	return urls
})
