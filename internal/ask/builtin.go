package ask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/vigilhq/vigil/internal/investigate"
)

// textLines is how many findings the text of an answer lists (fewLines
// when the question asks for "some"); the JSON form lists up to the
// request's limit.
const (
	textLines = 20
	fewLines  = 5
)

// builtin answers with the built-in engine: the question as parsed, the
// tools it calls for, and text written from their results alone.
func (s *session) builtin(ctx context.Context, p *parsed) (*Answer, error) {
	ans := &Answer{Engine: "builtin"}
	var err error
	switch p.kind {
	case intentFindings:
		err = s.builtinFindings(ctx, p, ans)
	case intentPolicies:
		err = s.builtinPolicies(ctx, p, ans)
	case intentDescribe:
		err = s.builtinDescribe(ctx, p, ans)
	case intentExplain:
		err = s.builtinExplain(ctx, p, ans)
	case intentRemediate:
		return s.remediate(ctx, p)
	case intentTimeline, intentRelated:
		err = s.builtinInvestigate(ctx, p, ans)
	default:
		ans.Text = s.help(true)
	}
	if err != nil {
		return nil, err
	}
	if p.kind != intentHelp {
		// The built-in engine writes from tool results only; the check
		// holds it to that like a model.
		g := newGroundCheck(s.seen.String(), s.question, strings.Join(s.derived, " "))
		if t, n := g.check(ans.Text, text(s.lang, noteMarker)); n > 0 {
			ans.Text = t
			ans.Notes = append(ans.Notes, text(s.lang, noteGrounding, n))
		}
	}
	return ans, nil
}

// run calls a tool with args built by the engine.
func (s *session) run(ctx context.Context, name string, args any) (string, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return "", err
	}
	return s.call(ctx, name, b)
}

func (s *session) builtinFindings(ctx context.Context, p *parsed, ans *Answer) error {
	f := p.filter
	onlySeverity := len(f.Severities) > 0 && slices.Equal(nonEmptyFields(f), []string{"severity"})
	var err error
	if onlySeverity {
		_, err = s.run(ctx, "get_findings_by_severity", map[string]any{"severity": f.Severities})
	} else {
		_, err = s.run(ctx, "search_findings", f)
	}
	if err != nil {
		return err
	}
	l := s.last
	var b strings.Builder
	switch {
	case l.Total == 0:
		b.WriteString(text(s.lang, msgNone))
	case p.count && l.Total == 1:
		b.WriteString(text(s.lang, msgCountOne))
	case p.count:
		b.WriteString(text(s.lang, msgCount, l.Total))
	default:
		lines := textLines
		if p.few {
			lines = fewLines
		}
		shown := min(len(l.Findings), lines)
		s.derived = append(s.derived, fmt.Sprint(shown), fmt.Sprint(l.Total-shown))
		switch {
		case l.Total == 1:
			b.WriteString(text(s.lang, msgListOne))
		case shown == l.Total:
			b.WriteString(text(s.lang, msgListAll, l.Total))
		default:
			b.WriteString(text(s.lang, msgListFirst, l.Total, shown))
		}
		b.WriteByte('\n')
		for _, r := range l.Findings[:shown] {
			b.WriteString(findingLine(&r))
			b.WriteByte('\n')
		}
		if more := l.Total - shown; more > 0 {
			b.WriteString(text(s.lang, msgMore, more))
			b.WriteByte('\n')
		}
	}
	if l.Total > 0 && (len(l.BySeverity) > 1 || p.count) {
		b.WriteString("\n" + text(s.lang, msgBySeverity, s.bySeverity(l.BySeverity)))
	}
	if l.Total > 0 && len(l.TopControls) > 1 && len(f.ControlIDs) != 1 {
		var cs []string
		for _, c := range l.TopControls[:min(5, len(l.TopControls))] {
			cs = append(cs, fmt.Sprintf("%s %d", c.Value, c.Count))
		}
		b.WriteString("\n" + text(s.lang, msgTopControl, strings.Join(cs, text(s.lang, msgSep))))
	}
	b.WriteString("\n" + s.scope(p, l.Filter))
	b.WriteString("\n" + text(s.lang, msgScopeLookedIn, strings.Join(l.Regions, text(s.lang, msgSep))))
	ans.Text = strings.TrimSpace(b.String())
	return nil
}

// nonEmptyFields names the fields of f that are set.
func nonEmptyFields(f Filter) []string {
	b, _ := json.Marshal(f)
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// findingLine is one finding in an answer's text. The title comes from the
// finding (untrusted): it is kept on one line and cut.
func findingLine(r *record) string {
	line := fmt.Sprintf("- [%s] %s %s — %s (%s, %s)", r.SeverityLabel, r.ControlID, r.ResourceID, oneLine(r.Title, 120), r.AccountID, r.Region)
	return strings.ReplaceAll(line, "  ", " ")
}

// oneLine removes control characters and line breaks and cuts s to n
// characters.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func (s *session) bySeverity(m map[string]int) string {
	var parts []string
	for i := len(severityLabels) - 1; i >= 0; i-- {
		if n := m[severityLabels[i]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", severityLabels[i], n))
		}
	}
	return strings.Join(parts, text(s.lang, msgSep))
}

// scope says the conditions of a lookup, defaults included, so that a
// reader sees what was and was not applied.
func (s *session) scope(p *parsed, f Filter) string {
	sep := text(s.lang, msgSep)
	join := func(v []string) string { return strings.Join(v, "/") }
	var parts []string
	switch {
	case p != nil && p.floor != "" && len(f.Severities) > 0:
		parts = append(parts, text(s.lang, msgScopeFloor, p.floor))
	case p != nil && p.ceiling != "" && len(f.Severities) > 0:
		parts = append(parts, text(s.lang, msgScopeCeiling, p.ceiling))
	case len(f.Severities) > 0:
		parts = append(parts, text(s.lang, msgScopeSeverity, join(f.Severities)))
	}
	add := func(key string, v []string) {
		if len(v) > 0 {
			parts = append(parts, text(s.lang, key, join(v)))
		}
	}
	add(msgScopeControls, f.ControlIDs)
	add(msgScopeServices, f.Services)
	add(msgScopeAccounts, f.Accounts)
	add(msgScopeRegions, f.Regions)
	add(msgScopeTypes, f.ResourceTypes)
	add(msgScopeResources, f.ResourceIDs)
	add(msgScopeFindings, f.FindingIDs)
	add(msgScopeProducts, f.Products)
	add(msgScopeWorkflow, f.Workflow)
	add(msgScopeCompliance, f.Compliance)
	add(msgScopeRecord, f.RecordState)
	if f.Since != "" {
		phrase := ""
		if p != nil && p.period != nil {
			phrase = p.period.phrase
		}
		key := msgScopeCreated
		if f.TimeField == "updated" {
			key = msgScopeUpdated
		}
		parts = append(parts, text(s.lang, key, f.Since, f.Until, strings.TrimSpace(phrase)))
	}
	return text(s.lang, msgScope, strings.Join(parts, sep))
}

func (s *session) builtinPolicies(ctx context.Context, p *parsed, ans *Answer) error {
	if s.a.deps.Knowledge == nil {
		ans.Text = text(s.lang, msgPoliciesOff)
		return nil
	}
	q := p.query
	if q == "" {
		q = s.question
	}
	out, err := s.run(ctx, "search_policies", map[string]any{"query": q})
	if err != nil {
		return err
	}
	var res struct {
		Sections []struct {
			Path, Heading, Snippet string
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return err
	}
	if len(res.Sections) == 0 {
		ans.Text = text(s.lang, msgPoliciesNone, q)
		return nil
	}
	var b strings.Builder
	s.derived = append(s.derived, fmt.Sprint(len(res.Sections)))
	b.WriteString(text(s.lang, msgPoliciesFound, len(res.Sections)))
	for _, h := range res.Sections {
		fmt.Fprintf(&b, "\n- %s › %s\n  %s", h.Path, h.Heading, oneLine(h.Snippet, 240))
	}
	ans.Text = b.String()
	return nil
}

func (s *session) builtinDescribe(ctx context.Context, p *parsed, ans *Answer) error {
	var b strings.Builder
	for i, id := range p.resources {
		if i == 3 {
			break
		}
		out, err := s.run(ctx, "describe_resource", map[string]any{"resource": id})
		var te *toolError
		if errors.As(err, &te) {
			if _, rerr := resolveResource(id, ""); rerr != nil {
				b.WriteString(text(s.lang, msgDescribeUnknown, id) + "\n")
			} else {
				b.WriteString(te.msg + "\n")
			}
			continue
		}
		if err != nil {
			return err
		}
		var d described
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			return err
		}
		b.WriteString(text(s.lang, msgDescribe, d.Resource.ID, d.Resource.Kind, d.Resource.Region) + "\n")
		keys := make([]string, 0, len(d.Details))
		for k := range d.Details {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, _ := json.Marshal(d.Details[k])
			fmt.Fprintf(&b, "  %s: %s\n", k, oneLine(strings.Trim(string(v), `"`), 400))
		}
		for _, u := range d.Unreadable {
			fmt.Fprintf(&b, "  (%s)\n", u)
		}
	}
	ans.Text = strings.TrimSpace(b.String())
	return nil
}

func (s *session) builtinExplain(ctx context.Context, p *parsed, ans *Answer) error {
	ids := p.findingIDs
	if len(ids) == 0 {
		if _, err := s.run(ctx, "search_findings", Filter{ControlIDs: p.filter.ControlIDs, Accounts: p.filter.Accounts, Regions: p.filter.Regions}); err != nil {
			return err
		}
		if s.last.Total == 0 {
			ans.Text = text(s.lang, msgExplainNone, strings.Join(p.filter.ControlIDs, "/"))
			return nil
		}
		ids = []string{s.last.Findings[0].ID}
	}
	var b strings.Builder
	for i, id := range ids {
		if i == 3 {
			break
		}
		out, err := s.run(ctx, "explain_finding", map[string]any{"finding_id": id})
		var te *toolError
		if errors.As(err, &te) {
			b.WriteString(te.msg + "\n\n")
			continue
		}
		if err != nil {
			return err
		}
		var x explained
		if err := json.Unmarshal([]byte(out), &x); err != nil {
			return err
		}
		b.WriteString(text(s.lang, msgExplainOf, x.FindingID) + "\n\n" + x.Explanation + "\n")
		if len(x.Policies) > 0 {
			s.derived = append(s.derived, fmt.Sprint(len(x.Policies)))
			b.WriteString("\n" + text(s.lang, msgPoliciesFound, len(x.Policies)))
			for _, h := range x.Policies {
				fmt.Fprintf(&b, "\n- %s › %s\n  %s", h.Path, h.Heading, oneLine(h.Snippet, 240))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	ans.Text = strings.TrimSpace(b.String())
	return nil
}

// help says what can be asked, with examples in the question's language.
func (s *session) help(notParsed bool) string {
	var b strings.Builder
	if notParsed && !helpRE.MatchString(strings.ToLower(s.question)) {
		b.WriteString(text(s.lang, msgHelpNotParsed) + " ")
	}
	b.WriteString(text(s.lang, msgHelpIntro) + "\n" + text(s.lang, msgHelpExamples))
	if s.a.deps.Knowledge == nil {
		b.WriteString("\n" + text(s.lang, msgHelpNoPolicies))
	}
	return b.String()
}

func (s *session) builtinInvestigate(ctx context.Context, p *parsed, ans *Answer) error {
	if !hasInvestigation(s.a) {
		ans.Text = text(s.lang, msgInvestigateOff)
		return nil
	}
	entity, ok := s.investigationEntity(ctx, p)
	if !ok {
		ans.Text = text(s.lang, msgEntityARN, entity)
		return nil
	}
	var b strings.Builder
	if p.kind == intentRelated {
		out, err := s.run(ctx, "get_related", map[string]any{"entity": entity})
		if msg, ok := s.investigationMessage(err, entity); ok {
			ans.Text = msg
			return nil
		}
		if err != nil {
			return err
		}
		var r investigate.Related
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			return err
		}
		s.derived = append(s.derived, fmt.Sprint(len(r.Related)))
		b.WriteString(text(s.lang, msgRelated, r.Entity, len(r.Related)))
		for _, x := range r.Related {
			name := oneLine(x.Entity, 200)
			if x.Kind == investigate.KindUserAgent {
				// A user agent is whatever the caller sent: counted, not shown.
				name = text(s.lang, msgAgentHidden)
			}
			fmt.Fprintf(&b, "\n- %s %s %s (%d, %s – %s)", x.Relation, x.Kind, name, x.Count,
				x.FirstSeen.UTC().Format(time.RFC3339), x.LastSeen.UTC().Format(time.RFC3339))
		}
		ans.Text = b.String()
		return nil
	}
	args := map[string]any{"entity": entity, "limit": maxInvestigate}
	if p.filter.Since != "" {
		args["since"], args["until"] = p.filter.Since, p.filter.Until
	}
	out, err := s.run(ctx, "get_timeline", args)
	if msg, ok := s.investigationMessage(err, entity); ok {
		ans.Text = msg
		return nil
	}
	if err != nil {
		return err
	}
	var tl investigate.Timeline
	if err := json.Unmarshal([]byte(out), &tl); err != nil {
		return err
	}
	if len(tl.Events) == 0 {
		ans.Text = text(s.lang, msgTimelineNone, tl.Entity)
		return nil
	}
	shown := min(len(tl.Events), textLines)
	s.derived = append(s.derived, fmt.Sprint(len(tl.Events)), fmt.Sprint(shown), fmt.Sprint(len(tl.Events)-shown))
	// The latest calls matter most: the text shows the last ones.
	b.WriteString(text(s.lang, msgTimeline, tl.Entity, len(tl.Events), shown))
	for i := len(tl.Events) - shown; i < len(tl.Events); i++ {
		b.WriteString("\n" + timelineLine(&tl.Events[i]))
	}
	if tl.Truncated {
		b.WriteString("\n" + text(s.lang, msgTimelineCut, maxInvestigate))
	}
	ans.Text = b.String()
	return nil
}

// investigationEntity is the entity a timeline or relations question is
// about, as CloudTrail names it. Investigation knows instances and
// snapshots by ARN: a bare id becomes one with the region (and, for an
// instance, the account) the question names or the default region; ok is
// false when an id cannot be made an ARN.
func (s *session) investigationEntity(ctx context.Context, p *parsed) (string, bool) {
	e := p.entity()
	isInstance, isSnapshot := strings.HasPrefix(e, "i-"), strings.HasPrefix(e, "snap-")
	if !isInstance && !isSnapshot {
		return e, true
	}
	region := ""
	if len(p.filter.Regions) > 0 {
		region = p.filter.Regions[0]
	} else if rs, err := s.lookupRegions(ctx, p.filter); err == nil && len(rs) == 1 {
		region = rs[0]
	}
	switch {
	case region == "":
		return e, false
	case isSnapshot:
		return "arn:aws:ec2:" + region + "::snapshot/" + e, true
	case len(p.filter.Accounts) > 0:
		return "arn:aws:ec2:" + region + ":" + p.filter.Accounts[0] + ":instance/" + e, true
	}
	return e, false
}

// investigationMessage is the answer to a get_timeline or get_related
// call that failed in a way the asker can act on: an entity no loaded
// record names, or a question the tool cannot answer as asked.
func (s *session) investigationMessage(err error, entity string) (string, bool) {
	var te *toolError
	switch {
	case investigate.IsNotFound(err):
		return text(s.lang, msgEntityUnknown, entity), true
	case errors.As(err, &te):
		return te.msg, true
	}
	return "", false
}
