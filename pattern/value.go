package pattern

import (
	"bytes"
	"net/netip"
)

// vkind is the JSON type of an event leaf value.
type vkind uint8

const (
	vString vkind = iota
	vNumber
	vTrue
	vFalse
	vNull
)

// value is one leaf of an event as the matcher sees it. Strings are
// unescaped; numbers keep their literal text and, when comparable (see
// number.go), their numKey.
type value struct {
	kind  vkind
	str   []byte // string contents or number literal
	num   uint64
	numOK bool

	// Lazily computed forms, cached per leaf.
	lower    []byte // the string with ASCII letters lower-cased
	ip       [16]byte
	ipLen    int8 // 0: not computed, -1: not an IP, 4 or 16
	hasLower bool
	scratchF *[]byte // where lower-cased bytes are appended
}

// lowered returns a string value with ASCII letters made lower case, the
// form caseless keys are compared with.
func (v *value) lowered() []byte {
	if !v.hasLower {
		v.hasLower = true
		if !hasASCIIUpper(v.str) {
			v.lower = v.str
		} else if v.scratchF != nil {
			start := len(*v.scratchF)
			*v.scratchF = appendASCIILower(*v.scratchF, v.str)
			v.lower = (*v.scratchF)[start:len(*v.scratchF):len(*v.scratchF)]
		} else {
			v.lower = appendASCIILower(nil, v.str)
		}
	}
	return v.lower
}

// ipAddr parses a string value as an IP address the way event-ruler does.
func (v *value) ipAddr() ([]byte, bool) {
	if v.ipLen == 0 {
		v.ipLen = -1
		if v.kind == vString {
			if n := parseIP(v.str, &v.ip); n > 0 {
				v.ipLen = int8(n)
			}
		}
	}
	if v.ipLen < 0 {
		return nil, false
	}
	return v.ip[:v.ipLen], true
}

// Event-ruler compares strings in their quoted JSON form, so a prefix that
// ends with a double quote can match across the closing quote of the value:
// prefix `abc"` matches the value `abc`. These helpers keep that behaviour.

// hasQuotedPrefix reports whether "v" (quoted) starts with "p (quote + p).
func hasQuotedPrefix(v, p []byte) bool {
	if bytes.HasPrefix(v, p) {
		return true
	}
	return len(p) == len(v)+1 && p[len(v)] == '"' && bytes.HasPrefix(p, v)
}

// hasQuotedSuffix reports whether "v (quote + v) ends with p.
func hasQuotedSuffix(v, p []byte) bool {
	if bytes.HasSuffix(v, p) {
		return true
	}
	return len(p) == len(v)+1 && p[0] == '"' && bytes.Equal(p[1:], v)
}

// parseIP parses an IPv4 or IPv6 literal into dst and returns its length (4 or
// 16), or 0. Like event-ruler, only strings shaped like dotted quads or
// hex-and-colons are considered; IPv4 octets may have leading zeros.
func parseIP(s []byte, dst *[16]byte) int {
	if len(s) == 0 || len(s) > 64 {
		return 0
	}
	if looksIPv4(s) {
		var part, n int
		digits := 0
		for _, c := range s {
			if c == '.' {
				if part > 255 {
					return 0
				}
				dst[n] = byte(part)
				n++
				part, digits = 0, 0
				continue
			}
			part = part*10 + int(c-'0')
			digits++
			if digits > 3 && part > 255 {
				return 0
			}
		}
		if part > 255 {
			return 0
		}
		dst[n] = byte(part)
		return 4
	}
	if !looksIPv6(s) {
		return 0
	}
	a, err := netip.ParseAddr(string(s))
	if err != nil || a.Zone() != "" {
		return 0
	}
	if a.Is4In6() {
		// Java's InetAddress turns IPv4-mapped addresses into IPv4 ones.
		b := a.Unmap().As4()
		copy(dst[:], b[:])
		return 4
	}
	b := a.As16()
	copy(dst[:], b[:])
	return 16
}

// looksIPv4 matches [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ exactly.
func looksIPv4(s []byte) bool {
	dots, run := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			run++
		case c == '.':
			if run == 0 {
				return false
			}
			dots++
			run = 0
		default:
			return false
		}
	}
	return dots == 3 && run > 0
}

// looksIPv6 matches [0-9a-fA-F:]*:[0-9a-fA-F:]* exactly.
func looksIPv6(s []byte) bool {
	colon := false
	for _, c := range s {
		switch {
		case c == ':':
			colon = true
		case isHex(c):
		default:
			return false
		}
	}
	return colon
}
