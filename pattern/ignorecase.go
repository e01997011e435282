package pattern

import (
	"unicode"
	"unicode/utf8"
)

// Equals-ignore-case, in all four forms (equals-ignore-case, prefix and
// suffix equals-ignore-case, anything-but equals-ignore-case), follows
// event-ruler's EqualsIgnoreCaseParser: the operand is taken one UTF-16 code
// unit at a time, and each unit matches exactly two byte strings, the UTF-8
// of Java's String.toLowerCase(Locale.ROOT) and toUpperCase(Locale.ROOT) of
// that unit alone. So the operand decides: "ς" (final sigma) matches ς and
// Σ but not σ, "σ" matches σ and Σ but not ς, "ß" matches ß and SS but not
// ss, "k" matches k and K but not the Kelvin sign K, and "K" (Kelvin) matches
// K and k. A character outside the Basic Multilingual Plane is two units,
// neither a character on its own, which Java encodes as "?" each: the
// operand "😀" matches the event value "??", not "😀". The event value is
// compared as bytes, never case-mapped itself.

// caseForms is one UTF-16 unit of an operand: the UTF-8 of its lower and
// upper case forms, equal when the unit has no case.
type caseForms struct{ lower, upper string }

// caseless is a compiled equals-ignore-case operand.
type caseless struct {
	units []caseForms
	// key is set when every unit is ASCII or has one form: then a value
	// matches exactly when its ASCII lower-casing equals key, which lets
	// indexes find it by key. Otherwise key is nil and the operand is
	// checked unit by unit.
	key []byte
}

func newCaseless(s string) caseless {
	var c caseless
	simple := true
	for _, r := range s {
		if r >= 0x10000 {
			c.units = append(c.units, caseForms{"?", "?"}, caseForms{"?", "?"})
			continue
		}
		f := caseForms{javaLower(r), javaUpper(r)}
		if r >= utf8.RuneSelf && f.lower != f.upper {
			simple = false
		}
		c.units = append(c.units, f)
	}
	if simple {
		c.key = []byte{}
		for _, u := range c.units {
			c.key = append(c.key, u.lower...)
		}
	}
	return c
}

// javaLower is Java's toLowerCase(Locale.ROOT) of a one-unit string: the
// simple mapping, except İ, whose lower case is i and a combining dot.
func javaLower(r rune) string {
	if r == 0x130 {
		return "i\u0307"
	}
	return string(unicode.ToLower(r))
}

// javaUpper is Java's toUpperCase(Locale.ROOT) of a one-unit string: the
// unconditional mappings of Unicode's SpecialCasing.txt where the upper
// case is longer than one character (ß → SS, ŉ → ʼN, ﬁ → FI, Greek letters
// with ypogegrammeni), else the simple mapping.
func javaUpper(r rune) string {
	if s, ok := upperSpecial[r]; ok {
		return s
	}
	return string(unicode.ToUpper(r))
}

// equal reports whether v matches the operand.
func (c *caseless) equal(v []byte) bool {
	if c.key != nil {
		return len(v) == len(c.key) && asciiLowerEqual(v, c.key)
	}
	return matchUnits(v, c.units, true, false)
}

// hasPrefix reports whether v starts with a match of the operand. As
// event-ruler compares the quoted value, an operand ending in a double quote
// also matches the value that is the operand without it.
func (c *caseless) hasPrefix(v []byte) bool {
	if c.key != nil && len(v) >= len(c.key) && asciiLowerEqual(v[:len(c.key)], c.key) {
		return true
	}
	if c.key == nil && matchUnits(v, c.units, false, false) {
		return true
	}
	n := len(c.units)
	return n > 0 && c.units[n-1].lower == `"` && matchUnits(v, c.units[:n-1], true, false)
}

// hasSuffix is hasPrefix at the other end.
func (c *caseless) hasSuffix(v []byte) bool {
	if c.key != nil && len(v) >= len(c.key) && asciiLowerEqual(v[len(v)-len(c.key):], c.key) {
		return true
	}
	if c.key == nil && matchUnits(v, c.units, false, true) {
		return true
	}
	return len(c.units) > 0 && c.units[0].lower == `"` && matchUnits(v, c.units[1:], true, true)
}

// matchUnits matches units against v from its start (or, with fromEnd, its
// end), each unit taking one of its forms; whole requires all of v to be
// used. Forms of one unit may differ in length (İ), so it tracks every
// position the units so far can end at.
func matchUnits(v []byte, units []caseForms, whole, fromEnd bool) bool {
	var b1, b2 [8]int
	pos, next := append(b1[:0], 0), b2[:0]
	for _, u := range units {
		next = next[:0]
		for _, p := range pos {
			for _, f := range [2]string{u.lower, u.upper} {
				if at(v, p, f, fromEnd) && !containsInt(next, p+len(f)) {
					next = append(next, p+len(f))
				}
				if u.upper == u.lower {
					break
				}
			}
		}
		if len(next) == 0 {
			return false
		}
		pos, next = next, pos
	}
	if !whole {
		return true
	}
	return containsInt(pos, len(v))
}

// at reports whether f occurs in v at offset p from the start (or end).
func at(v []byte, p int, f string, fromEnd bool) bool {
	if p+len(f) > len(v) {
		return false
	}
	if fromEnd {
		return string(v[len(v)-p-len(f):len(v)-p]) == f
	}
	return string(v[p:p+len(f)]) == f
}

func containsInt(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// asciiLowerEqual reports whether v, with ASCII upper-case letters made
// lower case, equals key (of the same length).
func asciiLowerEqual(v, key []byte) bool {
	for i, c := range v {
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		if c != key[i] {
			return false
		}
	}
	return true
}

// appendASCIILower appends v with ASCII upper-case letters made lower case.
func appendASCIILower(dst, v []byte) []byte {
	for _, c := range v {
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// hasASCIIUpper reports whether v has an ASCII upper-case letter.
func hasASCIIUpper(v []byte) bool {
	for _, c := range v {
		if c-'A' < 26 {
			return true
		}
	}
	return false
}

// upperSpecial holds the characters of the Basic Multilingual Plane whose
// upper case is more than one character (Unicode's SpecialCasing.txt,
// unconditional mappings), as Java's String.toUpperCase applies them.
var upperSpecial = map[rune]string{
	0x00DF: "\u0053\u0053", 0x0149: "\u02BC\u004E", 0x01F0: "\u004A\u030C",
	0x0390: "\u0399\u0308\u0301", 0x03B0: "\u03A5\u0308\u0301", 0x0587: "\u0535\u0552",
	0x1E96: "\u0048\u0331", 0x1E97: "\u0054\u0308", 0x1E98: "\u0057\u030A", 0x1E99: "\u0059\u030A",
	0x1E9A: "\u0041\u02BE", 0x1F50: "\u03A5\u0313", 0x1F52: "\u03A5\u0313\u0300",
	0x1F54: "\u03A5\u0313\u0301", 0x1F56: "\u03A5\u0313\u0342", 0x1F80: "\u1F08\u0399",
	0x1F81: "\u1F09\u0399", 0x1F82: "\u1F0A\u0399", 0x1F83: "\u1F0B\u0399", 0x1F84: "\u1F0C\u0399",
	0x1F85: "\u1F0D\u0399", 0x1F86: "\u1F0E\u0399", 0x1F87: "\u1F0F\u0399", 0x1F88: "\u1F08\u0399",
	0x1F89: "\u1F09\u0399", 0x1F8A: "\u1F0A\u0399", 0x1F8B: "\u1F0B\u0399", 0x1F8C: "\u1F0C\u0399",
	0x1F8D: "\u1F0D\u0399", 0x1F8E: "\u1F0E\u0399", 0x1F8F: "\u1F0F\u0399", 0x1F90: "\u1F28\u0399",
	0x1F91: "\u1F29\u0399", 0x1F92: "\u1F2A\u0399", 0x1F93: "\u1F2B\u0399", 0x1F94: "\u1F2C\u0399",
	0x1F95: "\u1F2D\u0399", 0x1F96: "\u1F2E\u0399", 0x1F97: "\u1F2F\u0399", 0x1F98: "\u1F28\u0399",
	0x1F99: "\u1F29\u0399", 0x1F9A: "\u1F2A\u0399", 0x1F9B: "\u1F2B\u0399", 0x1F9C: "\u1F2C\u0399",
	0x1F9D: "\u1F2D\u0399", 0x1F9E: "\u1F2E\u0399", 0x1F9F: "\u1F2F\u0399", 0x1FA0: "\u1F68\u0399",
	0x1FA1: "\u1F69\u0399", 0x1FA2: "\u1F6A\u0399", 0x1FA3: "\u1F6B\u0399", 0x1FA4: "\u1F6C\u0399",
	0x1FA5: "\u1F6D\u0399", 0x1FA6: "\u1F6E\u0399", 0x1FA7: "\u1F6F\u0399", 0x1FA8: "\u1F68\u0399",
	0x1FA9: "\u1F69\u0399", 0x1FAA: "\u1F6A\u0399", 0x1FAB: "\u1F6B\u0399", 0x1FAC: "\u1F6C\u0399",
	0x1FAD: "\u1F6D\u0399", 0x1FAE: "\u1F6E\u0399", 0x1FAF: "\u1F6F\u0399", 0x1FB2: "\u1FBA\u0399",
	0x1FB3: "\u0391\u0399", 0x1FB4: "\u0386\u0399", 0x1FB6: "\u0391\u0342",
	0x1FB7: "\u0391\u0342\u0399", 0x1FBC: "\u0391\u0399", 0x1FC2: "\u1FCA\u0399",
	0x1FC3: "\u0397\u0399", 0x1FC4: "\u0389\u0399", 0x1FC6: "\u0397\u0342",
	0x1FC7: "\u0397\u0342\u0399", 0x1FCC: "\u0397\u0399", 0x1FD2: "\u0399\u0308\u0300",
	0x1FD3: "\u0399\u0308\u0301", 0x1FD6: "\u0399\u0342", 0x1FD7: "\u0399\u0308\u0342",
	0x1FE2: "\u03A5\u0308\u0300", 0x1FE3: "\u03A5\u0308\u0301", 0x1FE4: "\u03A1\u0313",
	0x1FE6: "\u03A5\u0342", 0x1FE7: "\u03A5\u0308\u0342", 0x1FF2: "\u1FFA\u0399",
	0x1FF3: "\u03A9\u0399", 0x1FF4: "\u038F\u0399", 0x1FF6: "\u03A9\u0342",
	0x1FF7: "\u03A9\u0342\u0399", 0x1FFC: "\u03A9\u0399", 0xFB00: "\u0046\u0046",
	0xFB01: "\u0046\u0049", 0xFB02: "\u0046\u004C", 0xFB03: "\u0046\u0046\u0049",
	0xFB04: "\u0046\u0046\u004C", 0xFB05: "\u0053\u0054", 0xFB06: "\u0053\u0054",
	0xFB13: "\u0544\u0546", 0xFB14: "\u0544\u0535", 0xFB15: "\u0544\u053B", 0xFB16: "\u054E\u0546",
	0xFB17: "\u0544\u053D",
}
