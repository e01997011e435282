package pattern

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// InvalidPatternError says why AWS would reject an event pattern. Reason is
// AWS's own text where AWS documents or returns one.
type InvalidPatternError struct {
	Reason string
}

// Error returns the message AWS's InvalidEventPatternException carries.
func (e *InvalidPatternError) Error() string {
	return "Event pattern is not valid. Reason: " + e.Reason
}

func invalid(format string, args ...any) error {
	return &InvalidPatternError{Reason: fmt.Sprintf(format, args...)}
}

// DefaultMaxPatternSize is EventBridge's default limit on the size of an
// event pattern, in characters. AWS can raise it to 4096 on request.
const DefaultMaxPatternSize = 2048

// maxClauses bounds how many alternatives one pattern may expand into
// ($or branches times fields that mix exists:false with other matchers).
const maxClauses = 1024

// opKind names one matcher of the pattern language.
type opKind uint8

const (
	opExactString opKind = iota
	opExactNumber
	opExactLiteral // true, false or null
	opExactIP      // a string pattern that is an IP address literal
	opPrefix
	opSuffix
	opPrefixFold
	opSuffixFold
	opEqualsFold
	opWildcard
	opNumeric
	opCIDR
	opExists // exists: true
	opAbsent // exists: false; only while compiling, then a field flag
	opAnythingBut
	opAnythingButFold
	opAnythingButPrefix
	opAnythingButSuffix
	opAnythingButWildcard
)

// op is one value matcher. Which fields are set depends on kind; the
// operands of the less common kinds are in opArgs, so that the common ones
// stay small (a pattern set holds many).
type op struct {
	kind  opKind
	lit   vkind  // for opExactLiteral
	numOK bool   // text is a comparable number
	keyOK bool   // key is set
	cost  int32  // accessCost
	s     []byte // string operand; for *Fold kinds the caseless key, if any
	text  string // number literal for opExactNumber
	num   uint64 // numKey of text, when numOK

	// Computed once by prepare, for building indexes.
	key   string // the exact key (keys.go), when keyOK
	ident string // identifies the matcher exactly: equal ones share a pred
	share string // identifies the index entry that finds it (shareKey)

	*opArgs
}

// opArgs holds the operands of numeric ranges, IP addresses and ranges,
// anything-but, wildcards and the caseless kinds.
type opArgs struct {
	lo   uint64     // numeric range, as numKeys
	hi   uint64     //
	loX  bool       // lo is exclusive
	hiX  bool       // hi is exclusive
	ipLo []byte     // IP range, 4 or 16 bytes
	ipHi []byte     //
	set  [][]byte   // anything-but strings, prefixes, suffixes
	nums []uint64   // anything-but numbers, as numKeys
	wc   []wildcard // opWildcard has one; opAnythingButWildcard any number
	ic   []caseless // *Fold kinds: one, or any number for opAnythingButFold
}

// field is one condition of a clause: every op is an alternative. An absent
// field requires that the path has no value (exists: false).
type field struct {
	path   string
	ops    []op
	absent bool
}

// clause is one conjunction of fields, sorted by path the way event-ruler
// orders them (UTF-16 code units), which matters for arrays and exists:false.
type clause struct {
	fields []field
}

// compiledPattern is a validated pattern in disjunctive normal form.
type compiledPattern struct {
	clauses []clause
}

// Validate reports whether pattern is a valid EventBridge event pattern
// within the default size limit; the error is AWS's.
func Validate(pattern []byte) error {
	_, err := compile(pattern, DefaultMaxPatternSize)
	return err
}

func compile(pattern []byte, maxSize int) (*compiledPattern, error) {
	if n := utf8.RuneCount(pattern); maxSize > 0 && n > maxSize {
		return nil, invalid("Event pattern is %d characters long; the limit is %d", n, maxSize)
	}
	root, err := parseJSONTree(pattern)
	if err != nil {
		return nil, invalid("%s", err)
	}
	if root.kind != jObject {
		return nil, invalid("Filter is not an object")
	}
	c := compiler{orKeyword: true}
	err = c.object(nil, &root, false)
	var cp *compiledPattern
	if err == nil {
		if cp, err = c.finish(); err == nil {
			return cp, nil
		}
	}
	if !c.sawOr {
		return nil, err
	}
	// event-ruler's Machine.addRule compiles a pattern that its $or-aware
	// compiler rejects once more with its older compiler, to which "$or" is
	// a plain field name: {"$or": {"a": ["x"]}} matches {"$or": {"a": "x"}}
	// and {"$or": ["x"]} matches {"$or": "x"}. The reason given for a
	// pattern both reject is the first compiler's, as AWS reports it.
	plain := compiler{}
	if plain.object(nil, &root, false) == nil {
		if cp, perr := plain.finish(); perr == nil {
			return cp, nil
		}
	}
	return nil, err
}

// rule is one branch while compiling: a map from dotted path to the field's
// matchers, as in event-ruler's JsonRuleCompiler.
type rule map[string][]op

type compiler struct {
	rules     []rule
	orKeyword bool // "$or" introduces alternatives rather than naming a field
	sawOr     bool // a "$or" member was met
}

func (c *compiler) object(path []string, obj *jvalue, insideOr bool) error {
	if len(obj.members) == 0 {
		return invalid("Empty objects are not allowed")
	}
	for i := range obj.members {
		m := &obj.members[i]
		if m.name == "$or" {
			c.sawOr = true
		}
		if m.name == "$or" && c.orKeyword {
			if err := c.or(path, &m.value); err != nil {
				return err
			}
			continue
		}
		if insideOr && slices.Contains(reservedInOr, m.name) {
			return invalid("%s is Ruler reserved fieldName which cannot be used inside $or.", m.name)
		}
		switch m.value.kind {
		case jObject:
			if err := c.object(append(slices.Clip(path), m.name), &m.value, insideOr); err != nil {
				return err
			}
		case jArray:
			if err := c.values(strings.Join(append(slices.Clip(path), m.name), "."), &m.value); err != nil {
				return err
			}
		default:
			return invalid("%q must be an object or an array", m.name)
		}
	}
	return nil
}

var reservedInOr = []string{
	"exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
	"=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
	"date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
	"ip-address-in-range", "ip-address-not-in-range",
}

func (c *compiler) or(path []string, v *jvalue) error {
	current := c.rules
	c.rules = nil
	if v.kind != jArray {
		return invalid("It must be an Array followed with $or.")
	}
	for i := range v.items {
		item := &v.items[i]
		if item.kind != jObject {
			return invalid("Only JSON object is allowed in array of $or relationship.")
		}
		branch := compiler{rules: copyRules(current), orKeyword: true}
		if len(branch.rules) == 0 {
			branch.rules = []rule{{}}
		}
		if err := branch.object(path, item, true); err != nil {
			return err
		}
		c.rules = append(c.rules, branch.rules...)
		if len(c.rules) > maxClauses {
			return invalid("Too many $or combinations: the pattern expands to more than %d alternatives", maxClauses)
		}
	}
	if len(v.items) < 2 {
		return invalid("There must have at least 2 Objects in $or relationship.")
	}
	return nil
}

func copyRules(rs []rule) []rule {
	out := make([]rule, len(rs))
	for i, r := range rs {
		out[i] = make(rule, len(r))
		for k, v := range r {
			out[i][k] = v
		}
	}
	return out
}

// values compiles a field's array of matchers; a later duplicate key
// replaces an earlier one, as in AWS.
func (c *compiler) values(name string, arr *jvalue) error {
	var ms []op
	for i := range arr.items {
		v := &arr.items[i]
		switch v.kind {
		case jObject:
			m, err := matchExpression(v)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		case jString:
			var ip [16]byte
			if n := parseIP([]byte(v.text), &ip); n > 0 {
				ms = append(ms, op{kind: opExactIP, opArgs: &opArgs{ipLo: slices.Clone(ip[:n]), ipHi: slices.Clone(ip[:n])}})
			} else {
				ms = append(ms, op{kind: opExactString, s: []byte(v.text)})
			}
		case jNumber:
			k, ok := comparableNumber([]byte(v.text))
			ms = append(ms, op{kind: opExactNumber, text: v.text, num: k, numOK: ok})
		case jTrue:
			ms = append(ms, op{kind: opExactLiteral, lit: vTrue})
		case jFalse:
			ms = append(ms, op{kind: opExactLiteral, lit: vFalse})
		case jNull:
			ms = append(ms, op{kind: opExactLiteral, lit: vNull})
		default:
			return invalid("Match value must be String, number, true, false, or null")
		}
	}
	if len(ms) == 0 {
		return invalid("Empty arrays are not allowed")
	}
	if len(c.rules) == 0 {
		c.rules = []rule{{}}
	}
	for _, r := range c.rules {
		r[name] = ms
	}
	return nil
}

// matchExpression compiles one {"operator": operand} object. Checks run in
// the order event-ruler's streaming parser meets them, so the first error
// reported is AWS's.
func matchExpression(v *jvalue) (op, error) {
	if len(v.members) == 0 {
		return op{}, invalid("Match expression name not found")
	}
	name, arg := v.members[0].name, &v.members[0].value
	extra := len(v.members) > 1
	onlyOne := func(m op) (op, error) {
		if extra {
			return op{}, invalid("Only one key allowed in match expression")
		}
		return m, nil
	}
	switch name {
	case "prefix", "suffix":
		if arg.kind == jObject {
			m, err := affixIgnoreCase(name, arg)
			if err != nil {
				return m, err
			}
			return onlyOne(m)
		}
		if arg.kind != jString {
			return op{}, invalid("%s match pattern must be a string", name)
		}
		k := opPrefix
		if name == "suffix" {
			k = opSuffix
		}
		return onlyOne(op{kind: k, s: []byte(arg.text)})
	case "equals-ignore-case":
		if arg.kind != jString {
			return op{}, invalid("equals-ignore-case match pattern must be a string")
		}
		ic := newCaseless(arg.text)
		return onlyOne(op{kind: opEqualsFold, s: ic.key, opArgs: &opArgs{ic: []caseless{ic}}})
	case "wildcard":
		if arg.kind != jString {
			return op{}, invalid("wildcard match pattern must be a string")
		}
		w, err := parseWildcard(arg.text)
		if err != nil {
			return op{}, invalid("%s", err)
		}
		return onlyOne(op{kind: opWildcard, opArgs: &opArgs{wc: []wildcard{w}}})
	case "numeric":
		if arg.kind != jArray {
			return op{}, invalid("Value of numeric must be an array.")
		}
		o, err := numericExpression(arg.items)
		if err != nil {
			return op{}, err
		}
		if extra {
			return op{}, invalid("Too many elements in numeric expression")
		}
		return o, nil
	case "anything-but":
		o, err := anythingBut(arg)
		if err != nil {
			return op{}, err
		}
		if extra {
			return op{}, invalid("Too many elements in numeric expression")
		}
		return o, nil
	case "exists":
		var m op
		switch arg.kind {
		case jTrue:
			m = op{kind: opExists}
		case jFalse:
			m = op{kind: opAbsent}
		default:
			return op{}, invalid("exists match pattern must be either true or false.")
		}
		return onlyOne(m)
	case "cidr":
		if arg.kind != jString {
			return op{}, invalid("prefix match pattern must be a string")
		}
		lo, hi, err := cidrRange(arg.text)
		if err != nil {
			return op{}, err
		}
		return onlyOne(op{kind: opCIDR, opArgs: &opArgs{ipLo: lo, ipHi: hi}})
	default:
		return op{}, invalid("Unrecognized match type %s", name)
	}
}

// affixIgnoreCase compiles {"prefix"|"suffix": {"equals-ignore-case": "..."}}.
func affixIgnoreCase(name string, obj *jvalue) (op, error) {
	title := strings.ToUpper(name[:1]) + name[1:]
	if len(obj.members) == 0 {
		return op{}, invalid("%s expression name not found", title)
	}
	if obj.members[0].name != "equals-ignore-case" {
		return op{}, invalid("Unsupported %s pattern: %s", name, obj.members[0].name)
	}
	arg := &obj.members[0].value
	if arg.kind != jString {
		return op{}, invalid("equals-ignore-case match pattern must be a string")
	}
	if len(obj.members) > 1 {
		return op{}, invalid("Only one key allowed in match expression")
	}
	k := opPrefixFold
	if name == "suffix" {
		k = opSuffixFold
	}
	ic := newCaseless(arg.text)
	return op{kind: k, s: ic.key, opArgs: &opArgs{ic: []caseless{ic}}}, nil
}

// numericExpression compiles the array of a "numeric" matcher.
func numericExpression(items []jvalue) (op, error) {
	end := jvalue{kind: jArray} // stands for the closing bracket
	at := func(i int) *jvalue {
		if i < len(items) {
			return &items[i]
		}
		return &end
	}
	tokText := func(v *jvalue) string {
		if v == &end {
			return "]"
		}
		return v.tokenText()
	}
	first := at(0)
	if first == &end || first.kind != jString {
		return op{}, invalid("Invalid member in numeric match: %s", tokText(first))
	}
	// Operands are checked for being numbers as they are met, and for being
	// comparable only once the expression is complete, as event-ruler does.
	num := func(i int, opName string) (string, error) {
		v := at(i)
		if v == &end || !v.isNumber() {
			return "", invalid("Value of %s must be numeric", opName)
		}
		return v.text, nil
	}
	key := func(text string) (uint64, error) {
		k, ok := comparableNumber([]byte(text))
		if !ok {
			return 0, invalid("Cannot compare number : %s", text)
		}
		return k, nil
	}
	// A one-sided range runs to the largest finite number, and may be empty.
	minKey, maxKey := numKey(-math.MaxFloat64), numKey(math.MaxFloat64)
	oneSided := func(text string, lo bool, exclusive bool) (op, error) {
		k, err := key(text)
		if err != nil {
			return op{}, err
		}
		if lo {
			return op{kind: opNumeric, opArgs: &opArgs{lo: k, loX: exclusive, hi: maxKey}}, nil
		}
		return op{kind: opNumeric, opArgs: &opArgs{lo: minKey, hi: k, hiX: exclusive}}, nil
	}
	switch operator := first.text; operator {
	case "=":
		f, err := num(1, "equals")
		if err != nil {
			return op{}, err
		}
		if len(items) > 2 {
			return op{}, invalid("Too many elements in numeric expression")
		}
		k, err := key(f)
		if err != nil {
			return op{}, err
		}
		return op{kind: opNumeric, opArgs: &opArgs{lo: k, hi: k}}, nil
	case "<", "<=":
		f, err := num(1, operator)
		if err != nil {
			return op{}, err
		}
		if len(items) > 2 {
			return op{}, invalid("Too many elements in numeric expression")
		}
		return oneSided(f, false, operator == "<")
	case ">", ">=":
		f, err := num(1, operator)
		if err != nil {
			return op{}, err
		}
		if len(items) == 2 {
			return oneSided(f, true, operator == ">")
		}
		second := at(2)
		if second.kind != jString {
			return op{}, invalid("Bad value in numeric range: %s", tokText(second))
		}
		if second.text != "<" && second.text != "<=" {
			return op{}, invalid("Bad numeric range operator: %s", second.text)
		}
		top, err := num(3, second.text)
		if err != nil {
			return op{}, err
		}
		if len(items) > 4 {
			return op{}, invalid("Too many terms in numeric range expression")
		}
		lo, err := key(f)
		if err != nil {
			return op{}, err
		}
		hi, err := key(top)
		if err != nil {
			return op{}, err
		}
		if lo >= hi {
			return op{}, invalid("Bottom must be less than top")
		}
		return op{kind: opNumeric, opArgs: &opArgs{lo: lo, loX: operator == ">", hi: hi, hiX: second.text == "<"}}, nil
	default:
		return op{}, invalid("Unrecognized numeric range operator: %s", operator)
	}
}

// anythingBut compiles the operand of "anything-but".
func anythingBut(arg *jvalue) (op, error) {
	sub := "" // equals-ignore-case, prefix, suffix or wildcard
	if arg.kind == jObject {
		if len(arg.members) == 0 {
			return op{}, invalid("Anything-But expression name not found")
		}
		sub = arg.members[0].name
		switch sub {
		case "equals-ignore-case", "prefix", "suffix", "wildcard":
		default:
			return op{}, invalid("Unsupported anything-but pattern: %s", sub)
		}
		inner := &arg.members[0].value
		o, err := anythingButSet(sub, inner)
		if err != nil {
			return op{}, err
		}
		if len(arg.members) > 1 {
			return op{}, invalid("Too many elements in numeric expression")
		}
		return o, nil
	}
	switch arg.kind {
	case jString:
		return op{kind: opAnythingBut, opArgs: &opArgs{set: [][]byte{[]byte(arg.text)}}}, nil
	case jNumber:
		k, ok := comparableNumber([]byte(arg.text))
		if !ok {
			return op{}, invalid("Cannot compare number : %s", arg.text)
		}
		return op{kind: opAnythingBut, opArgs: &opArgs{nums: []uint64{k}}}, nil
	case jArray:
		var o = op{kind: opAnythingBut, opArgs: &opArgs{}}
		hasNum, hasStr := false, false
		for i := range arg.items {
			it := &arg.items[i]
			switch it.kind {
			case jString:
				o.set = append(o.set, []byte(it.text))
				hasStr = true
			case jNumber:
				k, ok := comparableNumber([]byte(it.text))
				if !ok {
					return op{}, invalid("Cannot compare number : %s", it.text)
				}
				o.nums = append(o.nums, k)
				hasNum = true
			default:
				return op{}, invalid("Inside anything but list, start|null|boolean is not supported.")
			}
		}
		if hasNum == hasStr {
			return op{}, invalid("Inside anything but list, either all values are number or string, mixed type is not supported")
		}
		return o, nil
	default:
		return op{}, invalid("Value of anything-but must be an array or single string/number value.")
	}
}

// anythingButSet compiles anything-but's equals-ignore-case, prefix, suffix
// and wildcard forms, whose operand is one string or a list of strings.
func anythingButSet(sub string, v *jvalue) (op, error) {
	if v.kind != jArray && v.kind != jString && v.kind != jNumber {
		return op{}, invalid("Value of anything-but must be an array or single string/number value.")
	}
	items := []jvalue{*v}
	if v.kind == jArray {
		items = v.items
	}
	o := op{opArgs: &opArgs{}}
	switch sub {
	case "equals-ignore-case":
		o.kind = opAnythingButFold
	case "prefix":
		o.kind = opAnythingButPrefix
	case "suffix":
		o.kind = opAnythingButSuffix
	default:
		o.kind = opAnythingButWildcard
	}
	for i := range items {
		it := &items[i]
		if it.kind != jString {
			switch sub {
			case "equals-ignore-case":
				return op{}, invalid("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
			case "wildcard":
				return op{}, invalid("wildcard match pattern must be a string")
			default:
				return op{}, invalid("prefix/suffix match pattern must be a string")
			}
		}
		switch sub {
		case "equals-ignore-case":
			o.ic = append(o.ic, newCaseless(it.text))
		case "prefix", "suffix":
			if it.text == "" {
				return op{}, invalid("Null prefix/suffix not allowed")
			}
			o.set = append(o.set, []byte(it.text))
		default:
			w, err := parseWildcard(it.text)
			if err != nil {
				return op{}, invalid("%s", err)
			}
			o.wc = append(o.wc, w)
		}
	}
	return o, nil
}

// cidrRange parses a CIDR the way event-ruler does: the range runs from the
// address as written (not masked) to the address with all host bits set.
func cidrRange(s string) (lo, hi []byte, err error) {
	parts := strings.Split(s, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" { // Java's split drops trailing empties
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 2 {
		return nil, nil, invalid("Malformed CIDR, one '/' required")
	}
	bits, perr := strconv.ParseInt(parts[1], 10, 32)
	if perr != nil {
		return nil, nil, invalid("Malformed CIDR, mask bits must be an integer")
	}
	if bits < 0 {
		return nil, nil, invalid("Malformed CIDR, mask bits must not be negative")
	}
	addr := []byte(parts[0])
	if !looksIPv4(addr) && !looksIPv6(addr) {
		return nil, nil, invalid("Nonstandard IP address: %s", parts[0])
	}
	var ip [16]byte
	n := parseIP(addr, &ip)
	if n == 0 {
		return nil, nil, invalid("Invalid IP address: %s", parts[0])
	}
	if n == 4 && bits > 31 {
		return nil, nil, invalid("IPv4 mask bits must be < 32")
	}
	if n == 16 && bits > 127 {
		return nil, nil, invalid("IPv6 mask bits must be < 128")
	}
	lo = slices.Clone(ip[:n])
	hi = slices.Clone(ip[:n])
	host := n*8 - int(bits)
	for i := n - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			hi[i] = 0xff
		} else {
			hi[i] |= byte(1<<host - 1)
		}
		host -= 8
	}
	return lo, hi, nil
}

// finish turns the compiler's rules into clauses: fields that mix
// exists:false with other matchers split into two alternatives, and fields
// are sorted; then wildcard complexity is checked per path.
func (c *compiler) finish() (*compiledPattern, error) {
	cp := &compiledPattern{}
	for _, r := range c.rules {
		alts := []clause{{}}
		for path, ms := range r {
			pos, absent := ms, false
			for i := range ms {
				if ms[i].kind == opAbsent {
					absent = true
				}
			}
			if absent {
				pos = nil
				for i := range ms {
					if ms[i].kind != opAbsent {
						pos = append(pos, ms[i])
					}
				}
			}
			var next []clause
			for _, a := range alts {
				if len(pos) > 0 {
					next = append(next, clause{fields: append(slices.Clip(a.fields), field{path: path, ops: pos})})
				}
				if absent {
					next = append(next, clause{fields: append(slices.Clip(a.fields), field{path: path, absent: true})})
				}
			}
			alts = next
			if len(cp.clauses)+len(alts) > maxClauses {
				return nil, invalid("Too many $or combinations: the pattern expands to more than %d alternatives", maxClauses)
			}
		}
		for _, a := range alts {
			slices.SortFunc(a.fields, func(x, y field) int { return compareUTF16(x.path, y.path) })
			cp.clauses = append(cp.clauses, a)
		}
	}
	// Complexity is judged per field over every wildcard the pattern puts on it.
	byPath := map[string][]*wildcard{}
	for ci := range cp.clauses {
		for fi := range cp.clauses[ci].fields {
			f := &cp.clauses[ci].fields[fi]
			for oi := range f.ops {
				if f.ops[oi].opArgs == nil {
					continue
				}
				for wi := range f.ops[oi].wc {
					byPath[f.path] = append(byPath[f.path], &f.ops[oi].wc[wi])
				}
			}
		}
	}
	for ci := range cp.clauses {
		for fi := range cp.clauses[ci].fields {
			for oi := range cp.clauses[ci].fields[fi].ops {
				cp.clauses[ci].fields[fi].ops[oi].prepare()
			}
		}
	}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if err := checkWildcardComplexity(dedupWildcards(byPath[p])); err != nil {
			return nil, invalid("%s", err)
		}
	}
	return cp, nil
}

// dedupWildcards drops repeats: the same wildcard reached through several
// $or branches is one pattern in AWS's machine.
func dedupWildcards(ws []*wildcard) []*wildcard {
	seen := map[string]bool{}
	out := ws[:0:0]
	for _, w := range ws {
		k := w.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, w)
		}
	}
	return out
}

// compareUTF16 orders strings by UTF-16 code units, as Java's String does.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			for i := 0; i < len(ua) && i < len(ub); i++ {
				if ua[i] != ub[i] {
					return int(ua[i]) - int(ub[i])
				}
			}
			return len(ua) - len(ub)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func utf16Units(r rune) []uint16 {
	if r >= 0x10000 {
		r1, r2 := utf16.EncodeRune(r)
		return []uint16{uint16(r1), uint16(r2)}
	}
	return []uint16{uint16(r)}
}
