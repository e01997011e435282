package pattern

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// Early stop. Match stops reading an event as soon as every path some
// pattern refers to has a value and the scanner is outside every array: the
// rest cannot add a leaf the patterns look at, unless it repeats a name.
// Before trusting that, it checks the unread rest (the tail) in one pass:
//
//   - no member name in the tail can lead to a pattern path: no quote in
//     the tail is followed by the name of a child of an object still open
//     (or of one of its ancestors in the pattern trie) and a quote or a
//     dot, which rules out a later duplicate ("a" again) and a dotted name
//     ("a.b") reaching a path already read;
//   - the tail has no backslash, so no escaped name can spell such a name
//     (and strings end at the next quote);
//   - the event is complete: outside strings, the tail closes exactly the
//     objects still open, no string is left open, and the last byte that is
//     not white space is '}'. A prefix of a valid event never passes this,
//     wherever it was cut.
//
// When a check fails, the event is scanned again from the start without
// stopping, so the answer is always that of the full scan: the checks only
// decide whether stopping was safe. What the tail is not checked for is JSON
// syntax beyond brackets, quotes and backslashes (a missing comma goes
// unnoticed), which is what the full scan skips in unused members too.

// watchSet holds the names whose appearance in the tail makes an early stop
// unsafe: the children of a trie node and of its ancestors.
type watchSet struct {
	names []string
	first [256]bool // first bytes of names ('"' and '.' for the empty name)
	// Up to four distinct first bytes for the vector scan; more set all,
	// and every quote is checked.
	cands [4]byte
	all   bool
}

// buildWatch sets the watch set of every node that has children.
func buildWatch(n *pathNode, parent *watchSet) {
	if !n.hasChildren() {
		return
	}
	w := &watchSet{}
	if parent != nil {
		w.names = slices.Clone(parent.names)
	}
	n.children(func(c *pathNode) {
		if !slices.Contains(w.names, c.seg) {
			w.names = append(w.names, c.seg)
		}
	})
	var firsts []byte
	for _, name := range w.names {
		bs := []byte{'"', '.'}
		if name != "" {
			bs = []byte{name[0]}
		}
		for _, b := range bs {
			if !w.first[b] {
				w.first[b] = true
				firsts = append(firsts, b)
			}
		}
	}
	w.all = len(firsts) > len(w.cands)
	for i := range w.cands {
		w.cands[i] = firsts[min(i, len(firsts)-1)]
	}
	n.watch = w
	n.children(func(c *pathNode) { buildWatch(c, w) })
}

// watched reports whether a string whose bytes start at s names a watched
// member: a name followed by the closing quote or a dot.
func (w *watchSet) watched(s []byte) bool {
	if len(s) == 0 || !w.first[s[0]] {
		return false
	}
	for _, n := range w.names {
		if len(s) > len(n) && string(s[:len(n)]) == n && (s[len(n)] == '"' || s[len(n)] == '.') {
			return true
		}
	}
	return false
}

// tailState is the state of the tail check between blocks: the next
// offset, the brackets opened less those closed outside strings, and
// whether the offset is inside a string (all ones in the low 32 bits, as
// the vector scan keeps it, or 0).
type tailState struct {
	i     int
	net   int
	inStr uint64
	mask  uint64 // after tailSuspect: quotes to look behind, from at
	at    int
}

// What the vector scan stopped at.
const (
	tailDone    = iota // the end of the tail
	tailEscape         // a backslash
	tailSuspect        // quotes that may start a watched name
)

// tailOK reports whether stopping before tail, with depth objects open and
// the names of w watched, gives the full scan's answer (see above).
func tailOK(tail []byte, depth int, w *watchSet) bool { return tailCheck(tail, depth, w, true) }

// tailCheck is tailOK, with the vector scan (vector_amd64.s) or, without
// vector, a byte at a time (tested against each other).
func tailCheck(tail []byte, depth int, w *watchSet, vector bool) bool {
	st := tailState{}
	for vector && earlyStop && len(tail) >= minVectorTail {
		r := tailBlocks(tail, &st, w)
		if r == tailEscape {
			return false
		}
		if r == tailDone {
			break
		}
		for m := st.mask; m != 0; m &= m - 1 {
			if w.watched(tail[st.at+bits.TrailingZeros64(m)+1:]) {
				return false
			}
		}
	}
	if !tailBytes(tail, &st, len(tail), w) || st.inStr != 0 || st.net != -depth {
		return false
	}
	e := len(tail) - 1
	for e >= 0 && (tail[e] == ' ' || tail[e] == '\t' || tail[e] == '\n' || tail[e] == '\r') {
		e--
	}
	return e >= 0 && tail[e] == '}'
}

// tailBytes checks tail[st.i:end], eight bytes at a time where nothing in
// them matters.
func tailBytes(tail []byte, st *tailState, end int, w *watchSet) bool {
	i := st.i
	for i < end {
		for i+8 <= end {
			x := binary.LittleEndian.Uint64(tail[i:])
			var stop uint64
			if st.inStr != 0 {
				stop = stringStop(x)
			} else {
				y := x | bit5
				stop = stringStop(x) | zeroBytes(y^opens) | zeroBytes(y^closes)
			}
			if stop != 0 {
				break
			}
			i += 8
		}
		if i >= end {
			break
		}
		c := tail[i]
		switch {
		case c == '\\':
			return false
		case c == '"':
			// Every quote, not only those opening a string, as the
			// vector scan tests them.
			if w.watched(tail[i+1:]) {
				return false
			}
			st.inStr ^= 0xffffffff
		case st.inStr != 0:
		case c == '{' || c == '[':
			st.net++
		case c == '}' || c == ']':
			st.net--
		}
		i++
	}
	st.i = i
	return true
}
