package pattern

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
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
// Segments never contain dots, so a direct hit needs no splitting.
func (n *pathNode) child(key []byte) *pathNode {
	if c := n.child1(key); c != nil {
		return c
	}
	var dot int
	if n.childMap == nil {
		// Only a key that starts with a child's segment and a dot can lead
		// anywhere; checking that is cheaper than looking for dots.
		dot = -1
		for _, c := range n.children {
			if l := len(c.seg); len(key) > l && key[l] == '.' && string(key[:l]) == c.seg {
				dot = l
				break
			}
		}
	} else {
		dot = bytes.IndexByte(key, '.')
	}
	if dot < 0 {
		return nil
	}
	cur := n.child1(key[:dot])
	for cur != nil {
		key = key[dot+1:]
		dot = bytes.IndexByte(key, '.')
		if dot < 0 {
			return cur.child1(key)
		}
		cur = cur.child1(key[:dot])
	}
	return nil
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
	absent bool
	preds  []int32 // the field's alternatives, in machine.preds
	ops    []op    // the same, used while building
}

// pred is one distinct (path, matcher) of all the patterns: clauses that
// test the same thing share it, so each is evaluated once per event.
type pred struct {
	node int32
	op   op
}

type mclause struct {
	pat     int32
	implied uint64   // fields (by index) its access entry already proved
	fields  []mfield // in path order, which array consistency needs
	order   []int32  // field indexes, most selective first, to fail fast
}

// machine is an immutable snapshot of every pattern, indexed for matching.
type machine struct {
	root     *pathNode
	nodes    []*pathNode
	clauses  []mclause
	names    []string
	preds    []pred
	pairs    []*pairIndex // clauses found through two exact fields at once
	absently []int32      // clauses with no positive field: candidates for every event
}

// Exact keys. Every op that selects exactly one value (an exact string,
// number or literal, an IP, an equals-ignore-case string) has a key, and so
// does every form of an event leaf, so one map lookup finds them.
const (
	keyString  = 's'
	keyNumber  = 'n' // float64 bits
	keyNumText = 't' // number literal outside float64's range
	keyLiteral = 'l'
	keyFold    = 'f'
	keyIP      = 'i'
)

// exactKey returns the key of an exact-class op.
func exactKey(dst []byte, o *op) ([]byte, bool) {
	switch o.kind {
	case opExactString:
		return append(append(dst, keyString), o.s...), true
	case opWildcard:
		if o.wc[0].hasStar() {
			return dst, false
		}
		return append(append(dst, keyString), o.wc[0].segs[0]...), true
	case opExactNumber:
		if o.fOK {
			return numberKey(dst, o.f), true
		}
		return append(append(dst, keyNumText), o.text...), true
	case opExactLiteral:
		return append(dst, keyLiteral, byte(o.lit)), true
	case opEqualsFold:
		return append(append(dst, keyFold), o.s...), true
	case opExactIP:
		return append(append(dst, keyIP), o.ipLo...), true
	}
	return dst, false
}

func numberKey(dst []byte, f float64) []byte {
	if f == 0 {
		f = 0 // -0 and 0 are one value
	}
	b := math.Float64bits(f)
	return append(dst, keyNumber, byte(b>>56), byte(b>>48), byte(b>>40), byte(b>>32), byte(b>>24), byte(b>>16), byte(b>>8), byte(b))
}

// keyForms says which key forms a node's exact entries use, so a leaf is
// looked up only in forms that can hit.
type keyForms uint8

const (
	formString keyForms = 1 << iota
	formNumber
	formNumText
	formLiteral
	formFold
	formIP
)

func formOf(key []byte) keyForms {
	switch key[0] {
	case keyString:
		return formString
	case keyNumber:
		return formNumber
	case keyNumText:
		return formNumText
	case keyLiteral:
		return formLiteral
	case keyFold:
		return formFold
	default:
		return formIP
	}
}

// eachKey calls fn with every key of leaf value v in the given forms. The
// key bytes are only valid during the call.
func eachKey(v *value, forms keyForms, buf []byte, fn func(key []byte)) []byte {
	switch v.kind {
	case vString:
		if forms&formString != 0 {
			buf = append(append(buf[:0], keyString), v.str...)
			fn(buf)
		}
		if forms&formFold != 0 {
			buf = append(append(buf[:0], keyFold), v.foldedString()...)
			fn(buf)
		}
		if forms&formIP != 0 {
			if ip, ok := v.ipAddr(); ok {
				buf = append(append(buf[:0], keyIP), ip...)
				fn(buf)
			}
		}
	case vNumber:
		if forms&formNumber != 0 && v.numOK {
			buf = numberKey(buf[:0], v.num)
			fn(buf)
		}
		if forms&formNumText != 0 {
			buf = append(append(buf[:0], keyNumText), v.str...)
			fn(buf)
		}
	default:
		if forms&formLiteral != 0 {
			buf = append(buf[:0], keyLiteral, byte(v.kind))
			fn(buf)
		}
	}
	return buf
}

// fieldIndex finds, for one leaf, the clauses whose access field it may
// satisfy. It may return more clauses than match (they are verified), never
// fewer.
type fieldIndex struct {
	exact   map[string][]int32
	few     []exactEntry // exact as a list when it is small: faster than hashing
	forms   keyForms
	prefix  trie
	suffix  trie // keys reversed
	prefixF trie // folded
	suffixF trie // folded, reversed
	scan    []scanRef
}

type exactEntry struct {
	key     string
	clauses []int32
}

// maxFewExact is the largest exact map kept as a list.
const maxFewExact = 8

// lookup returns the clauses of exact key k.
func (x *fieldIndex) lookup(k []byte) []int32 {
	if x.few != nil {
		for i := range x.few {
			if e := &x.few[i]; len(e.key) == len(k) && e.key == string(k) {
				return e.clauses
			}
		}
		return nil
	}
	return x.exact[string(k)]
}

// seal finishes the index once every clause is added.
func (x *fieldIndex) seal() {
	if len(x.exact) > 0 && len(x.exact) <= maxFewExact {
		for k, cs := range x.exact {
			x.few = append(x.few, exactEntry{k, cs})
		}
	}
}

type scanRef struct {
	op     *op
	clause int32
}

// add makes the index yield clause c for leaves that op o may match.
func (x *fieldIndex) add(o *op, c int32) {
	if k, ok := exactKey(nil, o); ok {
		if x.exact == nil {
			x.exact = map[string][]int32{}
		}
		x.exact[string(k)] = append(x.exact[string(k)], c)
		x.forms |= formOf(k)
		return
	}
	switch o.kind {
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

// pairIndex finds clauses through the values of two fields at once, for
// clauses whose most selective fields are both exact: a GuardDuty type and a
// region, a control id and an account.
type pairIndex struct {
	a, b   int32 // nodes, a < b
	formsA keyForms
	formsB keyForms
	m      map[string][]int32 // pairKey(keyA, keyB)
}

func pairKey(dst, ka, kb []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ka)))
	return append(append(dst, ka...), kb...)
}

// candidates adds the clauses both of whose fields the event's leaves hit.
func (p *pairIndex) candidates(sc *scratch) {
	ha, hb := sc.head(p.a), sc.head(p.b)
	if ha < 0 || hb < 0 {
		return
	}
	for la := ha; la >= 0; la = sc.leaves[la].next {
		sc.keyA = eachKey(&sc.leaves[la].value, p.formsA, sc.keyA, func(ka []byte) {
			for lb := hb; lb >= 0; lb = sc.leaves[lb].next {
				sc.keyB = eachKey(&sc.leaves[lb].value, p.formsB, sc.keyB, func(kb []byte) {
					sc.keyP = pairKey(sc.keyP[:0], ka, kb)
					sc.addCands(p.m[string(sc.keyP)])
				})
			}
		})
	}
}

// accessCost ranks how loosely an op's index entry selects: lower is
// better.
func accessCost(o *op) int {
	if _, ok := exactKey(nil, o); ok {
		return 1
	}
	switch o.kind {
	case opPrefix, opSuffix, opPrefixFold, opSuffixFold:
		return 2
	case opWildcard:
		if len(o.wc[0].literalPrefix()) > 0 || len(o.wc[0].literalSuffix()) > 0 {
			return 3
		}
	}
	return scanCost
}

// scanCost is the access cost of ops that only a scan of the node's list
// can find.
const scanCost = 10

// shareKey identifies an op's index entry, to count how many clauses share
// it. Ops found by scanning share one entry per node.
func shareKey(node int32, o *op) string {
	b := strconv.AppendInt(nil, int64(node), 10)
	b = append(b, ':')
	if k, ok := exactKey(b, o); ok {
		return string(k)
	}
	switch o.kind {
	case opPrefix, opSuffix, opPrefixFold, opSuffixFold:
		b = append(append(b, byte(o.kind)), o.s...)
	case opWildcard:
		if p := o.wc[0].literalPrefix(); len(p) > 0 {
			b = append(append(b, 'p'), p...)
		} else if sfx := o.wc[0].literalSuffix(); len(sfx) > 0 {
			b = append(append(b, 'x'), sfx...)
		} else {
			b = append(b, "scan"...)
		}
	default:
		b = append(b, "scan"...)
	}
	return string(b)
}

// maxPairKeys bounds the entries a clause may put in a pair index (fields
// listing several values multiply).
const maxPairKeys = 16

// exactKeys returns the keys of a field whose ops are all exact-class.
func exactKeys(f *mfield) ([]string, bool) {
	if f.absent {
		return nil, false
	}
	var ks []string
	for i := range f.ops {
		k, ok := exactKey(nil, &f.ops[i])
		if !ok {
			return nil, false
		}
		ks = append(ks, string(k))
	}
	return ks, true
}

// build indexes every pattern. Each clause is found through its cheapest
// access: one positive field (an exact value shared by few other clauses
// beats a prefix, which beats a scan), or two exact fields together when
// each alone is shared by many clauses.
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
	predIDs := map[string]int32{}
	for ci := range m.clauses {
		for fi := range m.clauses[ci].fields {
			f := &m.clauses[ci].fields[fi]
			for oi := range f.ops {
				k := predKey(f.node, &f.ops[oi])
				id, ok := predIDs[k]
				if !ok {
					id = int32(len(m.preds))
					predIDs[k] = id
					m.preds = append(m.preds, pred{node: f.node, op: f.ops[oi]})
				}
				f.preds = append(f.preds, id)
			}
		}
	}
	// shared counts the clauses that would find a leaf through the same
	// entry; for ops only a scan can find, every scanned op on the node
	// counts. pairShared does the same for pairs of exact fields.
	shared := map[string]int{}
	pairShared := map[string]int{}
	type pairChoice struct {
		a, b *mfield
		keys []string
	}
	for ci := range m.clauses {
		c := &m.clauses[ci]
		for fi := range c.fields {
			f := &c.fields[fi]
			for oi := range f.ops {
				shared[shareKey(f.node, &f.ops[oi])]++
			}
		}
		forEachPair(c, func(a, b *mfield, keys []string) {
			for _, k := range keys {
				pairShared[k]++
			}
		})
	}
	for ci := range m.clauses {
		c := &m.clauses[ci]
		sel := make([]int, len(c.fields))
		c.order = make([]int32, len(c.fields))
		for fi := range c.fields {
			f := &c.fields[fi]
			c.order[fi] = int32(fi)
			for oi := range f.ops {
				sel[fi] += accessCost(&f.ops[oi]) * shared[shareKey(f.node, &f.ops[oi])]
			}
			if f.absent {
				sel[fi] = math.MaxInt32 // cheap to check, but rarely decisive
			}
		}
		slices.SortStableFunc(c.order, func(a, b int32) int { return sel[a] - sel[b] })
	}
	pairs := map[[2]int32]*pairIndex{}
	for ci := range m.clauses {
		c := &m.clauses[ci]
		best, bestCost := -1, 0
		for fi := range c.fields {
			f := &c.fields[fi]
			if f.absent {
				continue
			}
			// The expected work of finding this clause through field f: the
			// clauses sharing each of its index entries, weighted by how
			// loosely the entry selects.
			cost := 0
			for oi := range f.ops {
				o := &f.ops[oi]
				cost += accessCost(o) * shared[shareKey(f.node, o)]
			}
			if best < 0 || cost < bestCost {
				best, bestCost = fi, cost
			}
		}
		if best < 0 {
			m.absently = append(m.absently, int32(ci))
			continue
		}
		// A pair lookup costs about two single ones.
		var pc *pairChoice
		pairCost := bestCost
		forEachPair(c, func(a, b *mfield, keys []string) {
			cost := 2 * len(keys)
			for _, k := range keys {
				cost += pairShared[k]
			}
			if cost < pairCost {
				pairCost = cost
				pc = &pairChoice{a, b, keys}
			}
		})
		if pc != nil {
			id := [2]int32{pc.a.node, pc.b.node}
			p := pairs[id]
			if p == nil {
				p = &pairIndex{a: pc.a.node, b: pc.b.node, m: map[string][]int32{}}
				pairs[id] = p
				m.pairs = append(m.pairs, p)
			}
			for _, k := range pc.keys {
				p.m[k] = append(p.m[k], int32(ci))
			}
			c.implied |= fieldBit(c, pc.a) | fieldBit(c, pc.b)
			for oi := range pc.a.ops {
				k, _ := exactKey(nil, &pc.a.ops[oi])
				p.formsA |= formOf(k)
			}
			for oi := range pc.b.ops {
				k, _ := exactKey(nil, &pc.b.ops[oi])
				p.formsB |= formOf(k)
			}
			continue
		}
		f := &c.fields[best]
		n := m.nodes[f.node]
		if n.idx == nil {
			n.idx = &fieldIndex{}
		}
		for _, pid := range f.preds {
			n.idx.add(&m.preds[pid].op, int32(ci))
		}
		if _, exact := exactKeys(f); exact {
			c.implied |= fieldBit(c, f)
		}
	}
	for _, n := range m.nodes {
		if n.idx != nil {
			n.idx.seal()
		}
	}
	m.compact()
	return m
}

// fieldBit is the implied bit of field f of c (fields past 64 get none).
func fieldBit(c *mclause, f *mfield) uint64 {
	for i := range c.fields {
		if &c.fields[i] == f && i < 64 {
			return 1 << i
		}
	}
	return 0
}

// compact moves every clause's fields, pred lists and order into shared
// arrays, so that verifying a candidate touches one or two cache lines.
func (m *machine) compact() {
	nf, np := 0, 0
	for ci := range m.clauses {
		nf += len(m.clauses[ci].fields)
		for _, f := range m.clauses[ci].fields {
			np += len(f.preds)
		}
	}
	fields := make([]mfield, 0, nf)
	order := make([]int32, 0, nf)
	preds := make([]int32, 0, np)
	for ci := range m.clauses {
		c := &m.clauses[ci]
		start := len(fields)
		for _, f := range c.fields {
			ps := len(preds)
			preds = append(preds, f.preds...)
			fields = append(fields, mfield{node: f.node, absent: f.absent, preds: preds[ps:len(preds):len(preds)]})
		}
		c.fields = fields[start:len(fields):len(fields)]
		os := len(order)
		order = append(order, c.order...)
		c.order = order[os:len(order):len(order)]
	}
}

// predKey identifies a matcher exactly, so equal ones share a pred.
func predKey(node int32, o *op) string {
	b := strconv.AppendInt(nil, int64(node), 10)
	b = append(b, '|', byte(o.kind), byte(o.lit))
	b = strconv.AppendQuote(b, string(o.s))
	b = strconv.AppendQuote(b, o.text)
	b = strconv.AppendBool(b, o.fOK)
	for _, f := range []float64{o.f, o.lo, o.hi} {
		b = strconv.AppendUint(append(b, ','), math.Float64bits(f), 16)
	}
	b = strconv.AppendBool(b, o.loX)
	b = strconv.AppendBool(b, o.hiX)
	b = strconv.AppendQuote(b, string(o.ipLo))
	b = strconv.AppendQuote(b, string(o.ipHi))
	for _, x := range o.set {
		b = strconv.AppendQuote(b, string(x))
	}
	b = append(b, '|')
	for _, f := range o.nums {
		b = strconv.AppendUint(append(b, ','), math.Float64bits(f), 16)
	}
	b = append(b, '|')
	for i := range o.wc {
		b = strconv.AppendQuote(b, o.wc[i].String())
	}
	return string(b)
}

// forEachPair calls fn for every two exact fields of c (in node order) with
// the pair keys the clause would index.
func forEachPair(c *mclause, fn func(a, b *mfield, keys []string)) {
	for i := range c.fields {
		ka, ok := exactKeys(&c.fields[i])
		if !ok {
			continue
		}
		for j := range c.fields {
			if j == i {
				continue
			}
			a, b := &c.fields[i], &c.fields[j]
			if a.node >= b.node {
				continue
			}
			kb, ok := exactKeys(b)
			if !ok || len(ka)*len(kb) > maxPairKeys {
				continue
			}
			var keys []string
			for _, x := range ka {
				for _, y := range kb {
					keys = append(keys, string(pairKey(nil, []byte(x), []byte(y))))
				}
			}
			fn(a, b, keys)
		}
	}
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

// candidates adds the clauses whose access field leaf v may satisfy.
func (x *fieldIndex) candidates(v *value, sc *scratch) {
	if x.exact != nil {
		if x.forms == formString && v.kind == vString {
			// The common case, without a callback.
			sc.keyA = append(append(sc.keyA[:0], keyString), v.str...)
			sc.addCands(x.lookup(sc.keyA))
		} else {
			sc.keyA = eachKey(v, x.forms, sc.keyA, func(k []byte) { sc.addCands(x.lookup(k)) })
		}
	}
	if v.kind == vString {
		x.prefix.eachPrefix(v.str, sc)
		x.suffix.eachSuffix(v.str, sc)
		if x.prefixF.root != nil || x.suffixF.root != nil {
			f := v.foldedString()
			x.prefixF.eachPrefix(f, sc)
			x.suffixF.eachSuffix(f, sc)
		}
	}
	for i := range x.scan {
		r := &x.scan[i]
		if r.op.match(v) {
			sc.addCand(r.clause)
		}
	}
}
