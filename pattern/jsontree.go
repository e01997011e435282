package pattern

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// jkind is the type of a JSON value in a parsed pattern or template.
type jkind uint8

const (
	jString jkind = iota
	jNumber
	jTrue
	jFalse
	jNull
	jObject
	jArray
)

// jvalue is a JSON value that keeps what encoding/json would lose and AWS
// does not: member order, duplicate keys and the literal text of numbers.
type jvalue struct {
	kind    jkind
	text    string // string contents (unescaped) or number literal
	members []jmember
	items   []jvalue
}

type jmember struct {
	name  string
	value jvalue
}

// tokenText is what Jackson's getText returns for the token that starts v;
// AWS quotes it in some error messages.
func (v *jvalue) tokenText() string {
	switch v.kind {
	case jString, jNumber:
		return v.text
	case jTrue:
		return "true"
	case jFalse:
		return "false"
	case jNull:
		return "null"
	case jObject:
		return "{"
	default:
		return "["
	}
}

func (v *jvalue) isNumber() bool { return v.kind == jNumber }

// maxJSONDepth bounds recursion on hostile input.
const maxJSONDepth = 512

type jparser struct {
	s     []byte
	i     int
	depth int
	// skip checks the document as fully as ever but builds no values
	// (skipAny): the transformer's path lookups skip every member they
	// pass, and building trees for them was most of the allocations of
	// rendering an input.
	skip bool
}

// parseJSONTree parses one JSON document. Errors say what was expected and
// where, in the spirit of Jackson's messages.
func parseJSONTree(data []byte) (jvalue, error) {
	p := jparser{s: data}
	p.ws()
	v, err := p.value()
	if err != nil {
		return jvalue{}, err
	}
	p.ws()
	if p.i < len(p.s) {
		return jvalue{}, p.errorf("Unexpected character (%s): expected end of input", p.charDesc())
	}
	return v, nil
}

func (p *jparser) errorf(format string, args ...any) error {
	line, col := 1, 1
	for _, c := range p.s[:min(p.i, len(p.s))] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("%s at line %d, column %d", fmt.Sprintf(format, args...), line, col)
}

func (p *jparser) charDesc() string {
	if p.i >= len(p.s) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.s[p.i:])
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

func (p *jparser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value() (jvalue, error) {
	if p.i >= len(p.s) {
		return jvalue{}, p.errorf("Unexpected end-of-input: expected a JSON value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		return jvalue{kind: jString, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		end, ok := scanNumber(p.s, p.i)
		if !ok {
			p.i = end
			return jvalue{}, p.errorf("Invalid numeric value")
		}
		p.i = end
		if p.skip {
			return jvalue{kind: jNumber}, nil
		}
		return jvalue{kind: jNumber, text: string(p.s[start:end])}, nil
	case c == 't':
		return p.literal("true", jTrue)
	case c == 'f':
		return p.literal("false", jFalse)
	case c == 'n':
		return p.literal("null", jNull)
	default:
		return jvalue{}, p.errorf("Unexpected character (%s): expected a JSON value", p.charDesc())
	}
}

func (p *jparser) literal(word string, k jkind) (jvalue, error) {
	if len(p.s)-p.i < len(word) || string(p.s[p.i:p.i+len(word)]) != word {
		return jvalue{}, p.errorf("Unrecognized token: was expecting %q", word)
	}
	p.i += len(word)
	return jvalue{kind: k}, nil
}

func (p *jparser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.errorf("Document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
	}
	return nil
}

func (p *jparser) object() (jvalue, error) {
	if err := p.enter(); err != nil {
		return jvalue{}, err
	}
	defer func() { p.depth-- }()
	p.i++ // {
	v := jvalue{kind: jObject}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return jvalue{}, p.errorf("Unexpected character (%s): was expecting double-quote to start field name", p.charDesc())
		}
		name, err := p.str()
		if err != nil {
			return jvalue{}, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return jvalue{}, p.errorf("Unexpected character (%s): was expecting a colon to separate field name and value", p.charDesc())
		}
		p.i++
		p.ws()
		val, err := p.value()
		if err != nil {
			return jvalue{}, err
		}
		if !p.skip {
			v.members = append(v.members, jmember{name: name, value: val})
		}
		p.ws()
		if p.i >= len(p.s) {
			return jvalue{}, p.errorf("Unexpected end-of-input: expected close marker for Object")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return v, nil
		default:
			return jvalue{}, p.errorf("Unexpected character (%s): was expecting comma to separate Object entries", p.charDesc())
		}
	}
}

func (p *jparser) array() (jvalue, error) {
	if err := p.enter(); err != nil {
		return jvalue{}, err
	}
	defer func() { p.depth-- }()
	p.i++ // [
	v := jvalue{kind: jArray}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		item, err := p.value()
		if err != nil {
			return jvalue{}, err
		}
		if !p.skip {
			v.items = append(v.items, item)
		}
		p.ws()
		if p.i >= len(p.s) {
			return jvalue{}, p.errorf("Unexpected end-of-input: expected close marker for Array")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return v, nil
		default:
			return jvalue{}, p.errorf("Unexpected character (%s): was expecting comma to separate Array entries", p.charDesc())
		}
	}
}

// str reads a JSON string starting at the opening quote.
func (p *jparser) str() (string, error) {
	end, esc, ok := scanString(p.s, p.i)
	if !ok {
		p.i = end
		return "", p.errorf("Invalid or unterminated string")
	}
	raw := p.s[p.i+1 : end-1]
	p.i = end
	if !esc {
		if !utf8.Valid(raw) {
			return "", p.errorf("Invalid UTF-8 in string")
		}
		if p.skip {
			return "", nil
		}
		return string(raw), nil
	}
	out, ok := appendUnescaped(nil, raw)
	if !ok {
		return "", p.errorf("Invalid escape in string")
	}
	return string(out), nil
}

// scanString returns the index just past the closing quote of the string
// that starts at s[i] == '"', whether it contains escapes, and whether it is
// well formed (terminated, no raw control characters, valid escapes).
func scanString(s []byte, i int) (end int, escaped, ok bool) {
	i++
	for i < len(s) {
		// Eight bytes at a time to the first quote, backslash or control
		// character.
		for i+8 <= len(s) {
			w := binary.LittleEndian.Uint64(s[i:])
			if m := stringStop(w) | controlBytes(w); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		switch {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return len(s), escaped, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) || !isHex(s[i+5]) {
					return i, escaped, false
				}
				i += 6
			default:
				return i, escaped, false
			}
		case c < 0x20:
			return i, escaped, false
		default:
			i++
		}
	}
	return len(s), escaped, false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	default:
		return rune(c - 'A' + 10)
	}
}

// appendUnescaped appends the decoded form of the body of a JSON string
// (between the quotes) to dst. Lone surrogates become U+FFFD, as in
// encoding/json.
func appendUnescaped(dst, raw []byte) ([]byte, bool) {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return dst, false
		}
		switch raw[i+1] {
		case '"', '\\', '/':
			dst = append(dst, raw[i+1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if i+5 >= len(raw) {
				return dst, false
			}
			r := hexVal(raw[i+2])<<12 | hexVal(raw[i+3])<<8 | hexVal(raw[i+4])<<4 | hexVal(raw[i+5])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+5 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2 := hexVal(raw[i+2])<<12 | hexVal(raw[i+3])<<8 | hexVal(raw[i+4])<<4 | hexVal(raw[i+5])
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						dst = utf8.AppendRune(dst, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, false
		}
		i += 2
	}
	return dst, true
}

// scanNumber returns the end of the JSON number starting at s[i] and whether
// it follows the JSON grammar.
func scanNumber(s []byte, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return i, false
	}
	switch {
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return i, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return i, false
		}
	}
	return i, true
}
