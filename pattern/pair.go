package pattern

import "encoding/binary"

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

// maxPairKeys bounds the entries a clause may put in a pair index (fields
// listing several values multiply).
const maxPairKeys = 16

// forEachPair calls fn for every two fields of c (in node order) whose
// matchers all have exact keys, when they make at most maxPairKeys keys.
func forEachPair(c *mclause, preds []pred, fn func(a, b *mfield)) {
	exact := func(f *mfield) bool {
		if f.absent {
			return false
		}
		for _, pid := range f.preds {
			if !preds[pid].op.keyOK {
				return false
			}
		}
		return true
	}
	for i := range c.fields {
		a := &c.fields[i]
		if !exact(a) {
			continue
		}
		for j := range c.fields {
			b := &c.fields[j]
			if j == i || a.node >= b.node || !exact(b) || len(a.preds)*len(b.preds) > maxPairKeys {
				continue
			}
			fn(a, b)
		}
	}
}
