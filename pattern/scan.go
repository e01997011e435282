package pattern

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// maxEventDepth is the deepest nesting the matcher accepts, Jackson's default.
const maxEventDepth = 1000

// EventError says why an event could not be read.
type EventError struct {
	Offset int
	Reason string
}

// Error describes the problem and its byte offset in the event.
func (e *EventError) Error() string {
	return fmt.Sprintf("event is not valid JSON: %s at offset %d", e.Reason, e.Offset)
}

// arrayPos says a leaf sits at element idx of the event's array number id.
type arrayPos struct{ id, idx int32 }

// leaf is one scalar of the event at a path some pattern refers to.
type leaf struct {
	value
	node       int32
	next       int32 // next leaf at the same node, -1 at the end
	trailStart int32 // enclosing arrays, outermost first, in scratch.trails
	trailLen   int32
}

// scanner walks an event once. It descends only into members whose path is
// in the pattern trie and skips everything else structurally (balanced
// brackets, terminated strings) without decoding it, so the cost of an event
// depends on the parts patterns look at, not on its size. Unless full is
// set, it stops early once every pattern path has a value (stop.go).
type scanner struct {
	s     []byte
	sc    *scratch
	depth int
	full  bool

	stopped   bool
	stopDepth int       // objects open at the stop
	stopNode  *pathNode // the innermost of them
}

func (p *scanner) fail(i int, reason string) error {
	return &EventError{Offset: i, Reason: reason}
}

func skipWS(s []byte, i int) int {
	if i < len(s) && s[i] > ' ' {
		return i
	}
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanEvent records the leaves of event at the trie's paths.
func (m *machine) scanEvent(event []byte, sc *scratch) error {
	p := scanner{s: event, sc: sc, full: !earlyStop || m.nUsed == 0}
	i := skipWS(event, 0)
	if i >= len(event) || event[i] != '{' {
		return p.fail(i, "the event must be a JSON object")
	}
	i, err := p.object(i, m.root)
	if err != nil {
		return err
	}
	if p.stopped {
		if tailOK(event[i:], p.stopDepth, p.stopNode.watch) {
			return nil
		}
		// The tail may change the answer or the event is incomplete:
		// read it all.
		sc.reset(m)
		p = scanner{s: event, sc: sc, full: true}
		if i, err = p.object(skipWS(event, 0), m.root); err != nil {
			return err
		}
	}
	if i = skipWS(event, i); i != len(event) {
		return p.fail(i, "unexpected data after the event object")
	}
	return nil
}

// object reads the object at s[i] == '{' whose path is node.
func (p *scanner) object(i int, node *pathNode) (int, error) {
	p.depth++
	if p.depth > maxEventDepth {
		return i, p.fail(i, "nesting too deep")
	}
	i, err := p.members(i, node)
	p.depth--
	return i, err
}

// members reads the members of the object at s[i] == '{'.
func (p *scanner) members(i int, node *pathNode) (int, error) {
	s := p.s
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	seek := node.seek
	for {
		if i >= len(s) || s[i] != '"' {
			return i, p.fail(i, "expected a member name")
		}
		var child *pathNode
		var err error
		if seek != nil && i+1 < len(s) && !seek.first[s[i+1]] {
			// Skip to the next string that may name a child (seek.go).
			j, kind := seekMember(s, i, seek)
			switch kind {
			case seekEnd:
				if s[j] != '}' {
					return j, p.fail(j, "expected ',' or '}' in object")
				}
				return j + 1, nil
			case seekEOF:
				return j, p.fail(j, "unterminated object")
			case seekBail:
				seek = nil // an escape ahead: read member by member
			default:
				if isValue(s, j) {
					// A value that starts like a name: skip it.
					if i, err = p.skip(j); err != nil {
						return i, err
					}
					goto next
				}
				i = j
			}
		}
		{
			c, end, ok := node.lookup(s, i, p.sc)
			if !ok {
				return end, p.fail(i, "bad member name")
			}
			child = c
			// Compact JSON has the colon right after the name.
			if i = end; i >= len(s) || s[i] != ':' {
				if i = skipWS(s, i); i >= len(s) || s[i] != ':' {
					return i, p.fail(i, "expected ':' after member name")
				}
			}
			i = skipWS(s, i+1)
		}
		switch {
		case child != nil:
			i, err = p.value(i, child)
			if err == nil && !p.full && (p.stopped || (p.sc.remaining == 0 && len(p.sc.trail) == 0)) {
				if !p.stopped {
					p.stopped, p.stopDepth, p.stopNode = true, p.depth, node
				}
				return i, nil
			}
		case i < len(s) && s[i] == '"':
			var ok bool
			if i, ok = skipString(s, i); !ok {
				err = p.fail(i, "unterminated string")
			}
		default:
			i, err = p.skip(i)
		}
		if err != nil {
			return i, err
		}
	next:
		if i < len(s) && s[i] > ' ' {
			if s[i] == ',' {
				if i++; i < len(s) && s[i] == '"' {
					continue
				}
				i = skipWS(s, i)
				continue
			}
		} else if i = skipWS(s, i); i >= len(s) {
			return i, p.fail(i, "unterminated object")
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, p.fail(i, "expected ',' or '}' in object")
		}
	}
}

// isValue reports whether the string starting at s[j] is a member's value,
// that is, follows a colon.
func isValue(s []byte, j int) bool {
	k := j - 1
	for k >= 0 && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
		k--
	}
	return k >= 0 && s[k] == ':'
}

// value reads the value at s[i] whose path is node.
func (p *scanner) value(i int, node *pathNode) (int, error) {
	s := p.s
	if i >= len(s) {
		return i, p.fail(i, "expected a value")
	}
	switch c := s[i]; c {
	case '{':
		if !node.hasChildren() {
			return p.skip(i)
		}
		return p.object(i, node)
	case '[':
		return p.array(i, node)
	case '"':
		end, esc, ok := scanString(s, i)
		if !ok {
			return end, p.fail(i, "bad string")
		}
		if !node.used {
			return end, nil
		}
		str := s[i+1 : end-1]
		if esc {
			start := len(p.sc.strbuf)
			p.sc.strbuf, _ = appendUnescaped(p.sc.strbuf, str)
			str = p.sc.strbuf[start:]
		}
		l := p.sc.addLeaf(node)
		l.kind, l.str = vString, str
		return end, nil
	case 't', 'f', 'n':
		word, k := "true", vTrue
		if c == 'f' {
			word, k = "false", vFalse
		} else if c == 'n' {
			word, k = "null", vNull
		}
		if len(s)-i < len(word) || string(s[i:i+len(word)]) != word {
			return i, p.fail(i, "bad literal")
		}
		if node.used {
			p.sc.addLeaf(node).kind = k
		}
		return i + len(word), nil
	default:
		end, ok := scanNumber(s, i)
		if !ok {
			return end, p.fail(i, "bad number")
		}
		if node.used {
			text := s[i:end]
			k, ok := comparableNumber(text)
			l := p.sc.addLeaf(node)
			l.kind, l.str, l.num, l.numOK = vNumber, text, k, ok
		}
		return end, nil
	}
}

// array reads the array at s[i] == '['; its elements share node's path.
func (p *scanner) array(i int, node *pathNode) (int, error) {
	p.depth++
	if p.depth > maxEventDepth {
		return i, p.fail(i, "nesting too deep")
	}
	i, err := p.elements(i, node)
	p.depth--
	return i, err
}

// elements reads the elements of the array at s[i] == '['.
func (p *scanner) elements(i int, node *pathNode) (int, error) {
	s := p.s
	sc := p.sc
	id := sc.nextArray
	sc.nextArray++
	sc.trail = append(sc.trail, arrayPos{id: id})
	top := len(sc.trail) - 1
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		sc.trail = sc.trail[:top]
		return i + 1, nil
	}
	for n := int32(0); ; n++ {
		sc.trail[top].idx = n
		var err error
		if i, err = p.value(i, node); err != nil {
			return i, err
		}
		i = skipWS(s, i)
		if i >= len(s) {
			return i, p.fail(i, "unterminated array")
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case ']':
			sc.trail = sc.trail[:top]
			return i + 1, nil
		default:
			return i, p.fail(i, "expected ',' or ']' in array")
		}
	}
}

// skip passes over the value at s[i] without decoding it.
func (p *scanner) skip(i int) (int, error) {
	s := p.s
	if i >= len(s) {
		return i, p.fail(i, "expected a value")
	}
	switch s[i] {
	case '{', '[':
		return p.skipContainer(i)
	case '"':
		end, ok := skipString(s, i)
		if !ok {
			return end, p.fail(i, "unterminated string")
		}
		return end, nil
	default:
		// A scalar: runs until a delimiter. Its syntax is not checked, as for
		// anything skipped.
		j := i
		for j < len(s) {
			switch s[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return j, p.fail(i, "expected a value")
				}
				return j, nil
			}
			j++
		}
		return j, nil
	}
}

const (
	ones    = 0x0101010101010101
	highs   = 0x8080808080808080
	quotes  = 0x2222222222222222 // "
	slashes = 0x5c5c5c5c5c5c5c5c // \
	bit5    = 0x2020202020202020
	opens   = 0x7b7b7b7b7b7b7b7b // { ([ after |0x20)
	closes  = 0x7d7d7d7d7d7d7d7d // } (] after |0x20)
)

// zeroBytes flags (high bit) the lowest zero byte of x; bytes above it may
// be flagged falsely, so callers only trust the lowest flag.
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// controlBytes flags the lowest byte of w below 0x20.
func controlBytes(w uint64) uint64 {
	return (w - 0x2020202020202020) &^ w & highs
}

// stringStop flags the lowest byte of w that is a quote or a backslash.
func stringStop(w uint64) uint64 {
	return zeroBytes(w^quotes) | zeroBytes(w^slashes)
}

// numeric flags some byte of w outside 0x2c-0x39 (',' '-' '.' '/' and the
// digits); zero means every byte is inside.
func numeric(w uint64) uint64 {
	const below, above = 0x2c2c2c2c2c2c2c2c, 0x4646464646464646 // 0x80-0x3a
	return ((w - below) | (w + above) | w) & highs
}

// countFlags2 counts the flagged bytes of two masks from exactZero. A
// multiply sums the bytes; unlike bits.OnesCount64 it needs no CPU feature
// check, which costs more than the count on GOAMD64=v1.
func countFlags2(a, b uint64) int { return int((((a >> 7) + (b >> 7)) * ones) >> 56) }

// exactZero flags (high bit) exactly the zero bytes of x.
func exactZero(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^(((x & low7) + low7) | x) & highs
}

// skipContainer passes over the object or array at s[i]. It reads eight
// bytes at a time, counting brackets by popcount, and drops to a byte loop
// only for words holding a quote or a bracket that may close the container.
func (p *scanner) skipContainer(i int) (int, error) {
	s := p.s
	start := i
	depth := 0
	for i < len(s) {
		for i+16 <= len(s) {
			w0 := binary.LittleEndian.Uint64(s[i:])
			w1 := binary.LittleEndian.Uint64(s[i+8:])
			// Digits, '.', '-', ',' and '/' (0x2c-0x39) make up most of
			// what is skipped (coordinates, counts); sixteen of them need
			// no further look.
			if numeric(w0)|numeric(w1) == 0 {
				i += 16
				continue
			}
			if zeroBytes(w0^quotes)|zeroBytes(w1^quotes) != 0 {
				break
			}
			x0, x1 := w0|bit5, w1|bit5
			cl := countFlags2(exactZero(x0^closes), exactZero(x1^closes))
			if cl != 0 && depth-cl <= 0 {
				break // these words may end the container
			}
			depth += countFlags2(exactZero(x0^opens), exactZero(x1^opens)) - cl
			if p.depth+depth > maxEventDepth {
				return i, p.fail(i, "nesting too deep")
			}
			i += 16
		}
		// Byte at a time for the next eight bytes.
		for end := min(i+8, len(s)); i < end; {
			switch s[i] {
			case '{', '[':
				depth++
				if p.depth+depth > maxEventDepth {
					return i, p.fail(i, "nesting too deep")
				}
				i++
			case '}', ']':
				depth--
				i++
				if depth == 0 {
					return i, nil
				}
			case '"':
				e, ok := skipString(s, i)
				if !ok {
					return e, p.fail(i, "unterminated string")
				}
				i = e
				end = i // resume word at a time after the string
			default:
				i++
			}
		}
	}
	return i, p.fail(start, "unterminated object or array")
}

// skipString returns the index past the closing quote of the string at
// s[i] == '"', honouring backslash escapes.
func skipString(s []byte, i int) (int, bool) {
	i++
	for i < len(s) {
		for i+8 <= len(s) {
			if m := stringStop(binary.LittleEndian.Uint64(s[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '"':
			return i + 1, true
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(s), false
}
