package explain

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
	"github.com/vigilhq/vigil/internal/lang"
)

// Builtin is the default engine: offline, deterministic, and grounded by
// construction. It explains with the message catalogs of this package and
// the embedded catalogs of internal/knowledge; what they do not cover it
// reports as facts plus general guidance, and says so.
type Builtin struct{}

// Name returns "builtin".
func (Builtin) Name() string { return "builtin" }

// Explain explains ev. It fails only when the event's detail does not have
// its source's documented shape.
func (Builtin) Explain(ctx context.Context, ev *event.Event, opts Options) (*Explanation, error) {
	facts, err := Extract(ev)
	if err != nil {
		return nil, err
	}
	l := opts.Lang.Or(lang.EN)
	b := &builder{m: catalog(l), lang: l, x: &Explanation{
		Lang: l, Engine: "builtin", Kind: ev.Kind(), EventID: ev.ID, Facts: facts,
	}}
	for i := range facts {
		if facts[i].Severity.rank() > b.x.Severity.rank() {
			b.x.Severity = facts[i].Severity
		}
	}
	sourceFor(ev.Kind()).explain(b, facts)
	return b.finish(), nil
}

// builder accumulates the sections of one explanation.
type builder struct {
	m    messages
	lang lang.Lang
	x    *Explanation

	overview, problem, response, steps, docs Section
}

func (b *builder) finish() *Explanation {
	for _, s := range []struct {
		k SectionKind
		s *Section
	}{{SectionOverview, &b.overview}, {SectionProblem, &b.problem}, {SectionResponse, &b.response}, {SectionSteps, &b.steps}, {SectionDocs, &b.docs}} {
		if len(s.s.Paragraphs)+len(s.s.Quotes)+len(s.s.Fields)+len(s.s.Steps)+len(s.s.Links) == 0 {
			continue
		}
		s.s.Kind = s.k
		s.s.Title = b.m.sectionTitle(s.k)
		b.x.Sections = append(b.x.Sections, *s.s)
	}
	return b.x
}

func (b *builder) para(s *Section, text string) {
	if text != "" {
		s.Paragraphs = append(s.Paragraphs, text)
	}
}

func (b *builder) quote(s *Section, label, text string) {
	if text = strings.TrimSpace(text); text != "" {
		s.Quotes = append(s.Quotes, Quote{Label: label, Text: text})
	}
}

func (b *builder) field(s *Section, label, value string) {
	if value = strings.TrimSpace(value); value != "" {
		s.Fields = append(s.Fields, Field{Label: label, Value: value})
	}
}

func (b *builder) step(text, command string) {
	for _, st := range b.steps.Steps {
		if st.Text == text && st.Command == command {
			return
		}
	}
	st := Step{Text: text, Command: command}
	if command != "" {
		c := ClassifyCommand(command)
		st.NeedsApproval = c == Mutating || c == Destructive
	}
	b.steps.Steps = append(b.steps.Steps, st)
}

func (b *builder) link(title, url string, src LinkSource) {
	if url == "" {
		return
	}
	if !OfficialDocURL(url) {
		// A link in the event that is not AWS's own is a fact about the
		// event, never official documentation.
		b.field(&b.overview, b.m.label("event_link"), url)
		return
	}
	for _, l := range b.docs.Links {
		if l.URL == url {
			return
		}
	}
	b.docs.Links = append(b.docs.Links, Link{Title: title, URL: url, Source: src})
}

func (b *builder) note(s string) {
	if !slices.Contains(b.x.Notes, s) {
		b.x.Notes = append(b.x.Notes, s)
	}
}

// unknown says, once, that vigil has no specific knowledge of code, and
// marks the explanation as general.
func (b *builder) unknown(kind CodeKind, code string) {
	b.note(b.m.noKnowledge(kind, code))
	b.x.Generic = true
}

// fill replaces the {placeholders} of catalog prose with values from the
// facts. ok is false when one has no value; missing values are replaced by
// the catalog's "not in the event" marker.
func (b *builder) fill(s string, f *Facts) (string, bool) {
	return b.fillWith(s, f, func(_, v string) string { return v })
}

// fillCommand fills the placeholders of a command: every value is quoted
// for the shell, and list values become one argument per item, so that no
// event value can add a second command or split into other arguments.
func (b *builder) fillCommand(s string, f *Facts) (string, bool) {
	return b.fillWith(s, f, func(k, v string) string {
		if !listVars[k] {
			return shellArg(v)
		}
		items := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
		for i := range items {
			items[i] = shellArg(items[i])
		}
		return strings.Join(items, " ")
	})
}

// listVars are placeholders that hold several values.
var listVars = map[string]bool{"rule_ids": true, "accounts": true, "sg": true}

func (b *builder) fillWith(s string, f *Facts, value func(k, v string) string) (string, bool) {
	if !strings.Contains(s, "{") {
		return s, true
	}
	ok := true
	var out strings.Builder
	out.Grow(len(s) + 32)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		key := s[i+1 : i+j]
		if !placeholderName(key) {
			// A brace of the text itself (a shorthand list such as
			// 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'), not a
			// placeholder: kept as it is.
			out.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		out.WriteString(s[:i])
		if v, has := f.vars[key]; has {
			out.WriteString(value(key, v))
		} else {
			ok = false
			out.WriteString(b.m.notGiven())
		}
		s = s[i+j+1:]
	}
	out.WriteString(s)
	return out.String(), ok
}

// placeholderName says whether key, between braces, names a placeholder:
// lower-case letters and underscores, as {bucket} or {policy_arn}.
func placeholderName(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// guidance adds catalog guidance to the problem, response and steps
// sections, dropping steps the event cannot fill in.
func (b *builder) guidance(g knowledge.Guidance, f *Facts) {
	if g.Meaning != "" {
		s, _ := b.fill(g.Meaning, f)
		b.para(&b.problem, s)
	}
	if g.Response != "" {
		s, _ := b.fill(g.Response, f)
		b.para(&b.response, s)
	}
	b.catalogSteps(g.Steps, f)
}

// catalogSteps adds catalog steps ("text" or "text\n$ command"), filled
// from f; a step whose placeholders f cannot fill is left out. It returns
// how many steps it added.
func (b *builder) catalogSteps(steps []string, f *Facts) int {
	n := 0
	for _, st := range steps {
		text, cmd, _ := strings.Cut(st, "\n$ ")
		text, ok := b.fill(text, f)
		if !ok {
			continue
		}
		if cmd != "" {
			if cmd, ok = b.fillCommand(cmd, f); !ok {
				continue
			}
		}
		b.step(text, cmd)
		n++
	}
	return n
}

// facts adds the common facts of f to the overview.
func (b *builder) facts(f *Facts) {
	m, o := b.m, &b.overview
	b.field(o, m.label("title"), f.Title)
	b.field(o, m.label("severity"), b.severity(f))
	b.field(o, m.label("account"), f.Account)
	b.field(o, m.label("region"), f.Region)
	b.field(o, m.label("time"), b.time(f.Time))
	if f.Code.Value != "" {
		b.field(o, m.label("code."+string(f.Code.Kind)), f.Code.Value)
	}
	idLabel := "finding_id"
	switch f.Kind {
	case event.KindHealth:
		idLabel = "event_arn"
	case event.KindCloudTrail, event.KindConsoleSignIn, event.KindInsight:
		idLabel = "event_id"
	}
	b.field(o, m.label(idLabel), f.FindingID)
	for _, r := range f.Resources {
		b.field(o, m.label("resource"), b.resourceText(r))
	}
	if c := f.Change; c != nil {
		b.field(o, m.label("change"), b.changeText(c))
	}
	if f.Count > 0 {
		b.field(o, m.label("count"), itoa(f.Count))
	}
	b.field(o, m.label("first_seen"), m.timeValue(f.FirstSeen))
	b.field(o, m.label("last_seen"), m.timeValue(f.LastSeen))
	for _, d := range f.Details {
		if freeTextKeys[d.Key] {
			b.quote(o, m.label(d.Key), d.Value)
			continue
		}
		v := d.Value
		if timeKeys[d.Key] {
			v = m.timeValue(v)
		} else {
			v = m.value(d.Key, v)
		}
		b.field(o, m.label(d.Key), v)
	}
}

// freeTextKeys are the details that hold free text from the event: shown
// as quotations, never as facts.
var freeTextKeys = map[string]bool{"disabled_reason": true}

// timeKeys are the details that hold a time.
var timeKeys = map[string]bool{"start_time": true, "end_time": true, "created_at": true, "updated_at": true, "last_exploit": true}

// severity is the severity field: the source's, or vigil's own assessment
// (Facts.Assessed), or nothing when there is neither: a state such as
// ALARM is shown as the change, not as a severity.
func (b *builder) severity(f *Facts) string {
	if f.Severity == SevNone {
		return ""
	}
	if f.Assessed {
		return b.m.severityAssessed(f.Severity)
	}
	return b.m.severityText(f.Severity, f.SeverityGiven)
}

func (b *builder) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return b.m.timeText(t.UTC())
}

// resourceText shows a resource: its type (in the catalog's language when
// known), id and name.
func (b *builder) resourceText(r Resource) string { return resourceTextIn(b.m, r) }

func resourceTextIn(m messages, r Resource) string {
	s := r.ID
	if r.Type != "" {
		s = m.resourceType(r.Type) + " " + s
	}
	if r.Name != "" {
		s += " (" + r.Name + ")"
	}
	return s
}

func (b *builder) changeText(c *Change) string {
	s := b.m.value("change", c.To)
	if c.From != "" {
		s = b.m.value("change", c.From) + " → " + s
	}
	if c.At != "" {
		s += " (" + b.m.timeValue(c.At) + ")"
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// generalGuidance is what to do when vigil has no specific knowledge.
// Only sources whose events come from API calls point to CloudTrail.
func (b *builder) generalGuidance(f *Facts) {
	b.para(&b.response, b.m.generalResponse(f.Severity))
	b.generalSteps(f)
}

// generalSteps adds the steps that apply to any event.
func (b *builder) generalSteps(f *Facts) {
	for _, s := range b.m.generalSteps(cloudTrailApplies(f)) {
		b.step(s, "")
	}
}

// cloudTrailApplies reports whether CloudTrail records who did what the
// event reports: for the sources whose subject changes through the API,
// and for GuardDuty findings about API calls.
func cloudTrailApplies(f *Facts) bool {
	if f.gd != nil {
		return f.gd.Service.Action.ActionType == "AWS_API_CALL"
	}
	return apiDriven[f.Kind]
}

// apiDriven are the kinds of event whose subject was changed through the
// AWS API, so that CloudTrail records who changed it.
var apiDriven = map[event.Kind]bool{
	event.KindSecurityHub: true, event.KindConfig: true, event.KindAccessAnalyzer: true,
	event.KindCloudTrail: true, event.KindInstanceState: true,
}

// shellArg quotes s for a POSIX shell when it has anything but safe
// characters, so a command built from event values cannot inject a second
// command when pasted.
func shellArg(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:/=@+,", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// OfficialDocURL reports whether u may be shown as official AWS
// documentation: an https link to docs.aws.amazon.com or aws.amazon.com,
// or to the AWS console (links events carry to their own findings). A look-
// alike host ("docs.aws.amazon.com.example.net", "docs-aws.example") is not.
func OfficialDocURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		return false
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	host, _, _ = strings.Cut(host, "#")
	host = strings.ToLower(host)
	if strings.ContainsAny(host, "@:") {
		return false // credentials or ports: not a plain AWS link
	}
	return host == "docs.aws.amazon.com" || host == "aws.amazon.com" ||
		host == "console.aws.amazon.com" || strings.HasSuffix(host, ".console.aws.amazon.com")
}
