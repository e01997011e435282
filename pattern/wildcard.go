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
// measure it in the spirit of event-ruler's MachineComplexityEvaluator:
// simulate the union NFA of the field's wildcard patterns (in quoted form,
// as event-ruler sees values) over every input and take the largest number
// of simultaneously live positions. The limit is set so that AWS's published
// answers hold: "*:*:*:*:*:event-bus/*" (13) is rejected while
// "/Users/*/dir/dir/dir/dir/dir/doc.txt" (8) and five unrepeated wildcards
// (11) are accepted.

const (
	wildcardComplexityLimit = 12
	complexitySubsetCap     = 4096 // bound on explored NFA subsets
)

var errTooComplex = fmt.Errorf("Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character")

// checkWildcardComplexity returns errTooComplex when the wildcards of one
// field exceed the limit.
func checkWildcardComplexity(ws []*wildcard) error {
	// One '*' keeps at most the star's state and one state per byte after
	// it (and the closing quote) alive: when that is within the limit,
	// there is nothing to simulate. Most wildcards are like that.
	if len(ws) == 1 && len(ws[0].segs) == 2 && len(ws[0].segs[1])+3 <= wildcardComplexityLimit {
		return nil
	}
	if wildcardComplexity(ws, wildcardComplexityLimit) > wildcardComplexityLimit {
		return errTooComplex
	}
	return nil
}

// wildcardComplexity returns the largest number of simultaneously live
// partial matches, or a number above limit as soon as it exceeds it.
func wildcardComplexity(ws []*wildcard, limit int) int {
	// Token streams: quote, pattern bytes (-1 for '*'), quote. A state is
	// machine<<16 | position of the next token.
	var machines [][]int
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
		machines = append(machines, append(toks, '"'))
		if len(machines) > 1<<15 || len(toks) > 1<<15 {
			return limit + 1
		}
	}
	if !anyStar {
		return 0
	}
	// closed adds the states reachable through '*' without input, sorted.
	closed := func(set []uint32) []uint32 {
		for i := 0; i < len(set); i++ {
			m, pos := set[i]>>16, int(set[i]&0xffff)
			if toks := machines[m]; pos < len(toks) && toks[pos] == -1 {
				if nx := set[i] + 1; !slices.Contains(set, nx) {
					set = append(set, nx)
				}
			}
		}
		slices.Sort(set)
		return set
	}
	live := func(set []uint32) int { // the accepting state is not a live prefix
		n := 0
		for _, s := range set {
			if int(s&0xffff) < len(machines[s>>16]) {
				n++
			}
		}
		return n
	}
	key := func(set []uint32) string {
		b := make([]byte, 0, 4*len(set))
		for _, s := range set {
			b = append(b, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
		}
		return string(b)
	}
	bytesToTry := []int{-2} // -2 stands for any byte no pattern names
	for b := range alphabet {
		bytesToTry = append(bytesToTry, b)
	}
	slices.Sort(bytesToTry)

	var start []uint32
	for m := range machines {
		start = append(start, uint32(m)<<16)
	}
	start = closed(start)
	best := live(start)
	seen := map[string]bool{key(start): true}
	queue := [][]uint32{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, b := range bytesToTry {
			var next []uint32
			for _, s := range cur {
				toks := machines[s>>16]
				pos := int(s & 0xffff)
				if pos >= len(toks) {
					continue
				}
				switch t := toks[pos]; {
				case t == -1: // '*' consumes any byte and stays
					next = append(next, s)
				case t == b:
					next = append(next, s+1)
				}
			}
			if len(next) == 0 {
				continue
			}
			next = closed(slices.Compact(next))
			w := live(next)
			if w > limit {
				return w
			}
			best = max(best, w)
			if k := key(next); !seen[k] {
				if len(seen) >= complexitySubsetCap {
					return limit + 1
				}
				seen[k] = true
				queue = append(queue, next)
			}
		}
	}
	return best
}
