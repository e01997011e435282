package pattern

// Seeking the members that matter. In an object whose path has children in
// the pattern trie, only a member whose name starts with the first byte of a
// child's segment can lead to a pattern path. seekMember skips the others
// with one vector pass over their bytes instead of reading each name and
// value: from a member name's opening quote at the object's top level, it
// finds the next string at that level that starts with one of those bytes
// (a name, or a value, which the caller recognises by the colon before it),
// or the end of the object. It gives up (seekBail) at a backslash, since an
// escaped name could spell anything: the caller then reads the members one
// by one, as it does without AVX2.

// What seekMember found.
const (
	seekQuote = iota // a string at the object's level starting with a candidate byte
	seekEnd          // the object's closing bracket
	seekBail         // a backslash: read member by member
	seekEOF          // the end of the event, inside the object
	seekMore         // (vector scan only) the last bytes are left to seekBytes
)

// seekState is the state of seekMember between the vector scan and the
// byte loop: the next offset, the nesting depth below the object's level,
// and whether the offset is inside a string (all ones in the low 32 bits,
// or 0).
type seekState struct {
	i     int
	depth int
	inStr uint64
}

// seekSet is what seekMember looks for below a trie node: the first bytes
// of its children's segments (the empty segment's are '"' and '.'), at most
// four of them.
type seekSet struct {
	cands [4]byte
	first [256]bool
}

// maxSeekCands bounds the first bytes a node may seek; with more, its
// members are read one by one.
const maxSeekCands = 4

// newSeekSet returns the seek set of n, or nil if n has too many first
// bytes (or keeps its children in a map).
func newSeekSet(n *pathNode) *seekSet {
	if n.kids == nil {
		return nil
	}
	s := &seekSet{}
	var firsts []byte
	for _, k := range n.kids {
		bs := []byte{'"', '.'}
		if k.n.seg != "" {
			bs = []byte{k.n.seg[0]}
		}
		for _, b := range bs {
			if !s.first[b] {
				s.first[b] = true
				firsts = append(firsts, b)
			}
		}
	}
	if len(firsts) > maxSeekCands {
		return nil
	}
	for i := range s.cands {
		s.cands[i] = firsts[min(i, len(firsts)-1)]
	}
	return s
}

// seekMember returns the index of the next string at the object's level
// starting with a candidate byte, or of the object's closing bracket, from
// s[i], a member name's opening quote at that level.
// On seekBail it returns i, where the caller resumes.
func seekMember(s []byte, i int, w *seekSet) (int, int) {
	st := seekState{i: i}
	j, kind := st.i, seekMore
	if earlyStop && len(s)-i > minVectorSeek {
		j, kind = seekBlocks(s, &st, w)
	}
	if kind == seekMore {
		j, kind = seekBytes(s, &st, w)
	}
	if kind == seekBail {
		return i, kind
	}
	return j, kind
}

// seekBytes is seekMember a byte at a time, from the state st.
func seekBytes(s []byte, st *seekState, w *seekSet) (int, int) {
	depth, inStr := st.depth, st.inStr != 0
	for i := st.i; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch c {
			case '"':
				inStr = false
			case '\\':
				return i, seekBail
			}
			continue
		}
		switch c {
		case '"':
			if depth == 0 && i+1 < len(s) && w.first[s[i+1]] {
				return i, seekQuote
			}
			inStr = true
		case '\\':
			return i, seekBail
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, seekEnd
			}
			depth--
		}
	}
	return len(s), seekEOF
}
