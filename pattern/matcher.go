package pattern

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// Matcher holds named event patterns and finds, in one pass over an event,
// every pattern that matches it, with the answers AWS EventBridge gives.
//
// The cost of Match depends on the parts of the event that patterns refer to
// and on the number of patterns that (nearly) match, not on how many patterns
// there are. Match is safe for concurrent use, also with AddPattern and
// DeletePattern; the index is rebuilt on the first Match after a change, so
// add many patterns before matching when you can.
//
// Match reads the parts of the event that patterns refer to completely, and
// checks the rest only for balanced brackets, terminated strings and, where
// it stops reading early (stop.go), for names that could still matter; an
// event that is not valid JSON elsewhere may still be matched, an incomplete
// one never is. vigil validates every event when it is received.
type Matcher struct {
	maxSize int

	mu      sync.Mutex
	entries []*patEntry // in the order names were first added
	byName  map[string]*patEntry
	snap    atomic.Pointer[machine] // nil after a change
	spare   atomic.Pointer[scratch] // one scratch kept at hand: cheaper than the pool
	pool    sync.Pool
}

type patEntry struct {
	name     string
	patterns []*compiledPattern
}

// Option configures a Matcher.
type Option func(*Matcher)

// WithMaxPatternSize sets the largest pattern AddPattern accepts, in
// characters. EventBridge's default is 2048 (DefaultMaxPatternSize) and AWS
// can raise it to 4096; 0 means no limit.
func WithMaxPatternSize(n int) Option {
	return func(m *Matcher) { m.maxSize = n }
}

// NewMatcher returns an empty Matcher.
func NewMatcher(opts ...Option) *Matcher {
	m := &Matcher{maxSize: DefaultMaxPatternSize, byName: map[string]*patEntry{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// AddPattern validates pattern and adds it under name. Adding a second
// pattern under the same name makes the name match when either does, as in
// event-ruler. An invalid pattern returns an *InvalidPatternError carrying
// AWS's reason and changes nothing.
func (m *Matcher) AddPattern(name string, pattern []byte) error {
	cp, err := compile(pattern, m.maxSize)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.byName[name]
	if e == nil {
		e = &patEntry{name: name}
		m.byName[name] = e
		m.entries = append(m.entries, e)
	}
	e.patterns = append(e.patterns, cp)
	m.snap.Store(nil)
	return nil
}

// DeletePattern removes every pattern added under name.
func (m *Matcher) DeletePattern(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.byName[name]
	if e == nil {
		return
	}
	delete(m.byName, name)
	m.entries = slices.DeleteFunc(m.entries, func(x *patEntry) bool { return x == e })
	m.snap.Store(nil)
}

// Match returns the names of the patterns that match event, in the order the
// names were first added. It returns nil when none match.
func (m *Matcher) Match(event []byte) ([]string, error) {
	return m.AppendMatches(nil, event)
}

// AppendMatches is Match appending to dst, so that a caller reusing dst
// matches without allocating.
func (m *Matcher) AppendMatches(dst []string, event []byte) ([]string, error) {
	mc := m.machine()
	sc := m.spare.Swap(nil)
	if sc == nil {
		if sc, _ = m.pool.Get().(*scratch); sc == nil {
			sc = &scratch{}
		}
	}
	dst, err := m.match(dst, event, mc, sc)
	m.release(sc)
	return dst, err
}

func (m *Matcher) match(dst []string, event []byte, mc *machine, sc *scratch) ([]string, error) {
	sc.reset(mc)
	if err := mc.scanEvent(event, sc); err != nil {
		return dst, err
	}
	for li := range sc.leaves {
		l := &sc.leaves[li]
		if x := mc.nodes[l.node].idx; x != nil {
			x.candidates(&l.value, sc)
		}
	}
	for _, p := range mc.pairs {
		p.candidates(sc)
	}
	sc.addCands(mc.absently)
	sc.matched = sc.matched[:0]
	for _, ci := range sc.cands {
		c := &mc.clauses[ci]
		if sc.patGen[c.pat] == sc.gen {
			continue // the pattern already matched through another clause
		}
		ok := c.proven && (len(c.fields) == 1 || !sc.anyTrail)
		if !ok {
			var err error
			if ok, err = sc.verify(c); err != nil {
				return dst, err
			}
		}
		if ok {
			sc.patGen[c.pat] = sc.gen
			sc.matched = append(sc.matched, c.pat)
		}
	}
	if len(sc.matched) > 1 {
		slices.Sort(sc.matched)
	}
	for _, p := range sc.matched {
		dst = append(dst, mc.names[p])
	}
	return dst, nil
}

func (m *Matcher) release(sc *scratch) {
	if !m.spare.CompareAndSwap(nil, sc) {
		m.pool.Put(sc)
	}
}

// machine returns the current index, building it after a change.
func (m *Matcher) machine() *machine {
	if mc := m.snap.Load(); mc != nil {
		return mc
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if mc := m.snap.Load(); mc != nil {
		return mc
	}
	mc := build(m.entries)
	m.snap.Store(mc)
	return mc
}

// scratch is the per-Match working memory, pooled so matching allocates
// nothing once warm.
type scratch struct {
	gen       uint32
	leaves    []leaf
	strbuf    []byte
	trail     []arrayPos // arrays enclosing the current position
	trails    []arrayPos // copies of trail for each leaf
	nextArray int32
	anyTrail  bool
	nodeGen   []uint32
	nodeHead  []int32
	nodeTail  []int32
	clauseGen []uint32
	patGen    []uint32
	predGen   []uint32
	predVal   []bool
	mc        *machine
	cands     []int32
	matched   []int32
	chosen    []int32
	budget    int
	remaining int32  // used trie nodes without a leaf yet
	keyA      []byte // key buffers for index lookups
	keyB      []byte
	keyP      []byte
}

// backtrackBudget bounds the work of matching one event whose arrays make
// many combinations possible.
const backtrackBudget = 1 << 20

var errTooManyCombinations = errors.New("pattern: event has too many array element combinations to match")

func (sc *scratch) reset(mc *machine) {
	sc.gen++
	if sc.gen == 0 { // wrapped: forget every stamp
		clear(sc.nodeGen)
		clear(sc.clauseGen)
		clear(sc.patGen)
		clear(sc.predGen)
		sc.gen = 1
	}
	if sc.mc != mc { // a new index: size the stamps for it
		sc.mc = mc
		sc.predGen = grow(sc.predGen, len(mc.preds))
		sc.predVal = grow(sc.predVal, len(mc.preds))
		sc.nodeGen = grow(sc.nodeGen, len(mc.nodes))
		sc.nodeHead = grow(sc.nodeHead, len(mc.nodes))
		sc.nodeTail = grow(sc.nodeTail, len(mc.nodes))
		sc.clauseGen = grow(sc.clauseGen, len(mc.clauses))
		sc.patGen = grow(sc.patGen, len(mc.names))
	}
	sc.leaves = sc.leaves[:0]
	sc.strbuf = sc.strbuf[:0]
	sc.trail = sc.trail[:0]
	sc.trails = sc.trails[:0]
	sc.cands = sc.cands[:0]
	sc.nextArray = 0
	sc.anyTrail = false
	sc.budget = backtrackBudget
	sc.remaining = mc.nUsed
}

func grow[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}

// addLeaf records a leaf at node n and returns it for the caller to fill
// in (kind, str, num): building it in place saves copying a value around.
func (sc *scratch) addLeaf(n *pathNode) *leaf {
	idx := int32(len(sc.leaves))
	if cap(sc.leaves) > len(sc.leaves) {
		sc.leaves = sc.leaves[:idx+1]
	} else {
		sc.leaves = append(sc.leaves, leaf{})
	}
	l := &sc.leaves[idx]
	*l = leaf{node: n.id, next: -1}
	l.scratchF = &sc.strbuf
	if len(sc.trail) > 0 {
		l.trailStart = int32(len(sc.trails))
		l.trailLen = int32(len(sc.trail))
		sc.trails = append(sc.trails, sc.trail...)
		sc.anyTrail = true
	}
	if sc.nodeGen[n.id] != sc.gen {
		sc.remaining--
		sc.nodeGen[n.id] = sc.gen
		sc.nodeHead[n.id] = idx
	} else {
		sc.leaves[sc.nodeTail[n.id]].next = idx
	}
	sc.nodeTail[n.id] = idx
	return l
}

func (sc *scratch) head(node int32) int32 {
	if sc.nodeGen[node] != sc.gen {
		return -1
	}
	return sc.nodeHead[node]
}

func (sc *scratch) addCand(c int32) {
	if sc.clauseGen[c] != sc.gen {
		sc.clauseGen[c] = sc.gen
		sc.cands = append(sc.cands, c)
	}
}

func (sc *scratch) addCands(cs []int32) {
	for _, c := range cs {
		sc.addCand(c)
	}
}

// verify checks every field of a candidate clause against the event. A first
// pass, most selective field first, asks only whether some leaf matches each
// field; when leaves sit in arrays, the clause must then also be satisfied by
// leaves from consistent array elements.
func (sc *scratch) verify(c *mclause) (bool, error) {
	trails := false
	for _, fi := range c.order {
		if c.implied&(1<<fi) != 0 {
			continue
		}
		f := &c.fields[fi]
		h := sc.head(f.node)
		if f.absent {
			if h >= 0 && !sc.anyTrail {
				return false, nil
			}
			continue
		}
		ok := false
		for _, pid := range f.preds {
			if sc.predHit(pid) {
				ok = true
				break
			}
		}
		if !ok {
			return false, nil
		}
	}
	if !sc.anyTrail {
		return true, nil
	}
	for fi := range c.fields {
		for l := sc.head(c.fields[fi].node); l >= 0; l = sc.leaves[l].next {
			if sc.leaves[l].trailLen > 0 {
				trails = true
			}
		}
	}
	if !trails {
		for fi := range c.fields {
			if c.fields[fi].absent && sc.head(c.fields[fi].node) >= 0 {
				return false, nil
			}
		}
		return true, nil
	}
	sc.chosen = sc.chosen[:0]
	return sc.backtrack(c, 0)
}

// predHit reports whether some leaf satisfies pred pid, computing it once
// per event.
func (sc *scratch) predHit(pid int32) bool {
	if sc.predGen[pid] == sc.gen {
		return sc.predVal[pid]
	}
	p := &sc.mc.preds[pid]
	hit := false
	for l := sc.head(p.node); l >= 0; l = sc.leaves[l].next {
		if p.op.match(&sc.leaves[l].value) {
			hit = true
			break
		}
	}
	sc.predGen[pid], sc.predVal[pid] = sc.gen, hit
	return hit
}

// fieldMatch reports whether leaf l satisfies one of field f's alternatives.
func (sc *scratch) fieldMatch(f *mfield, l int32) bool {
	for _, pid := range f.preds {
		if sc.mc.preds[pid].op.match(&sc.leaves[l].value) {
			return true
		}
	}
	return false
}

// backtrack looks for leaves, one per positive field in path order, taken
// from mutually consistent array elements (AWS's array consistency). An
// absent field must have no leaf consistent with the leaves chosen for the
// fields before it, which is how event-ruler evaluates exists:false.
func (sc *scratch) backtrack(c *mclause, i int) (bool, error) {
	if i == len(c.fields) {
		return true, nil
	}
	if sc.budget--; sc.budget < 0 {
		return false, errTooManyCombinations
	}
	f := &c.fields[i]
	if f.absent {
		for l := sc.head(f.node); l >= 0; l = sc.leaves[l].next {
			if sc.consistent(l) {
				return false, nil
			}
		}
		return sc.backtrack(c, i+1)
	}
	for l := sc.head(f.node); l >= 0; l = sc.leaves[l].next {
		if !sc.fieldMatch(f, l) || !sc.consistent(l) {
			continue
		}
		sc.chosen = append(sc.chosen, l)
		ok, err := sc.backtrack(c, i+1)
		if ok || err != nil {
			return ok, err
		}
		sc.chosen = sc.chosen[:len(sc.chosen)-1]
	}
	return false, nil
}

// consistent reports whether leaf l can come from the same array elements as
// every leaf chosen so far.
func (sc *scratch) consistent(l int32) bool {
	a := &sc.leaves[l]
	if a.trailLen == 0 {
		return true
	}
	ta := sc.trails[a.trailStart : a.trailStart+a.trailLen]
	for _, ci := range sc.chosen {
		b := &sc.leaves[ci]
		tb := sc.trails[b.trailStart : b.trailStart+b.trailLen]
		for k := 0; k < len(ta) && k < len(tb); k++ {
			if ta[k].id != tb[k].id {
				break // different arrays from here on
			}
			if ta[k].idx != tb[k].idx {
				return false
			}
		}
	}
	return true
}
