package pattern

import "bytes"

// match reports whether one event leaf satisfies the matcher. This is the
// single definition of each operator's meaning; indexes only speed up the
// search for candidates and are tested against it.
func (o *op) match(v *value) bool {
	switch o.kind {
	case opExactString:
		return v.kind == vString && bytes.Equal(v.str, o.s)
	case opExactNumber:
		return v.kind == vNumber && ((o.numOK && v.numOK && v.num == o.num) || string(v.str) == o.text)
	case opExactLiteral:
		return v.kind == o.lit
	case opExactIP, opCIDR:
		ip, ok := v.ipAddr()
		return ok && len(ip) == len(o.ipLo) && bytes.Compare(o.ipLo, ip) <= 0 && bytes.Compare(ip, o.ipHi) <= 0
	case opPrefix:
		return v.kind == vString && hasQuotedPrefix(v.str, o.s)
	case opSuffix:
		return v.kind == vString && hasQuotedSuffix(v.str, o.s)
	case opPrefixFold:
		return v.kind == vString && o.ic[0].hasPrefix(v.str)
	case opSuffixFold:
		return v.kind == vString && o.ic[0].hasSuffix(v.str)
	case opEqualsFold:
		return v.kind == vString && o.ic[0].equal(v.str)
	case opWildcard:
		return v.kind == vString && o.wc[0].match(v.str)
	case opNumeric:
		if v.kind != vNumber || !v.numOK {
			return false
		}
		x := v.num
		if x < o.lo || (o.loX && x == o.lo) || x > o.hi || (o.hiX && x == o.hi) {
			return false
		}
		return true
	case opExists:
		return true
	case opAnythingBut:
		switch v.kind {
		case vString:
			for _, s := range o.set {
				if bytes.Equal(v.str, s) {
					return false
				}
			}
		case vNumber:
			if v.numOK {
				for _, k := range o.nums {
					if v.num == k {
						return false
					}
				}
			}
		}
		return true
	case opAnythingButFold:
		if v.kind == vString {
			for i := range o.ic {
				if o.ic[i].equal(v.str) {
					return false
				}
			}
		}
		return true
	case opAnythingButPrefix:
		if v.kind == vString {
			for _, s := range o.set {
				if hasQuotedPrefix(v.str, s) {
					return false
				}
			}
		}
		return true
	case opAnythingButSuffix:
		if v.kind == vString {
			for _, s := range o.set {
				if hasQuotedSuffix(v.str, s) {
					return false
				}
			}
		}
		return true
	case opAnythingButWildcard:
		if v.kind == vString {
			for i := range o.wc {
				if o.wc[i].match(v.str) {
					return false
				}
			}
		}
		return true
	}
	return false
}
