package pattern

import (
	"math"
	"strconv"
	"unsafe"
)

// Numbers are compared the way event-ruler's ComparableNumber does. A number
// literal is "comparable" when float64 holds its value exactly as written,
// that is, when the shortest decimal of the nearest float64 has the same
// value as the literal (300, 3.0e2, 0.1 and 37.729900216217324 are;
// 12345678901234567 and 0.10000000000000001 are not: float64 rounds them).
// Comparable numbers compare by value, in the total order of numKey (so -0
// is below 0 and equals only -0); numbers that are not comparable match only
// a pattern literal with exactly the same text, never a numeric range or a
// numeric anything-but. A pattern whose numeric operand is not comparable is
// invalid: "Cannot compare number : <literal>".

// numKey maps a float64 to an unsigned key with the same order (negative
// values flipped, positive ones above them), as event-ruler encodes numbers.
func numKey(f float64) uint64 {
	b := math.Float64bits(f)
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// maxSafeDigits is the most significant digits any decimal can have and
// still be the shortest representation of its float64 (DBL_DIG).
const maxSafeDigits = 15

// comparableNumber parses a JSON number literal. It returns the literal's
// numKey and whether the literal is comparable.
func comparableNumber(text []byte) (uint64, bool) {
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(text), len(text)), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	// Up to 15 significant digits, a normal float64 (or zero) holds the
	// literal's value exactly as its shortest decimal: no formatting needed.
	if n := significantDigits(text); n <= maxSafeDigits && ((n == 0) == (f == 0)) && (f == 0 || math.Abs(f) >= 0x1p-1022) {
		return numKey(f), true
	}
	var buf [32]byte
	short := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	var d1, d2 [48]byte
	a, ea, oka := decimalDigits(text, d1[:0])
	b, eb, okb := decimalDigits(short, d2[:0])
	if !oka || !okb || string(a) != string(b) || (len(a) > 0 && ea != eb) {
		return 0, false
	}
	return numKey(f), true
}

// significantDigits counts the digits of a number literal from the first
// non-zero digit to the last non-zero one, ignoring the exponent.
func significantDigits(text []byte) int {
	first, last, pos := -1, -1, 0
	for _, c := range text {
		if c == 'e' || c == 'E' {
			break
		}
		if c >= '1' && c <= '9' {
			if first < 0 {
				first = pos
			}
			last = pos
			pos++
		} else if c == '0' {
			pos++
		}
	}
	if first < 0 {
		return 0
	}
	return last - first + 1
}

// decimalDigits returns the significant digits of a number literal (no
// leading or trailing zeros; none for zero) and the exponent e such that the
// value's magnitude is 0.digits × 10^e. ok is false when the exponent is too
// large to represent, which only happens for values that are not
// comparable anyway.
func decimalDigits(text, dst []byte) (digits []byte, exp int, ok bool) {
	i := 0
	if i < len(text) && text[i] == '-' {
		i++
	}
	point := -1 // digits before the decimal point
	n := 0      // digits seen
	lead := 0   // leading zeros dropped
	for ; i < len(text); i++ {
		c := text[i]
		if c == '.' {
			point = n
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		if c == '0' && len(dst) == 0 {
			lead++
		} else {
			dst = append(dst, c)
		}
		n++
	}
	if point < 0 {
		point = n
	}
	e := 0
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		v, err := strconv.Atoi(string(text[i+1:]))
		if err != nil || v > 1<<30 || v < -1<<30 {
			return nil, 0, len(dst) == 0
		}
		e = v
	}
	for len(dst) > 0 && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	return dst, point - lead + e, true
}
