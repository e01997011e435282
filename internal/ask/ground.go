package ask

import (
	"regexp"
	"strings"

	"github.com/vigilhq/vigil/internal/explain/llm/grounding"
)

// groundCheck holds what an answer may name: the tool results, the
// question and the context vigil gave the model.
type groundCheck struct {
	chk     *grounding.Checker
	all     string
	numbers map[string]bool
}

var (
	// numberRE finds numbers: digit runs, with thousands separators.
	numberRE = regexp.MustCompile(`[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+`)
	// listMarkerRE finds ordered-list markers at the start of a line: they
	// number the answer's own lines.
	listMarkerRE = regexp.MustCompile(`(?m)^\s*[0-9]{1,2}[.)]\s`)
)

func newGroundCheck(sources ...string) *groundCheck {
	all := strings.Join(sources, "\n")
	g := &groundCheck{chk: grounding.New([]byte(all)), all: all, numbers: map[string]bool{}}
	g.chk.AllowURLsIn(all)
	for _, n := range numberRE.FindAllString(all, -1) {
		g.numbers[normNumber(n)] = true
	}
	return g
}

func normNumber(n string) string {
	n = strings.ReplaceAll(n, ",", "")
	if t := strings.TrimLeft(n, "0"); t != "" {
		return t
	}
	return "0"
}

// check replaces every identifier, link and number of text that the
// sources do not hold with marker, and counts them. A number that is part
// of a name (EC2, S3.1, ap-northeast-1, IPv6) is not a number of its own;
// one joined with separators (2026-12-03, 10:30, 1,234) must appear as
// written.
func (g *groundCheck) check(text, marker string) (string, int) {
	out, vs := g.chk.Text(text, func(grounding.Violation) string { return marker })
	bad := len(vs)
	skip := make([]bool, len(out)+1)
	mark := func(a, b int) {
		for i := a; i < b; i++ {
			skip[i] = true
		}
	}
	for _, m := range listMarkerRE.FindAllStringIndex(out, -1) {
		mark(m[0], m[1])
	}
	// Identifiers and URLs were checked whole: their digits are not
	// numbers of their own.
	for _, m := range grounding.Identifiers(out) {
		mark(m.Start, m.End)
	}
	for _, m := range grounding.URLs(out) {
		mark(m.Start, m.End)
	}
	type repl struct{ a, b int }
	var rs []repl
	for i := 0; i < len(out); {
		if !isDigit(out[i]) || skip[i] {
			i++
			continue
		}
		a := i
		for i < len(out) && (isDigit(out[i]) || strings.IndexByte(".-:/,", out[i]) >= 0 && i+1 < len(out) && isDigit(out[i+1])) {
			i++
		}
		b := i
		if partOfName(out, a, b) {
			continue
		}
		tok := out[a:b]
		ok := g.numbers[normNumber(tok)]
		if strings.ContainsAny(tok, ".-:/") {
			ok = strings.Contains(g.all, tok)
		}
		if !ok {
			rs = append(rs, repl{a, b})
		}
	}
	if len(rs) == 0 {
		return out, bad
	}
	var sb strings.Builder
	last := 0
	for _, r := range rs {
		sb.WriteString(out[last:r.a])
		sb.WriteString(marker)
		last = r.b
	}
	sb.WriteString(out[last:])
	return sb.String(), bad + len(rs)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// partOfName reports whether the number s[a:b] belongs to a name: a letter
// touches it, or a separator that a letter touches (S3.1, IAM.7,
// ap-northeast-1).
func partOfName(s string, a, b int) bool {
	if a > 0 && isLetter(s[a-1]) || b < len(s) && isLetter(s[b]) {
		return true
	}
	if a > 1 && strings.IndexByte(".-:/", s[a-1]) >= 0 && isLetter(s[a-2]) {
		return true
	}
	return b+1 < len(s) && strings.IndexByte(".-/", s[b]) >= 0 && isLetter(s[b+1])
}
