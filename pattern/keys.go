package pattern

// Exact keys. Every op that selects exactly one value (an exact string,
// number or literal, an IP, an equals-ignore-case string) has a key, and so
// does every form of an event leaf, so one map lookup finds them.
const (
	keyString  = 's'
	keyNumber  = 'n' // float64 bits
	keyNumText = 't' // number literal outside float64's range
	keyLiteral = 'l'
	keyFold    = 'f'
	keyIP      = 'i'
)

// exactKey returns the key of an exact-class op.
func exactKey(dst []byte, o *op) ([]byte, bool) {
	switch o.kind {
	case opExactString:
		return append(append(dst, keyString), o.s...), true
	case opWildcard:
		if o.wc[0].hasStar() {
			return dst, false
		}
		return append(append(dst, keyString), o.wc[0].segs[0]...), true
	case opExactNumber:
		if o.numOK {
			return numberKey(dst, o.num), true
		}
		return append(append(dst, keyNumText), o.text...), true
	case opExactLiteral:
		return append(dst, keyLiteral, byte(o.lit)), true
	case opEqualsFold:
		if o.s == nil {
			return dst, false // not a caseless key: checked unit by unit
		}
		return append(append(dst, keyFold), o.s...), true
	case opExactIP:
		return append(append(dst, keyIP), o.ipLo...), true
	}
	return dst, false
}

func numberKey(dst []byte, b uint64) []byte {
	return append(dst, keyNumber, byte(b>>56), byte(b>>48), byte(b>>40), byte(b>>32), byte(b>>24), byte(b>>16), byte(b>>8), byte(b))
}

// keyForms says which key forms a node's exact entries use, so a leaf is
// looked up only in forms that can hit.
type keyForms uint8

const (
	formString keyForms = 1 << iota
	formNumber
	formNumText
	formLiteral
	formFold
	formIP
)

func formOf(key []byte) keyForms {
	switch key[0] {
	case keyString:
		return formString
	case keyNumber:
		return formNumber
	case keyNumText:
		return formNumText
	case keyLiteral:
		return formLiteral
	case keyFold:
		return formFold
	default:
		return formIP
	}
}

// eachKey calls fn with every key of leaf value v in the given forms. The
// key bytes are only valid during the call.
func eachKey(v *value, forms keyForms, buf []byte, fn func(key []byte)) []byte {
	switch v.kind {
	case vString:
		if forms&formString != 0 {
			buf = append(append(buf[:0], keyString), v.str...)
			fn(buf)
		}
		if forms&formFold != 0 {
			buf = append(append(buf[:0], keyFold), v.lowered()...)
			fn(buf)
		}
		if forms&formIP != 0 {
			if ip, ok := v.ipAddr(); ok {
				buf = append(append(buf[:0], keyIP), ip...)
				fn(buf)
			}
		}
	case vNumber:
		// A comparable number can only equal comparable pattern numbers,
		// and one that is not only pattern literals with its exact text.
		if forms&formNumber != 0 && v.numOK {
			buf = numberKey(buf[:0], v.num)
			fn(buf)
		}
		if forms&formNumText != 0 && !v.numOK {
			buf = append(append(buf[:0], keyNumText), v.str...)
			fn(buf)
		}
	default:
		if forms&formLiteral != 0 {
			buf = append(buf[:0], keyLiteral, byte(v.kind))
			fn(buf)
		}
	}
	return buf
}
