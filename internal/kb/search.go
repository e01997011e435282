package kb

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Hit is one section that matches a search.
type Hit struct {
	Citation
	// Snippet is the passage of the section that best matches, at most
	// about 240 characters.
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

// controlRE finds Security Hub control ids in a query.
var controlRE = regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9]*\.[0-9]{1,3}\b`)

// Search returns the sections that best match q, best first, at most
// limit (10 when 0). q is cut into pieces: words, and runs of Japanese text
// at changes of script (「パスワードの再利用」 is パスワード and 再利用; short
// runs of hiragana, the particles, are left out). Sections holding every
// piece come first; only when none does are sections holding some piece
// returned. A piece is found as overlapping two-character runs, so any
// part of a word two characters or longer is found without a dictionary.
// A control id in q also finds the documents whose front matter lists it.
func (b *Base) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	pieces := queryPieces(q)
	if len(pieces) == 0 {
		return nil, nil
	}
	if err := b.fresh(ctx); err != nil {
		return nil, err
	}
	b.mu.RLock()
	idx := b.idx
	b.mu.RUnlock()
	if idx == nil {
		return nil, nil
	}
	hits, err := b.run(ctx, idx, searchQuery(q, pieces, true), limit, pieces)
	if err != nil || len(hits) > 0 || len(pieces) == 1 {
		return hits, err
	}
	return b.run(ctx, idx, searchQuery(q, pieces, false), limit, pieces)
}

func searchQuery(q string, pieces []string, all bool) query.Query {
	var parts []query.Query
	for _, p := range pieces {
		m := bleve.NewMatchQuery(p)
		m.SetField("_all")
		m.Analyzer = textAnalyzer
		m.SetOperator(query.MatchQueryOperatorAnd)
		parts = append(parts, m)
	}
	var match query.Query
	if all {
		match = bleve.NewConjunctionQuery(parts...)
	} else {
		match = bleve.NewDisjunctionQuery(parts...)
	}
	scored := bleve.NewBooleanQuery()
	scored.AddMust(match)
	for _, f := range []string{"title", "heading"} {
		m := bleve.NewMatchQuery(strings.Join(pieces, " "))
		m.SetField(f)
		m.Analyzer = textAnalyzer
		m.SetBoost(2)
		scored.AddShould(m)
	}
	phrase := bleve.NewMatchPhraseQuery(q)
	phrase.SetField("body")
	phrase.Analyzer = textAnalyzer
	phrase.SetBoost(3)
	scored.AddShould(phrase)
	alts := []query.Query{scored}
	for _, c := range controlRE.FindAllString(q, -1) {
		t := bleve.NewTermQuery(c)
		t.SetField("controls")
		t.SetBoost(5)
		alts = append(alts, t)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func (b *Base) run(ctx context.Context, idx bleve.Index, q query.Query, limit int, pieces []string) ([]Hit, error) {
	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	req.Fields = []string{"path", "title", "heading", "body"}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	terms := pieces
	var out []Hit
	for _, h := range res.Hits {
		str := func(k string) string { s, _ := h.Fields[k].(string); return s }
		out = append(out, Hit{
			Citation: Citation{Path: str("path"), Heading: str("heading"), Title: str("title")},
			Snippet:  snippet(str("body"), terms),
			Score:    h.Score,
		})
	}
	return out, nil
}

// script classes of Japanese text, for cutting a run into pieces.
const (
	scriptOther = iota
	scriptHan
	scriptKana // katakana and the long vowel mark
	scriptHira
)

func script(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Katakana, r) || r == 'ー':
		return scriptKana
	case unicode.Is(unicode.Hiragana, r):
		return scriptHira
	}
	return scriptOther
}

// queryPieces cuts q into the pieces Search looks for, in lower case:
// words, and runs of Japanese text cut where the script changes, without
// runs of one or two hiragana (particles such as の, を, について are not
// words of the subject).
func queryPieces(q string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '.' && r != 'ー'
	}) {
		w = strings.Trim(w, ".")
		rs := []rune(w)
		for i := 0; i < len(rs); {
			j := i + 1
			if sc := script(rs[i]); sc != scriptOther {
				for j < len(rs) && script(rs[j]) == sc {
					j++
				}
				if sc == scriptHira && j-i <= 2 {
					i = j
					continue
				}
			} else {
				for j < len(rs) && script(rs[j]) == scriptOther {
					j++
				}
			}
			add(string(rs[i:j]))
			i = j
		}
	}
	return out
}

// snippet picks the line of body that holds the most query terms and cuts
// it to about 240 characters around the first of them.
func snippet(body string, terms []string) string {
	const width = 240
	best, bestN := "", -1
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "```") {
			continue
		}
		low := strings.ToLower(line)
		n := 0
		for _, t := range terms {
			if strings.Contains(low, t) {
				n++
			}
		}
		if n > bestN {
			best, bestN = line, n
		}
	}
	if utf8.RuneCountInString(best) <= width {
		return best
	}
	rs := []rune(best)
	start := 0
	low := strings.ToLower(best)
	for _, t := range terms {
		if i := strings.Index(low, t); i >= 0 {
			start = max(utf8.RuneCountInString(low[:i])-width/4, 0)
			break
		}
	}
	end := min(start+width, len(rs))
	s := string(rs[start:end])
	if start > 0 {
		s = "…" + s
	}
	if end < len(rs) {
		s += "…"
	}
	return s
}
