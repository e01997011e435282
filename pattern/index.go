package pattern

import (
	"bytes"
	"encoding/binary"
)

// fieldIndex finds, for one leaf, the clauses whose access field it may
// satisfy. It may return more clauses than match (they are verified), never
// fewer; a single-field clause reached through an entry that tests its op
// exactly is proven by the hit (exactAccess) and not verified again.
type fieldIndex struct {
	strs    exactSet           // exact strings and wildcards without '*', by value
	folds   exactSet           // caseless keys, by the value's ASCII lower case
	typed   map[string][]int32 // numbers, literals and IP addresses, by typed key
	forms   keyForms           // the forms in typed
	prefix  trie
	suffix  trie // keys reversed
	prefixF trie // caseless keys
	suffixF trie // caseless keys, reversed
	scan    []scanRef
}

type scanRef struct {
	op     *op
	clause int32
}

// exactSet maps values to clauses: a list when small (comparing a few
// values beats hashing one), else a map.
type exactSet struct {
	few []exactEntry
	m   map[string][]int32
}

type exactEntry struct {
	w       uint64 // the key's first eight bytes (wordOf), to reject most keys at once
	key     string
	clauses []int32
}

// wordOf returns the first eight bytes of b as a little-endian word,
// zero-padded.
func wordOf(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var w uint64
	for i := len(b) - 1; i >= 0; i-- {
		w = w<<8 | uint64(b[i])
	}
	return w
}

// maxFewExact is the largest set kept as a list.
const maxFewExact = 8

func (e *exactSet) add(k []byte, c int32) {
	if e.m == nil {
		e.m = map[string][]int32{}
	}
	e.m[string(k)] = append(e.m[string(k)], c)
}

func (e *exactSet) seal() {
	if len(e.m) > 0 && len(e.m) <= maxFewExact {
		for k, cs := range e.m {
			e.few = append(e.few, exactEntry{wordOf([]byte(k)), k, cs})
		}
		e.m = nil
	}
}

func (e *exactSet) empty() bool { return e.few == nil && e.m == nil }

// get returns the clauses of value v.
func (e *exactSet) get(v []byte) []int32 {
	if e.few != nil {
		w := wordOf(v)
		for i := range e.few {
			if f := &e.few[i]; f.w == w && len(f.key) == len(v) && (len(v) <= 8 || f.key[8:] == string(v[8:])) {
				return f.clauses
			}
		}
		return nil
	}
	if e.m == nil {
		return nil
	}
	return e.m[string(v)]
}

// getFold returns the clauses of the caseless key that v's ASCII lower case
// equals, comparing in place when the set is small.
func (e *exactSet) getFold(v *value) []int32 {
	for i := range e.few {
		if f := &e.few[i]; len(f.key) == len(v.str) && asciiLowerEqual(v.str, []byte(f.key)) {
			return f.clauses
		}
	}
	if e.m == nil {
		return nil
	}
	return e.m[string(v.lowered())]
}

// add makes the index yield clause c for leaves that op o may match.
func (x *fieldIndex) add(o *op, c int32) {
	switch {
	case o.kind == opExactString:
		x.strs.add(o.s, c)
		return
	case o.kind == opWildcard && !o.wc[0].hasStar():
		x.strs.add(o.wc[0].segs[0], c)
		return
	case o.kind == opEqualsFold && o.s != nil:
		x.folds.add(o.s, c)
		return
	}
	if k, ok := exactKey(nil, o); ok {
		if x.typed == nil {
			x.typed = map[string][]int32{}
		}
		x.typed[string(k)] = append(x.typed[string(k)], c)
		x.forms |= formOf(k)
		return
	}
	switch o.kind {
	case opPrefix, opPrefixFold:
		// A prefix ending in a quote can match across the value's closing
		// quote; a trie walk would not see that, so scan those.
		if bytes.HasSuffix(o.s, []byte{'"'}) || (o.kind == opPrefixFold && o.s == nil) {
			x.scan = append(x.scan, scanRef{o, c})
		} else if o.kind == opPrefix {
			x.prefix.insert(o.s, c)
		} else {
			x.prefixF.insert(o.s, c)
		}
	case opSuffix, opSuffixFold:
		if bytes.HasPrefix(o.s, []byte{'"'}) || (o.kind == opSuffixFold && o.s == nil) {
			x.scan = append(x.scan, scanRef{o, c})
		} else if o.kind == opSuffix {
			x.suffix.insertReversed(o.s, c)
		} else {
			x.suffixF.insertReversed(o.s, c)
		}
	case opWildcard:
		w := &o.wc[0]
		switch {
		case len(w.literalPrefix()) > 0:
			x.prefix.insert(w.literalPrefix(), c)
		case len(w.literalSuffix()) > 0:
			x.suffix.insertReversed(w.literalSuffix(), c)
		default:
			x.scan = append(x.scan, scanRef{o, c})
		}
	default:
		x.scan = append(x.scan, scanRef{o, c})
	}
}

// exactAccess reports whether a hit through op o's entry (add) means that
// the leaf matches o: true for every entry but a wildcard found through its
// literal prefix or suffix.
func exactAccess(o *op) bool {
	return o.kind != opWildcard || !o.wc[0].hasStar() ||
		(len(o.wc[0].literalPrefix()) == 0 && len(o.wc[0].literalSuffix()) == 0)
}

// seal finishes the index once every clause is added.
func (x *fieldIndex) seal() {
	x.strs.seal()
	x.folds.seal()
}

// candidates adds the clauses whose access field leaf v may satisfy.
func (x *fieldIndex) candidates(v *value, sc *scratch) {
	if v.kind == vString {
		if !x.strs.empty() {
			sc.addCands(x.strs.get(v.str))
		}
		if !x.folds.empty() {
			sc.addCands(x.folds.getFold(v))
		}
		if x.prefix.root != nil {
			x.prefix.eachPrefix(v.str, sc)
		}
		if x.suffix.root != nil {
			x.suffix.eachSuffix(v.str, sc)
		}
		if x.prefixF.root != nil || x.suffixF.root != nil {
			f := v.lowered()
			x.prefixF.eachPrefix(f, sc)
			x.suffixF.eachSuffix(f, sc)
		}
	}
	if x.typed != nil {
		sc.keyA = eachKey(v, x.forms, sc.keyA, func(k []byte) { sc.addCands(x.typed[string(k)]) })
	}
	for i := range x.scan {
		r := &x.scan[i]
		if r.op.match(v) {
			sc.addCand(r.clause)
		}
	}
}
