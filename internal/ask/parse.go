package ask

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/vigilhq/vigil/internal/lang"
)

// intent is what a question asks for.
type intent int

const (
	intentHelp      intent = iota // not understood: say what can be asked
	intentFindings                // list or count findings
	intentPolicies                // search the organisation's documents
	intentDescribe                // describe a resource
	intentExplain                 // explain a finding
	intentRemediate               // a change: a plan and an approval, never an action
	intentTimeline                // an entity's CloudTrail calls
	intentRelated                 // an entity's relations in CloudTrail
)

// parsed is the built-in engine's reading of a question.
type parsed struct {
	kind  intent
	count bool
	// few is "some / 幾つか": the text lists a handful.
	few bool
	// filter is the findings filter the question names.
	filter Filter
	// floor and ceiling record "High 以上" / "Low or lower" for the text.
	floor, ceiling string
	// period is the time range the question names.
	period *timeRange
	// resources are resource ids and ARNs the question names.
	resources []string
	// findingIDs are finding ids the question names.
	findingIDs []string
	// ips are source addresses the question names.
	ips []string
	// query is what to search the documents for.
	query string
	// lang is the question's language.
	lang lang.Lang
}

// detectLang says ja for text with Japanese characters in it.
func detectLang(s string) lang.Lang {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return lang.JA
		}
	}
	return lang.EN
}

// cutter holds a question being read: each recognised phrase is cut out so
// that it is not read twice ("S3.1" is a control id, not the service S3).
type cutter struct {
	orig string // width-folded, case kept (access key ids)
	low  string // width-folded, lower case; same byte offsets as orig for ASCII
}

// cut removes [a, b) from both forms.
func (c *cutter) cut(a, b int) {
	pad := strings.Repeat(" ", b-a)
	c.orig = c.orig[:a] + pad + c.orig[b:]
	c.low = c.low[:a] + pad + c.low[b:]
}

// all finds every match of re in the lower-case text, cuts it and returns
// the matched texts of the original and their submatch texts (lower case).
func (c *cutter) all(re *regexp.Regexp, useOrig bool) [][]string {
	src := c.low
	if useOrig {
		src = c.orig
	}
	var out [][]string
	locs := re.FindAllStringSubmatchIndex(src, -1)
	for _, loc := range locs {
		var groups []string
		for g := 0; g < len(loc)/2; g++ {
			if loc[2*g] < 0 {
				groups = append(groups, "")
				continue
			}
			if g == 0 {
				groups = append(groups, c.orig[loc[0]:loc[1]])
			} else {
				groups = append(groups, src[loc[2*g]:loc[2*g+1]])
			}
		}
		out = append(out, groups)
	}
	for i := len(locs) - 1; i >= 0; i-- {
		c.cut(locs[i][0], locs[i][1])
	}
	return out
}

// phrase compiles a vocabulary phrase: an end written in ASCII gets a word
// boundary (high is not in highlight), a Japanese end does not (Japanese
// has no spaces between words).
func phrase(p string) *regexp.Regexp {
	re := `(?:` + p + `)`
	if p[0] < 0x80 {
		re = `\b` + re
	}
	if last, _ := utf8.DecodeLastRuneInString(p); last < 0x80 {
		re += `\b`
	}
	return regexp.MustCompile(re)
}

var phraseCache = map[string]*regexp.Regexp{}

func init() {
	// Compile every phrase once: the tables do not change.
	add := func(p string) { phraseCache[p] = phrase(p) }
	for _, r := range resourceTypes {
		for _, p := range r.phrases {
			add(p)
		}
	}
	for _, p := range products {
		for _, ph := range p.phrases {
			add(ph)
		}
	}
	for _, s := range statusWords {
		add(s.phrase)
	}
	for _, s := range severityWords {
		add(s.phrase)
	}
	for _, r := range regionNames {
		for _, w := range r.words {
			add(regexp.QuoteMeta(w))
		}
	}
}

// appendNew appends v unless it is there.
func appendNew(s []string, v ...string) []string {
	for _, x := range v {
		if !slices.Contains(s, x) {
			s = append(s, x)
		}
	}
	return s
}

// parse reads a question. now and loc anchor its time ranges.
func parse(q string, now time.Time, loc *time.Location) *parsed {
	folded := width.Fold.String(strings.TrimSpace(q))
	p := &parsed{lang: detectLang(folded)}
	c := &cutter{orig: folded, low: strings.ToLower(folded)}
	if len(c.low) != len(c.orig) {
		// Lower-casing changed byte lengths (rare letters): match on the
		// lower-case text alone.
		c.orig = c.low
	}
	f := &p.filter

	for _, m := range c.all(findingARNRE, true) {
		p.findingIDs = appendNew(p.findingIDs, m[0])
	}
	for _, m := range c.all(arnRE, true) {
		p.resources = appendNew(p.resources, m[0])
	}
	for _, m := range c.all(shortIDRE, true) {
		p.resources = appendNew(p.resources, m[0])
	}
	for _, m := range c.all(ipRE, false) {
		p.ips = appendNew(p.ips, m[0])
	}
	for _, m := range c.all(controlRE, false) {
		prefixes, ok := controlPrefixes()[m[1]]
		if !ok {
			c.orig, c.low = restore(c, m[0]) // not a control id: leave the text
			continue
		}
		f.ControlIDs = appendNew(f.ControlIDs, prefixes[0]+"."+m[2])
	}
	for _, m := range c.all(accountRE, false) {
		f.Accounts = appendNew(f.Accounts, m[0])
	}
	for _, m := range c.all(regionInTextRE, false) {
		f.Regions = appendNew(f.Regions, strings.ToLower(m[0]))
	}
	for _, r := range regionNames {
		for _, w := range r.words {
			if len(c.all(phraseCache[regexp.QuoteMeta(w)], false)) > 0 {
				f.Regions = appendNew(f.Regions, r.region)
			}
		}
	}
	if tr, rest := parseTime(c.low, now, loc); tr != nil {
		p.period = tr
		c.low, c.orig = rest, rest
		f.Since, f.Until = tr.since.UTC().Format(time.RFC3339), tr.until.UTC().Format(time.RFC3339)
		if updatedRE.MatchString(c.low) {
			f.TimeField = "updated"
		}
	}
	for _, s := range statusWords {
		if len(c.all(phraseCache[s.phrase], false)) == 0 {
			continue
		}
		switch s.field {
		case "workflow":
			f.Workflow = appendNew(f.Workflow, s.value)
		case "compliance":
			f.Compliance = appendNew(f.Compliance, s.value)
		case "record":
			f.RecordState = appendNew(f.RecordState, s.value)
		}
	}
	for _, pr := range products {
		for _, ph := range pr.phrases {
			if len(c.all(phraseCache[ph], false)) > 0 {
				f.Products = appendNew(f.Products, pr.name)
			}
		}
	}
	for _, rt := range resourceTypes {
		for _, ph := range rt.phrases {
			if len(c.all(phraseCache[ph], false)) > 0 {
				f.ResourceTypes = appendNew(f.ResourceTypes, rt.typ)
			}
		}
	}
	p.readSeverity(c)
	// Service names left alone: S3 の違反 is about S3's controls.
	for alias, name := range serviceAliases {
		c.low = strings.ReplaceAll(c.low, alias, name)
	}
	c.orig = c.low
	for _, w := range strings.FieldsFunc(c.low, func(r rune) bool { return !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))) }) {
		if ps, ok := controlPrefixes()[w]; ok && !isCommonWord(w) {
			f.Services = appendNew(f.Services, ps...)
			c.low = strings.Replace(c.low, w, strings.Repeat(" ", len(w)), 1)
		}
	}
	rest := c.low
	p.count = countRE.MatchString(rest)
	p.few = fewRE.MatchString(rest)
	aboutFindings := findingsRE.MatchString(rest)
	hasFilter := len(f.Severities)+len(f.ControlIDs)+len(f.Services)+len(f.Accounts)+len(f.Regions)+len(f.ResourceTypes)+
		len(f.Products)+len(f.Workflow)+len(f.Compliance)+len(f.RecordState) > 0 || p.period != nil
	asksHow := howRE.MatchString(rest)
	hasEntity := p.entity() != ""
	switch {
	case changeRE.MatchString(rest) && !asksHow:
		p.kind = intentRemediate
	case hasEntity && relatedRE.MatchString(rest) && !aboutFindings:
		p.kind = intentRelated
	case hasEntity && timelineRE.MatchString(rest) && !aboutFindings:
		p.kind = intentTimeline
	case len(p.findingIDs) > 0 && !p.count:
		p.kind = intentExplain
	case explainRE.MatchString(rest) && len(f.ControlIDs) > 0 && !p.count && !aboutFindings:
		p.kind = intentExplain
	case policyRE.MatchString(rest) && !aboutFindings && !p.count:
		p.kind = intentPolicies
		p.query = policyQuery(folded)
	case len(p.resources) > 0 && !aboutFindings && !p.count && !hasFilter && describeRE.MatchString(rest):
		p.kind = intentDescribe
	case aboutFindings || hasFilter || p.count || len(p.resources) > 0:
		p.kind = intentFindings
	case helpRE.MatchString(rest):
		p.kind = intentHelp
	default:
		p.kind = intentHelp
	}
	if p.kind == intentFindings || p.kind == intentRemediate {
		f.ResourceIDs = appendNew(f.ResourceIDs, p.resources...)
		f.FindingIDs = appendNew(f.FindingIDs, p.findingIDs...)
	}
	return p
}

// entity is what a timeline or relations question is about: the first
// finding, resource, source address or account it names.
func (p *parsed) entity() string {
	for _, l := range [][]string{p.findingIDs, p.resources, p.ips, p.filter.Accounts} {
		if len(l) > 0 {
			return l[0]
		}
	}
	return ""
}

// restore puts text back that was cut by mistake (a "control id" whose
// prefix is no service, like e.g. "v1.2"). It is cheap because it is rare.
func restore(c *cutter, text string) (string, string) {
	// The cut left spaces of the same length where text was: find the
	// first run of that many spaces and put the text back.
	blank := strings.Repeat(" ", len(text))
	i := strings.Index(c.orig, blank)
	if i < 0 {
		return c.orig, c.low
	}
	return c.orig[:i] + text + c.orig[i+len(blank):], c.low[:i] + strings.ToLower(text) + c.low[i+len(blank):]
}

// isCommonWord are control prefixes that are also plain English words; they
// count as services only as control ids (Config.1), not alone.
func isCommonWord(w string) bool {
	switch w {
	case "account", "config", "backup", "connect", "transfer", "glue", "es", "mq", "pca":
		return true
	}
	return false
}

// readSeverity finds severities, with "以上" / "or higher" floors and
// "以下" / "or lower" ceilings.
func (p *parsed) readSeverity(c *cutter) {
	type hit struct {
		a, b  int
		label string
	}
	var hits []hit
	for _, s := range severityWords {
		re := phraseCache[s.phrase]
		for _, loc := range re.FindAllStringIndex(c.low, -1) {
			if isKatakanaWord(c.low, loc[0], loc[1]) {
				continue // ハイブリッド, ロール, フロー
			}
			hits = append(hits, hit{loc[0], loc[1], s.label})
		}
	}
	for _, m := range severityKanjiRE.FindAllStringSubmatchIndex(c.low, -1) {
		for g := 1; g < len(m)/2; g++ {
			if m[2*g] >= 0 {
				hits = append(hits, hit{m[2*g], m[2*g+1], kanjiLabel[c.low[m[2*g]:m[2*g+1]]]})
				break
			}
		}
	}
	if len(hits) == 0 {
		return
	}
	slices.SortFunc(hits, func(x, y hit) int { return x.a - y.a })
	f := &p.filter
	for _, h := range hits {
		after := c.low[h.b:]
		before := c.low[:h.a]
		switch {
		case floorRE.MatchString(after) || atLeastRE.MatchString(before):
			p.floor = h.label
			f.Severities = appendNew(f.Severities, severityLabels[slices.Index(severityLabels, h.label):]...)
		case ceilingRE.MatchString(after):
			p.ceiling = h.label
			f.Severities = appendNew(f.Severities, severityLabels[:slices.Index(severityLabels, h.label)+1]...)
		default:
			f.Severities = appendNew(f.Severities, h.label)
		}
	}
	slices.SortFunc(f.Severities, func(a, b string) int { return severityRank[b] - severityRank[a] })
	for i := len(hits) - 1; i >= 0; i-- {
		h := hits[i]
		end := h.b
		if m := floorRE.FindStringIndex(c.low[end:]); m != nil {
			end += m[1]
		} else if m := ceilingRE.FindStringIndex(c.low[end:]); m != nil {
			end += m[1]
		}
		if h.a < len(c.low) && end <= len(c.low) && strings.TrimSpace(c.low[h.a:end]) != "" {
			c.cut(h.a, end)
		}
	}
}

// isKatakanaWord reports whether s[a:b] is part of a longer katakana word.
func isKatakanaWord(s string, a, b int) bool {
	kana := func(r rune) bool { return unicode.Is(unicode.Katakana, r) || r == 'ー' }
	first, _ := utf8.DecodeRuneInString(s[a:])
	if !kana(first) {
		return false
	}
	if a > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:a]); kana(r) {
			return true
		}
	}
	if b < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[b:]); kana(r) {
			return true
		}
	}
	return false
}

// policyQuery is the question without the words that only say "search
// the documents".
func policyQuery(q string) string {
	s := strings.ToLower(q)
	for _, re := range policyNoise {
		s = re.ReplaceAllString(s, " ")
	}
	return strings.Join(strings.Fields(s), " ")
}

var policyNoise = []*regexp.Regexp{
	regexp.MustCompile(`社内|当社|弊社|自社|の?規程|の?規定|の?規則|社則|ガイドライン|ナレッジ|について|に関して|に関する|教えて(?:ください)?|見せて(?:ください)?|何と|どう|書いて|言って|あります|います|なって|ですか|ますか|とは|[?？。、]`),
	regexp.MustCompile(`\b(?:what|does|do|did|say|says|said|about|our|the|a|an|company|internal|policy|policies|document|documents|guideline|guidelines|knowledge|base|on|for|of|is|are|tell|me|show|in|regarding)\b`),
}
