package pattern

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// pathNode is one step of a dotted path that some pattern refers to.
type pathNode struct {
	id       int32
	seg      string
	children []*pathNode          // few children: linear search is fastest
	childMap map[string]*pathNode // many children
	used     bool                 // some field sits at exactly this path
	idx      *fieldIndex          // access index of clauses that chose this field
}

const childMapThreshold = 8

// child follows an event member name; a name with dots walks several
// segments, because AWS treats {"a.b": 1} and {"a": {"b": 1}} alike.
func (n *pathNode) child(key []byte) *pathNode {
	cur := n
	for {
		i := bytes.IndexByte(key, '.')
		if i < 0 {
			return cur.child1(key)
		}
		if cur = cur.child1(key[:i]); cur == nil {
			return nil
		}
		key = key[i+1:]
	}
}

func (n *pathNode) child1(seg []byte) *pathNode {
	if n.childMap != nil {
		return n.childMap[string(seg)]
	}
	for _, c := range n.children {
		if c.seg == string(seg) {
			return c
		}
	}
	return nil
}

func (n *pathNode) ensure(seg string, nodes *[]*pathNode) *pathNode {
	if c := n.child1([]byte(seg)); c != nil {
		return c
	}
	c := &pathNode{id: int32(len(*nodes)), seg: seg}
	*nodes = append(*nodes, c)
	if n.childMap != nil {
		n.childMap[seg] = c
		return c
	}
	n.children = append(n.children, c)
	if len(n.children) > childMapThreshold {
		n.childMap = make(map[string]*pathNode, len(n.children))
		for _, x := range n.children {
			n.childMap[x.seg] = x
		}
		n.children = nil
	}
	return c
}

// mfield and mclause are a compiled clause bound to trie nodes.
type mfield struct {
	node   int32
	ops    []op
	absent bool
}

func (f *mfield) match(v *value) bool {
	for i := range f.ops {
		if f.ops[i].match(v) {
			return true
		}
	}
	return false
}

type mclause struct {
	pat    int32
	fields []mfield
}

// machine is an immutable snapshot of every pattern, indexed for matching.
type machine struct {
	root     *pathNode
	nodes    []*pathNode
	clauses  []mclause
	names    []string
	absently []int32 // clauses with no positive field: candidates for every event
}

// fieldIndex finds, for one leaf, the clauses whose access field it may
// satisfy. It may return more clauses than match (they are verified), never
// fewer.
type fieldIndex struct {
	exact   map[string][]int32
	numbers map[float64][]int32
	numText map[string][]int32 // numbers outside float64's finite range
	lits    [3][]int32         // true, false, null
	ips     map[string][]int32
	fold    map[string][]int32
	prefix  trie
	suffix  trie // keys reversed
	prefixF trie // folded
	suffixF trie // folded, reversed
	scan    []scanRef
}

type scanRef struct {
	op     *op
	clause int32
}

func addRef(m *map[string][]int32, k string, c int32) {
	if *m == nil {
		*m = map[string][]int32{}
	}
	(*m)[k] = append((*m)[k], c)
}

// add makes the index yield clause c for leaves that op o may match.
func (x *fieldIndex) add(o *op, c int32) {
	switch o.kind {
	case opExactString:
		addRef(&x.exact, string(o.s), c)
	case opExactNumber:
		if o.fOK {
			if x.numbers == nil {
				x.numbers = map[float64][]int32{}
			}
			k := o.f
			if k == 0 {
				k = 0 // -0 and 0 are one key
			}
			x.numbers[k] = append(x.numbers[k], c)
		} else {
			addRef(&x.numText, o.text, c)
		}
	case opExactLiteral:
		x.lits[o.lit-vTrue] = append(x.lits[o.lit-vTrue], c)
	case opExactIP:
		addRef(&x.ips, string(o.ipLo), c)
	case opEqualsFold:
		addRef(&x.fold, string(o.s), c)
	case opPrefix, opPrefixFold:
		// A prefix ending in a quote can match across the value's closing
		// quote; a trie walk would not see that, so scan those.
		if bytes.HasSuffix(o.s, []byte{'"'}) {
			x.scan = append(x.scan, scanRef{o, c})
		} else if o.kind == opPrefix {
			x.prefix.insert(o.s, c)
		} else {
			x.prefixF.insert(o.s, c)
		}
	case opSuffix, opSuffixFold:
		if bytes.HasPrefix(o.s, []byte{'"'}) {
			x.scan = append(x.scan, scanRef{o, c})
		} else if o.kind == opSuffix {
			x.suffix.insertReversed(o.s, c)
		} else {
			x.suffixF.insertReversed(o.s, c)
		}
	case opWildcard:
		w := &o.wc[0]
		switch {
		case !w.hasStar():
			addRef(&x.exact, string(w.segs[0]), c)
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

// accessCost ranks how selective an op is as an access path: lower is
// better. Ops that only a scan can find cost the most.
func accessCost(o *op) int {
	switch o.kind {
	case opExactString, opExactNumber, opExactLiteral, opExactIP, opEqualsFold:
		return 1
	case opPrefix, opSuffix, opPrefixFold, opSuffixFold:
		return 2
	case opWildcard:
		if !o.wc[0].hasStar() || len(o.wc[0].literalPrefix()) > 0 || len(o.wc[0].literalSuffix()) > 0 {
			return 3
		}
	}
	return 10
}

// opKey identifies an op's index entry, to count how many clauses share it.
func opKey(node int32, o *op) string {
	b := strconv.AppendInt(nil, int64(node), 10)
	b = append(b, ':', byte(o.kind), ':')
	switch o.kind {
	case opExactNumber:
		if o.fOK {
			b = strconv.AppendUint(b, math.Float64bits(o.f), 16)
		} else {
			b = append(b, o.text...)
		}
	case opExactLiteral:
		b = append(b, byte(o.lit))
	case opExactIP:
		b = append(b, o.ipLo...)
	default:
		b = append(b, o.s...)
	}
	return string(b)
}

// build indexes every pattern. Each clause is reachable from exactly one of
// its positive fields, its access field, chosen to be selective: an exact
// value shared by few other clauses beats a prefix, which beats a scan.
func build(entries []*patEntry) *machine {
	m := &machine{root: &pathNode{id: 0}}
	m.nodes = []*pathNode{m.root}
	for pi, e := range entries {
		m.names = append(m.names, e.name)
		for _, cp := range e.patterns {
			for _, cl := range cp.clauses {
				mc := mclause{pat: int32(pi)}
				for _, f := range cl.fields {
					n := m.root
					for _, seg := range strings.Split(f.path, ".") {
						n = n.ensure(seg, &m.nodes)
					}
					n.used = true
					mc.fields = append(mc.fields, mfield{node: n.id, ops: f.ops, absent: f.absent})
				}
				m.clauses = append(m.clauses, mc)
			}
		}
	}
	shared := map[string]int{}
	for ci := range m.clauses {
		for fi := range m.clauses[ci].fields {
			f := &m.clauses[ci].fields[fi]
			for oi := range f.ops {
				shared[opKey(f.node, &f.ops[oi])]++
			}
		}
	}
	for ci := range m.clauses {
		c := &m.clauses[ci]
		best, bestCost, bestShare := -1, 0, 0
		for fi := range c.fields {
			f := &c.fields[fi]
			if f.absent {
				continue
			}
			cost, share := 0, 0
			for oi := range f.ops {
				cost = max(cost, accessCost(&f.ops[oi]))
				share += shared[opKey(f.node, &f.ops[oi])]
			}
			if best < 0 || cost < bestCost || (cost == bestCost && share < bestShare) {
				best, bestCost, bestShare = fi, cost, share
			}
		}
		if best < 0 {
			m.absently = append(m.absently, int32(ci))
			continue
		}
		f := &c.fields[best]
		n := m.nodes[f.node]
		if n.idx == nil {
			n.idx = &fieldIndex{}
		}
		for oi := range f.ops {
			n.idx.add(&f.ops[oi], int32(ci))
		}
	}
	return m
}

// trie maps byte strings to clauses, for prefix and suffix lookups.
type trie struct{ root *trieNode }

type trieNode struct {
	keys  []byte
	next  []*trieNode
	items []int32
}

func (t *trie) insert(key []byte, c int32) {
	if t.root == nil {
		t.root = &trieNode{}
	}
	n := t.root
	for _, b := range key {
		n = n.step(b, true)
	}
	n.items = append(n.items, c)
}

func (t *trie) insertReversed(key []byte, c int32) {
	if t.root == nil {
		t.root = &trieNode{}
	}
	n := t.root
	for i := len(key) - 1; i >= 0; i-- {
		n = n.step(key[i], true)
	}
	n.items = append(n.items, c)
}

func (n *trieNode) step(b byte, create bool) *trieNode {
	for i, k := range n.keys {
		if k == b {
			return n.next[i]
		}
	}
	if !create {
		return nil
	}
	c := &trieNode{}
	n.keys = append(n.keys, b)
	n.next = append(n.next, c)
	return c
}

// eachPrefix calls fn with the items of every key that is a prefix of v.
func (t *trie) eachPrefix(v []byte, sc *scratch) {
	n := t.root
	if n == nil {
		return
	}
	sc.addCands(n.items)
	for _, b := range v {
		if n = n.step(b, false); n == nil {
			return
		}
		sc.addCands(n.items)
	}
}

// eachSuffix calls fn with the items of every key that is a suffix of v.
func (t *trie) eachSuffix(v []byte, sc *scratch) {
	n := t.root
	if n == nil {
		return
	}
	sc.addCands(n.items)
	for i := len(v) - 1; i >= 0; i-- {
		if n = n.step(v[i], false); n == nil {
			return
		}
		sc.addCands(n.items)
	}
}

// candidates adds the clauses whose access field leaf l may satisfy.
func (x *fieldIndex) candidates(v *value, sc *scratch) {
	switch v.kind {
	case vString:
		if x.exact != nil {
			sc.addCands(x.exact[string(v.str)])
		}
		if x.ips != nil {
			if ip, ok := v.ipAddr(); ok {
				sc.addCands(x.ips[string(ip)])
			}
		}
		x.prefix.eachPrefix(v.str, sc)
		x.suffix.eachSuffix(v.str, sc)
		if x.fold != nil || x.prefixF.root != nil || x.suffixF.root != nil {
			f := v.foldedString()
			if x.fold != nil {
				sc.addCands(x.fold[string(f)])
			}
			x.prefixF.eachPrefix(f, sc)
			x.suffixF.eachSuffix(f, sc)
		}
	case vNumber:
		if x.numbers != nil && v.numOK {
			k := v.num
			if k == 0 {
				k = 0
			}
			sc.addCands(x.numbers[k])
		}
		if x.numText != nil {
			sc.addCands(x.numText[string(v.str)])
		}
	default:
		sc.addCands(x.lits[v.kind-vTrue])
	}
	for i := range x.scan {
		r := &x.scan[i]
		if r.op.match(v) {
			sc.addCand(r.clause)
		}
	}
}
