package pattern

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

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
	op   *op // in the compiled pattern, which never changes
}

type mclause struct {
	pat     int32
	implied uint64   // fields (by index) its access entry already proved
	proven  bool     // implied holds every field: a hit is a match, unless leaves sit in arrays
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
	nUsed    int32        // trie nodes some field sits at
}

// prepare computes what building indexes needs of o.
func (o *op) prepare() {
	if o.ident != "" {
		return // shared by several $or alternatives
	}
	if k, ok := exactKey(nil, o); ok {
		// An exact key says all there is to say about the matcher: two
		// with the same key match the same values.
		o.key, o.keyOK = string(k), true
		o.ident, o.share = o.key, o.key
	} else {
		o.ident, o.share = opIdent(o), shareKey(o)
	}
	o.cost = int32(accessCost(o))
}

// accessCost ranks how loosely an op's index entry selects: lower is
// better.
func accessCost(o *op) int {
	if o.keyOK {
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

// shareKey identifies an op's index entry on its node, to count how many
// clauses share it. Ops found by scanning share one entry per node.
func shareKey(o *op) string {
	var b []byte
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

// build indexes every pattern. Each clause is found through its cheapest
// access: one positive field (an exact value shared by few other clauses
// beats a prefix, which beats a scan), or two exact fields together when
// each alone is shared by many clauses.
func build(entries []*patEntry) *machine {
	m := &machine{root: &pathNode{id: 0}}
	m.nodes = []*pathNode{m.root}
	m.names = make([]string, 0, len(entries))
	nc := 0
	for _, e := range entries {
		for _, cp := range e.patterns {
			nc += len(cp.clauses)
		}
	}
	m.clauses = make([]mclause, 0, nc)
	for pi, e := range entries {
		m.names = append(m.names, e.name)
		for _, cp := range e.patterns {
			for _, cl := range cp.clauses {
				mc := mclause{pat: int32(pi), fields: make([]mfield, 0, len(cl.fields))}
				for _, f := range cl.fields {
					n := m.root
					for rest := f.path; ; {
						seg, tail, more := strings.Cut(rest, ".")
						n = n.ensure(seg, &m.nodes)
						if !more {
							break
						}
						rest = tail
					}
					if !n.used {
						m.nUsed++
					}
					n.used = true
					mc.fields = append(mc.fields, mfield{node: n.id, ops: f.ops, absent: f.absent})
				}
				m.clauses = append(m.clauses, mc)
			}
		}
	}
	// Each distinct (node, matcher) is one pred; each distinct (node,
	// index entry) one share, counting the clauses that would find a leaf
	// through it (for ops only a scan finds, every scanned op on the node).
	type nodeRef struct {
		node int32
		s    string
	}
	predIDs := map[nodeRef]int32{}
	shareIDs := map[nodeRef]int32{}
	var predShare []int32 // share of each pred
	var shared []int      // clauses per share
	for ci := range m.clauses {
		for fi := range m.clauses[ci].fields {
			f := &m.clauses[ci].fields[fi]
			for oi := range f.ops {
				o := &f.ops[oi]
				id, ok := predIDs[nodeRef{f.node, o.ident}]
				if !ok {
					id = int32(len(m.preds))
					predIDs[nodeRef{f.node, o.ident}] = id
					m.preds = append(m.preds, pred{node: f.node, op: o})
					sid, ok := shareIDs[nodeRef{f.node, o.share}]
					if !ok {
						sid = int32(len(shared))
						shareIDs[nodeRef{f.node, o.share}] = sid
						shared = append(shared, 0)
					}
					predShare = append(predShare, sid)
				}
				f.preds = append(f.preds, id)
				shared[predShare[id]]++
			}
		}
	}
	fieldCost := func(f *mfield) int {
		cost := 0
		for _, pid := range f.preds {
			cost += int(m.preds[pid].op.cost) * shared[predShare[pid]]
		}
		return cost
	}
	pairShared := map[[2]int32]int{}
	for ci := range m.clauses {
		forEachPair(&m.clauses[ci], m.preds, func(a, b *mfield) {
			for _, x := range a.preds {
				for _, y := range b.preds {
					pairShared[[2]int32{predShare[x], predShare[y]}]++
				}
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
			sel[fi] = fieldCost(f)
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
			if cost := fieldCost(f); best < 0 || cost < bestCost {
				best, bestCost = fi, cost
			}
		}
		if best < 0 {
			m.absently = append(m.absently, int32(ci))
			continue
		}
		// A pair lookup costs about two single ones, and finds the clauses
		// sharing its entry only when the event has both values: take that
		// as half the time (costs are doubled to stay whole numbers). So a
		// pair wins even where every clause with the first value also has
		// the second (an account id and "CRITICAL"): an event with the
		// account and another severity then finds none of them.
		var pa, pb *mfield
		pairCost := 2 * bestCost
		forEachPair(c, m.preds, func(a, b *mfield) {
			cost := 4 * len(a.preds) * len(b.preds)
			for _, x := range a.preds {
				for _, y := range b.preds {
					cost += pairShared[[2]int32{predShare[x], predShare[y]}]
				}
			}
			if cost < pairCost {
				pairCost, pa, pb = cost, a, b
			}
		})
		if pa != nil {
			id := [2]int32{pa.node, pb.node}
			p := pairs[id]
			if p == nil {
				p = &pairIndex{a: pa.node, b: pb.node, m: map[string][]int32{}}
				pairs[id] = p
				m.pairs = append(m.pairs, p)
			}
			for _, x := range pa.preds {
				for _, y := range pb.preds {
					ka, kb := m.preds[x].op.key, m.preds[y].op.key
					k := string(pairKey(nil, []byte(ka), []byte(kb)))
					p.m[k] = append(p.m[k], int32(ci))
					p.formsA |= formOf([]byte(ka))
					p.formsB |= formOf([]byte(kb))
				}
			}
			c.implied |= fieldBit(c, pa) | fieldBit(c, pb)
			continue
		}
		f := &c.fields[best]
		n := m.nodes[f.node]
		if n.idx == nil {
			n.idx = &fieldIndex{}
		}
		for _, pid := range f.preds {
			n.idx.add(m.preds[pid].op, int32(ci))
		}
		exact := true
		for _, pid := range f.preds {
			exact = exact && exactAccess(m.preds[pid].op)
		}
		if exact {
			c.implied |= fieldBit(c, f)
		}
	}
	for ci := range m.clauses {
		c := &m.clauses[ci]
		c.proven = len(c.fields) <= 64 && c.implied == 1<<len(c.fields)-1
	}
	for _, n := range m.nodes {
		if n.idx != nil {
			n.idx.seal()
		}
	}
	buildWatch(m.root, nil)
	if earlyStop {
		for _, n := range m.nodes {
			n.seek = newSeekSet(n)
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

// opIdent identifies a matcher exactly, so equal ones on a node share a
// pred.
func opIdent(o *op) string {
	b := []byte{'=', byte(o.kind), byte(o.lit)} // '=': no exact key starts so
	b = strconv.AppendQuote(b, string(o.s))
	b = strconv.AppendQuote(b, o.text)
	b = strconv.AppendBool(b, o.numOK)
	b = strconv.AppendUint(append(b, ','), o.num, 16)
	if o.opArgs == nil {
		return string(b)
	}
	for _, k := range []uint64{o.lo, o.hi} {
		b = strconv.AppendUint(append(b, ','), k, 16)
	}
	b = strconv.AppendBool(b, o.loX)
	b = strconv.AppendBool(b, o.hiX)
	b = strconv.AppendQuote(b, string(o.ipLo))
	b = strconv.AppendQuote(b, string(o.ipHi))
	for _, x := range o.set {
		b = strconv.AppendQuote(b, string(x))
	}
	b = append(b, '|')
	for _, k := range o.nums {
		b = strconv.AppendUint(append(b, ','), k, 16)
	}
	b = append(b, '|')
	for i := range o.wc {
		b = strconv.AppendQuote(b, o.wc[i].String())
	}
	for _, c := range o.ic {
		b = append(b, '|')
		for _, u := range c.units {
			b = strconv.AppendQuote(b, u.lower)
			b = strconv.AppendQuote(b, u.upper)
		}
	}
	return string(b)
}
