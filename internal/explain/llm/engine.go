package llm

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/explain/llm/chat"
	"github.com/vigilhq/vigil/internal/explain/llm/grounding"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/knowledge"
	"github.com/vigilhq/vigil/internal/lang"
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
	*metrics
	name      string
	model     chat.Model
	docs      *mcpdocs.Client // nil: no documentation lookup
	kinds     map[event.Kind]bool
	maxTokens int
	timeout   time.Duration
	fallback  bool
	limits    chat.Limits
	log       *slog.Logger
}

func newLLM(name string, m chat.Model, cfg Config, deps Deps) *LLM {
	e := &LLM{metrics: newMetrics(name), name: name, model: m, kinds: map[event.Kind]bool{}, maxTokens: cfg.MaxTokens, timeout: cfg.Timeout,
		fallback: cfg.Fallback, log: deps.Logger}
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
		e.docs = mcpdocs.New(mcpdocs.Options{URL: cfg.DocsURL, HTTPClient: deps.HTTPClient, CacheDir: cfg.CacheDir,
			Backoff: cfg.DocsBackoff, MinInterval: cfg.DocsMinInterval, Logger: deps.Logger})
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

func (e *LLM) consults(k event.Kind, p explain.DocsPolicy, base *explain.Explanation) bool {
	switch p {
	case explain.DocsOn:
		return true
	case explain.DocsOff:
		return false
	}
	// GuardDuty finding types and CloudTrail calls vigil has no specific
	// knowledge of are worth a documentation lookup whatever the sources.
	return e.kinds[k] || base.Generic && (k == event.KindGuardDuty || k == event.KindCloudTrail)
}

var zeroTemperature float32

// Explain explains ev with the model. It fails when the event's detail does
// not have its source's shape, and, unless Config.Fallback, when the model
// cannot be reached; a malformed answer falls back to the built-in
// explanation with a note.
func (e *LLM) Explain(ctx context.Context, ev *event.Event, opts explain.Options) (*explain.Explanation, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	base, err := explain.Builtin{}.Explain(ctx, ev, opts)
	if err != nil {
		return nil, err
	}
	m := catalog(base.Lang)
	rep := &explain.LLMReport{Model: e.model.Name(), Docs: "not-consulted"}
	full := e.consults(ev.Kind(), opts.Docs, base)

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
			tb.tools = append(tb.tools, chat.Tool{Name: t.Name, Description: t.Description, InputSchema: t.InputSchema})
		}
	}

	user, err := userMessage(ev, base)
	if err != nil {
		return nil, err
	}
	req := chat.Request{
		System:      systemPrompt(base.Lang, full, len(tb.tools) > 0),
		Messages:    []chat.Message{{Role: chat.User, Text: user}},
		MaxTokens:   e.maxTokens,
		Temperature: &zeroTemperature,
	}
	resp, tr, err := chat.Run(ctx, e.model, req, tb, e.limits)
	if tr != nil {
		rep.InputTokens, rep.OutputTokens = tr.Usage.InputTokens, tr.Usage.OutputTokens
		for _, c := range tr.ToolCalls {
			rep.ToolCalls = append(rep.ToolCalls, c.Name+" "+string(c.Input))
		}
		for _, c := range tr.Refused {
			rep.Refused = append(rep.Refused, c.Name)
			e.refusedCall()
		}
	}
	if tb.isDown {
		rep.Docs = "unavailable"
	}
	if err != nil {
		if errors.Is(err, chat.ErrNoAnswer) {
			e.answer(e.name, "no_answer")
			return e.fallbackTo(base, m.reasonNoAnswer(), rep, tb), nil
		}
		e.answer(e.name, "error")
		if e.fallback {
			e.warn("model failed; using the built-in explanation", "model", e.model.Name(), "err", err)
			return e.fallbackTo(base, m.reasonError(), rep, tb), nil
		}
		return nil, err
	}

	ans, perr := parseAnswer(resp.Message.Text)
	if perr == nil {
		perr = checkLanguage(ans, base.Lang)
	}
	if perr != nil {
		// One more chance, with the reason.
		msgs := append(append(append([]chat.Message(nil), req.Messages...), tr.Messages...), chat.Message{Role: chat.User, Text: repairPrompt(perr)})
		r2, err2 := e.model.Converse(ctx, &chat.Request{System: req.System, Messages: msgs, Tools: tb.Tools(), MaxTokens: req.MaxTokens, Temperature: req.Temperature})
		if err2 == nil {
			rep.InputTokens += r2.Usage.InputTokens
			rep.OutputTokens += r2.Usage.OutputTokens
			if len(r2.Message.ToolCalls) == 0 {
				ans, perr = parseAnswer(r2.Message.Text)
				if perr == nil {
					perr = checkLanguage(ans, base.Lang)
				}
			}
		}
		if perr != nil {
			e.answer(e.name, "malformed")
			e.warn("model answer malformed; using the built-in explanation", "model", e.model.Name(), "err", perr)
			reason := m.reasonMalformed()
			if errors.Is(perr, errLanguage) {
				reason = m.reasonLanguage()
			}
			return e.fallbackTo(base, reason, rep, tb), nil
		}
	}
	e.answer(e.name, "ok")
	return e.build(base, ans, full, chk, tb, rep), nil
}

func (e *LLM) warn(msg string, args ...any) {
	if e.log != nil {
		e.log.Warn(msg, args...)
	}
}

// fallbackTo returns the built-in explanation with notes saying why.
func (e *LLM) fallbackTo(base *explain.Explanation, reason string, rep *explain.LLMReport, tb *docsToolbox) *explain.Explanation {
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
func (e *LLM) build(base *explain.Explanation, a *answer, full bool, chk *grounding.Checker, tb *docsToolbox, rep *explain.LLMReport) *explain.Explanation {
	m := catalog(base.Lang)
	var vs []grounding.Violation
	mark := func(v grounding.Violation) string {
		if v.Kind == grounding.KindURL {
			return m.markURL()
		}
		return m.markIdentifier()
	}
	clean := func(s string) string {
		if destructiveIn(s) {
			// Prose that tells the reader to run a destructive command
			// goes as a whole, like such a step.
			vs = append(vs, grounding.Violation{Kind: grounding.KindDestructive})
			return ""
		}
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
	section := func(k explain.SectionKind) explain.Section {
		if s := base.Section(k); s != nil {
			c := *s
			return c
		}
		return explain.Section{Kind: k, Title: explain.SectionTitle(base.Lang, k)}
	}

	overview, problem, response, steps, docs := section(explain.SectionOverview), section(explain.SectionProblem), section(explain.SectionResponse), section(explain.SectionSteps), section(explain.SectionDocs)
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
		var st []explain.Step
		for _, s := range a.Steps {
			raw, cmd := strings.TrimSpace(s.Text), strings.TrimSpace(s.Command)
			if chk.QuotesEvent(raw) || chk.QuotesEvent(cmd) {
				// Event text is shown as a quotation, never as a step.
				vs = append(vs, grounding.Violation{Kind: grounding.KindQuoted})
				continue
			}
			class := explain.ClassifyCommand(cmd)
			if cmd != "" && class == explain.Destructive {
				// The whole step goes, and its command is kept nowhere.
				vs = append(vs, grounding.Violation{Kind: grounding.KindDestructive})
				continue
			}
			text := clean(raw)
			if text == "" {
				continue
			}
			if cmd != "" {
				ok, cv := chk.Command(cmd)
				vs = append(vs, cv...)
				if !ok || class == explain.NotACommand {
					cmd = ""
					dropped++
				}
			}
			st = append(st, explain.Step{Text: text, Command: cmd, NeedsApproval: cmd != "" && class == explain.Mutating})
		}
		if len(st) > 0 {
			steps.Steps = st
		}
		var links []explain.Link
		seen := map[string]bool{}
		for _, l := range a.Links {
			u := strings.TrimSpace(l.URL)
			n := grounding.NormalizeURL(u)
			if !chk.URLAllowed(u) || !explain.OfficialDocURL(u) {
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
			links = append(links, explain.Link{Title: title, URL: u, Source: linkSource(n, base, tb)})
		}
		for _, l := range docs.Links {
			if n := grounding.NormalizeURL(l.URL); !seen[n] {
				seen[n] = true
				links = append(links, l)
			}
		}
		docs.Links = links
	}

	x := &explain.Explanation{Lang: base.Lang, Engine: e.name, Kind: base.Kind, EventID: base.EventID, Title: base.Title,
		Severity: base.Severity, Facts: base.Facts, LLM: rep}
	for _, s := range []explain.Section{overview, problem, response, steps, docs} {
		if len(s.Paragraphs)+len(s.Quotes)+len(s.Fields)+len(s.Steps)+len(s.Links) > 0 {
			x.Sections = append(x.Sections, s)
		}
	}
	x.Notes = append(append([]string(nil), base.Notes...), tb.notes...)
	var ids, urls, cmds, destructive, quoted, approvals int
	for _, v := range vs {
		e.violation(v)
		switch v.Kind {
		case grounding.KindIdentifier:
			ids++
		case grounding.KindURL:
			urls++
		case grounding.KindCommand:
			cmds++
		case grounding.KindDestructive:
			destructive++
		case grounding.KindQuoted:
			quoted++
		}
	}
	// A command dropped for an identifier is counted with the identifiers,
	// but the note says it was dropped too.
	if cmds < dropped {
		cmds = dropped
	}
	if ids+urls+cmds > 0 {
		x.Notes = append(x.Notes, m.groundingRemoved(ids, urls, cmds))
	}
	if destructive > 0 {
		x.Notes = append(x.Notes, m.destructiveRemoved(destructive))
	}
	if quoted > 0 {
		x.Notes = append(x.Notes, m.quotedRemoved(quoted))
	}
	for _, s := range steps.Steps {
		if s.NeedsApproval {
			approvals++
		}
	}
	if len(rep.Refused) > 0 {
		x.Notes = append(x.Notes, m.refusedTools(strings.Join(uniq(rep.Refused), ", ")))
	}
	x.Notes = append(x.Notes, m.writtenBy(e.model.Name(), len(tb.fromTool) > 0, full, approvals))
	for _, v := range vs {
		rep.Violations = append(rep.Violations, explain.Violation{Kind: string(v.Kind), IDKind: string(v.IDKind), Value: v.Value})
	}
	return x
}

func linkSource(norm string, base *explain.Explanation, tb *docsToolbox) explain.LinkSource {
	for _, l := range base.Links() {
		if grounding.NormalizeURL(l.URL) == norm {
			return l.Source
		}
	}
	if tb.fromTool[norm] {
		return explain.FromDocsSearch
	}
	if src, ok := catalogURLs()[norm]; ok {
		return src
	}
	return explain.FromDocsSearch
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
	m        notes
	chk      *grounding.Checker
	tools    []chat.Tool
	fromTool map[string]bool // normalised URLs seen in tool results

	isDown bool
	notes  []string
}

func (tb *docsToolbox) Tools() []chat.Tool { return tb.tools }

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
	tb.e.docsDown(reason)
	tb.notes = append(tb.notes, tb.m.docsUnavailable(tb.e.docs.URL(), limited))
	tb.e.warn("documentation lookup unavailable; using built-in knowledge", "url", tb.e.docs.URL(), "err", err)
}

const docsDownText = "The AWS documentation lookup is unavailable right now. Do not call the documentation tools again: answer from the DATA blocks (vigil's built-in explanation) alone."

func (tb *docsToolbox) Call(ctx context.Context, call chat.ToolCall) (string, bool) {
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
var catalogURLs = sync.OnceValue(func() map[string]explain.LinkSource {
	urls := map[string]explain.LinkSource{}
	add := func(u string, src explain.LinkSource) {
		if n := grounding.NormalizeURL(u); n != "" {
			if _, ok := urls[n]; !ok {
				urls[n] = src
			}
		}
	}
	for _, c := range knowledge.Controls() {
		add(c.RemediationURL, explain.FromSecurityHub)
		if c.ConfigRule != "" {
			if r, ok := knowledge.LookupConfigRule(c.ConfigRule, lang.EN); ok {
				add(r.DocURL, explain.FromConfig)
			}
		}
	}
	for _, t := range knowledge.FindingTypes() {
		for _, role := range []string{"", "ACTOR", "TARGET"} {
			if ft, ok := knowledge.LookupFindingType(t, role, lang.EN); ok {
				add(ft.DocURL, explain.FromGuardDuty)
				add(ft.RemediationURL, explain.FromGuardDuty)
			}
		}
	}
	for _, name := range knowledge.ConfigRulesWithGuidance() {
		if r, ok := knowledge.LookupConfigRule(name, lang.EN); ok {
			add(r.DocURL, explain.FromConfig)
		}
	}
	add(knowledge.HealthDocURL, explain.FromBuiltin)
	add(knowledge.ConfigRulesDocURL, explain.FromBuiltin)
	return urls
})

// awsCommandRE finds an AWS CLI command written into prose.
var awsCommandRE = regexp.MustCompile("\\baws\\s+[a-z0-9-]+\\s+[a-z0-9-]+[^\\n`\"。、]*")

// destructiveIn reports prose that spells out a destructive AWS CLI
// command, e.g. "then run aws iam create-access-key --user-name x".
func destructiveIn(s string) bool {
	for _, c := range awsCommandRE.FindAllString(s, -1) {
		if i := strings.IndexAny(c, ";|&$<>()"); i > 0 {
			c = c[:i]
		}
		c = strings.TrimRight(strings.TrimSpace(c), ".,:")
		if explain.ClassifyCommand(c) == explain.Destructive {
			return true
		}
	}
	return false
}
