package pattern

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
