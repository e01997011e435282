package pattern

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// pathNode is one step of a dotted path that some pattern refers to.
type pathNode struct {
	id       int32
	seg      string
	parent   *pathNode
	kids     []kid                // few children: compared a word at a time
	childMap map[string]*pathNode // many children
	used     bool                 // some field sits at exactly this path
	idx      *fieldIndex          // access index of clauses that chose this field
	watch    *watchSet            // names that can add values below this node (see stop.go)
	seek     *seekSet             // first bytes of the children's names (see seek.go)
}

// kid is a child of a node with the first sixteen bytes of its segment as
// two little-endian words (zero-padded), so that a member name is matched
// against it straight from the event's bytes.
type kid struct {
	w1, w2 uint64
	len    int // of the segment; -1 when the fast path cannot find it
	n      *pathNode
}

const childMapThreshold = 8

// rawKid returns the kid for child c. A segment longer than sixteen bytes,
// or with a quote, a backslash or a control character (which an event can
// only spell escaped), is found by the slow path.
func rawKid(c *pathNode) kid {
	k := kid{n: c, len: len(c.seg)}
	if len(c.seg) > 16 {
		k.len = -1
	}
	for i := 0; i < len(c.seg); i++ {
		if b := c.seg[i]; b == '"' || b == '\\' || b < 0x20 {
			k.len = -1
		}
	}
	var buf [16]byte
	copy(buf[:], c.seg)
	k.w1 = binary.LittleEndian.Uint64(buf[:8])
	k.w2 = binary.LittleEndian.Uint64(buf[8:])
	return k
}

const dots = 0x2e2e2e2e2e2e2e2e

// lowBytes[k] keeps the low k bytes of a word.
var lowBytes = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ^uint64(0)}

// load64 reads eight bytes at p+off, little-endian; the caller checks the
// bounds.
func load64(p unsafe.Pointer, off int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(p, off)), 8))
}

// lookup reads the member name that starts with the quote at s[i] and
// returns the child it leads to (nil if none) and the index past its
// closing quote; ok is false if the name is not a valid string. A plain
// name of up to fifteen bytes takes one or two word loads and compares;
// a longer one, a name with escapes or dots, or a node with many children
// takes the slow path, which decodes the name into sc.strbuf and follows
// dots.
func (n *pathNode) lookup(s []byte, i int, sc *scratch) (c *pathNode, end int, ok bool) {
	if n.childMap == nil && i+17 <= len(s) {
		p := unsafe.Pointer(unsafe.SliceData(s))
		w1, w2 := load64(p, i+1), uint64(0)
		ln := 0
		if m := stringStop(w1) | controlBytes(w1); m != 0 {
			ln = bits.TrailingZeros64(m) >> 3
			w1 &= lowBytes[ln]
		} else {
			w2 = load64(p, i+9)
			if m := stringStop(w2) | controlBytes(w2); m != 0 {
				k := bits.TrailingZeros64(m) >> 3
				ln = 8 + k
				w2 &= lowBytes[k]
			} else {
				ln = -1
			}
		}
		if ln >= 0 && s[i+1+ln] == '"' {
			for x := range n.kids {
				if kd := &n.kids[x]; kd.len == ln && kd.w1 == w1 && kd.w2 == w2 {
					return kd.n, i + 2 + ln, true
				}
			}
			if n.kids == nil || (zeroBytes(w1^dots)|zeroBytes(w2^dots))&highs == 0 {
				return nil, i + 2 + ln, true
			}
		}
	}
	end, esc, ok := scanString(s, i)
	if !ok {
		return nil, end, false
	}
	if !n.hasChildren() {
		return nil, end, true
	}
	key := s[i+1 : end-1]
	if esc {
		b := len(sc.strbuf)
		sc.strbuf, _ = appendUnescaped(sc.strbuf, key)
		key = sc.strbuf[b:]
	}
	return n.child(key), end, true
}

// child follows a decoded event member name; a name with dots walks several
// segments, because AWS treats {"a.b": 1} and {"a": {"b": 1}} alike.
// Segments never contain dots, so a direct hit needs no splitting.
func (n *pathNode) child(key []byte) *pathNode {
	if c := n.child1(key); c != nil {
		return c
	}
	dot := bytes.IndexByte(key, '.')
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
	for k := range n.kids {
		if c := n.kids[k].n; c.seg == string(seg) {
			return c
		}
	}
	return nil
}

func (n *pathNode) hasChildren() bool { return n.kids != nil || n.childMap != nil }

func (n *pathNode) ensure(seg string, nodes *[]*pathNode) *pathNode {
	if n.childMap != nil {
		if c := n.childMap[seg]; c != nil {
			return c
		}
	}
	for k := range n.kids {
		if c := n.kids[k].n; c.seg == seg {
			return c
		}
	}
	c := &pathNode{id: int32(len(*nodes)), seg: seg, parent: n}
	*nodes = append(*nodes, c)
	if n.childMap != nil {
		n.childMap[seg] = c
		return c
	}
	n.kids = append(n.kids, rawKid(c))
	if len(n.kids) > childMapThreshold {
		n.childMap = make(map[string]*pathNode, len(n.kids))
		for _, x := range n.kids {
			n.childMap[x.n.seg] = x.n
		}
		n.kids = nil
	}
	return c
}

// children calls fn with every child of n.
func (n *pathNode) children(fn func(*pathNode)) {
	for _, k := range n.kids {
		fn(k.n)
	}
	for _, c := range n.childMap {
		fn(c)
	}
}
