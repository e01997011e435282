package pattern

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// wildcard is a compiled wildcard pattern: literal segments separated by
// unescaped '*'. "a*b" is {"a", "b"}; "*a" is {"", "a"}; "" is {""}.
type wildcard struct {
	segs [][]byte
}

// parseWildcard validates a wildcard pattern the way event-ruler does and
// compiles it. Positions in errors count the opening quote of the JSON
// string, as AWS's do.
func parseWildcard(text string) (wildcard, error) {
	var w wildcard
	var cur []byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '*':
			if i+1 < len(text) && text[i+1] == '*' {
				return w, fmt.Errorf("Consecutive wildcard characters at pos %d", i+1)
			}
			w.segs = append(w.segs, cur)
			cur = nil
		case '\\':
			if i+1 < len(text) && (text[i+1] == '*' || text[i+1] == '\\') {
				cur = append(cur, text[i+1])
				i++
				continue
			}
			return w, fmt.Errorf("Invalid escape character at pos %d", i+1)
		default:
			cur = append(cur, c)
		}
	}
	w.segs = append(w.segs, cur)
	for i := range w.segs {
		if w.segs[i] == nil {
			w.segs[i] = []byte{}
		}
	}
	return w, nil
}

// match reports whether v matches the wildcard. Leftmost-greedy placement of
// the middle segments is correct because '*' matches any byte sequence.
func (w *wildcard) match(v []byte) bool {
	n := len(w.segs)
	if n == 1 {
		return bytes.Equal(v, w.segs[0])
	}
	first, last := w.segs[0], w.segs[n-1]
	if len(v) < len(first)+len(last) || !bytes.HasPrefix(v, first) || !bytes.HasSuffix(v, last) {
		return false
	}
	mid := v[len(first) : len(v)-len(last)]
	for _, s := range w.segs[1 : n-1] {
		i := bytes.Index(mid, s)
		if i < 0 {
			return false
		}
		mid = mid[i+len(s):]
	}
	return true
}

// literalPrefix is the text before the first '*'; literalSuffix the text
// after the last. The index uses them to avoid running every wildcard.
func (w *wildcard) literalPrefix() []byte { return w.segs[0] }
func (w *wildcard) literalSuffix() []byte { return w.segs[len(w.segs)-1] }
func (w *wildcard) hasStar() bool         { return len(w.segs) > 1 }

// String returns the pattern in AWS's syntax.
func (w *wildcard) String() string {
	var b strings.Builder
	for i, s := range w.segs {
		if i > 0 {
			b.WriteByte('*')
		}
		for _, c := range s {
			if c == '*' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Wildcard complexity. AWS rejects rules whose wildcards on one field could
// leave too many partial matches alive at once ("Rule is too complex"). We
// measure it as event-ruler does in spirit: simulate the union NFA of the
// field's wildcard patterns (in quoted form) over every input and take the
// largest number of simultaneously live positions.

const (
	wildcardComplexityLimit = 10
	complexitySubsetCap     = 20000 // bound on explored NFA subsets
)

var errTooComplex = fmt.Errorf("Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character")

// checkWildcardComplexity returns errTooComplex when the wildcards of one
// field exceed the limit.
func checkWildcardComplexity(ws []*wildcard) error {
	if len(ws) == 0 {
		return nil
	}
	// Token streams: quote, pattern bytes (-1 for '*'), quote.
	type nfa struct{ toks []int }
	var machines []nfa
	alphabet := map[int]bool{'"': true}
	anyStar := false
	for _, w := range ws {
		toks := []int{'"'}
		for i, s := range w.segs {
			if i > 0 {
				toks = append(toks, -1)
				anyStar = true
			}
			for _, c := range s {
				toks = append(toks, int(c))
				alphabet[int(c)] = true
			}
		}
		toks = append(toks, '"')
		machines = append(machines, nfa{toks})
	}
	if !anyStar {
		return nil
	}
	// A state is (machine, position); positions index the next token.
	type state struct{ m, pos int }
	closure := func(set map[state]bool) {
		for s := range set {
			for p := s.pos; p < len(machines[s.m].toks) && machines[s.m].toks[p] == -1; p++ {
				set[state{s.m, p + 1}] = true
			}
		}
	}
	key := func(set map[state]bool) string {
		ids := make([]int, 0, len(set))
		for s := range set {
			ids = append(ids, s.m<<16|s.pos)
		}
		slices.Sort(ids)
		return fmt.Sprint(ids)
	}
	weight := func(set map[state]bool) int {
		n := 0
		for s := range set {
			if s.pos < len(machines[s.m].toks) { // the accepting state is not a live prefix
				n++
			}
		}
		return n
	}
	bytesToTry := []int{-2} // -2 stands for any byte no pattern names
	for b := range alphabet {
		bytesToTry = append(bytesToTry, b)
	}
	slices.Sort(bytesToTry)

	start := map[state]bool{}
	for m := range machines {
		start[state{m, 0}] = true
	}
	closure(start)
	seen := map[string]bool{key(start): true}
	queue := []map[state]bool{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, b := range bytesToTry {
			next := map[state]bool{}
			for s := range cur {
				toks := machines[s.m].toks
				if s.pos >= len(toks) {
					continue
				}
				switch t := toks[s.pos]; {
				case t == -1:
					next[s] = true // '*' consumes any byte and stays
				case t == b:
					next[state{s.m, s.pos + 1}] = true
				}
			}
			if len(next) == 0 {
				continue
			}
			closure(next)
			if weight(next) > wildcardComplexityLimit {
				return errTooComplex
			}
			k := key(next)
			if !seen[k] {
				if len(seen) >= complexitySubsetCap {
					return errTooComplex
				}
				seen[k] = true
				queue = append(queue, next)
			}
		}
	}
	return nil
}
