package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The property: a Matcher holding many patterns returns exactly the names
// that a brute-force reference evaluator finds for each pattern alone, and
// exactly what a Matcher holding that one pattern returns.
//
// The reference shares the compiled form and each operator's definition
// (op.match, the one place semantics live) but nothing of the matcher's
// machinery: it decodes the event with encoding/json, flattens it itself and
// tries every combination of leaves.

func TestMatcherAgreesWithReference(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			var pats [][]byte
			var compiled []*compiledPattern
			m := NewMatcher()
			for len(pats) < 60 {
				p := genPattern(r)
				cp, err := compile(p, 0)
				if err != nil {
					continue // generated patterns may be invalid; compile is tested against AWS elsewhere
				}
				name := fmt.Sprint("p", len(pats))
				if err := m.AddPattern(name, p); err != nil {
					t.Fatal(err)
				}
				pats = append(pats, p)
				compiled = append(compiled, cp)
			}
			singles := make([]*Matcher, len(pats))
			for i, p := range pats {
				singles[i] = NewMatcher(WithMaxPatternSize(0))
				if err := singles[i].AddPattern("x", p); err != nil {
					t.Fatal(err)
				}
			}
			matches := 0
			for n := 0; n < 300; n++ {
				ev := genEvent(r)
				got, err := m.Match(ev)
				if err != nil {
					t.Fatalf("Match(%s): %v", ev, err)
				}
				leaves := referenceLeaves(t, ev)
				var want []string
				for i, cp := range compiled {
					ref := referenceMatch(cp, leaves)
					if ref {
						want = append(want, fmt.Sprint("p", i))
					}
					one, err := singles[i].Match(ev)
					if err != nil {
						t.Fatal(err)
					}
					if (len(one) == 1) != ref {
						t.Fatalf("single pattern %s\n event %s\n matcher %v, reference %v", pats[i], ev, one, ref)
					}
				}
				matches += len(want)
				if !slices.Equal(got, want) {
					t.Fatalf("event %s\n got  %v\n want %v\n%s", ev, got, want, describeDiff(pats, got, want))
				}
			}
			if matches == 0 {
				t.Fatal("no event matched any pattern: the generators are too weak to test anything")
			}
		})
	}
}

func describeDiff(pats [][]byte, got, want []string) string {
	var b strings.Builder
	for _, n := range append(slices.Clone(got), want...) {
		if slices.Contains(got, n) != slices.Contains(want, n) {
			var i int
			fmt.Sscanf(n, "p%d", &i)
			fmt.Fprintf(&b, "%s: %s\n", n, pats[i])
		}
	}
	return b.String()
}

// refLeaf is a leaf of the reference flattening.
type refLeaf struct {
	path  string
	v     value
	trail []arrayPos
}

// referenceLeaves flattens an event with encoding/json's token stream, which
// keeps duplicate keys, the way a streaming JSON reader does.
func referenceLeaves(t testing.TB, ev []byte) []refLeaf {
	d := json.NewDecoder(bytes.NewReader(ev))
	d.UseNumber()
	var out []refLeaf
	var nextID int32
	// top is true for the event object itself, whose member names start
	// paths (an empty name is a path segment like any other).
	var walk func(path string, top bool, trail []arrayPos) error
	walk = func(path string, top bool, trail []arrayPos) error {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch x := tok.(type) {
		case json.Delim:
			switch x {
			case '{':
				for d.More() {
					kt, err := d.Token()
					if err != nil {
						return err
					}
					k := kt.(string)
					p := k
					if !top {
						p = path + "." + k
					}
					if err := walk(p, false, trail); err != nil {
						return err
					}
				}
			case '[':
				id := nextID
				nextID++
				for i := int32(0); d.More(); i++ {
					if err := walk(path, false, append(slices.Clip(trail), arrayPos{id, i})); err != nil {
						return err
					}
				}
			}
			_, err := d.Token() // closing delimiter
			return err
		case string:
			out = append(out, refLeaf{path, value{kind: vString, str: []byte(x)}, trail})
		case json.Number:
			k, ok := comparableNumber([]byte(x))
			out = append(out, refLeaf{path, value{kind: vNumber, str: []byte(x), num: k, numOK: ok}, trail})
		case bool:
			k := vFalse
			if x {
				k = vTrue
			}
			out = append(out, refLeaf{path, value{kind: k}, trail})
		case nil:
			out = append(out, refLeaf{path, value{kind: vNull}, trail})
		}
		return nil
	}
	if err := walk("", true, nil); err != nil {
		t.Fatalf("event is not JSON: %v", err)
	}
	return out
}

func refConsistent(a, b []arrayPos) bool {
	for _, x := range a {
		for _, y := range b {
			if x.id == y.id && x.idx != y.idx {
				return false
			}
		}
	}
	return true
}

func referenceMatch(cp *compiledPattern, leaves []refLeaf) bool {
	for _, cl := range cp.clauses {
		var try func(i int, chosen [][]arrayPos) bool
		try = func(i int, chosen [][]arrayPos) bool {
			if i == len(cl.fields) {
				return true
			}
			f := cl.fields[i]
			ok := func(l *refLeaf) bool {
				for _, c := range chosen {
					if !refConsistent(l.trail, c) {
						return false
					}
				}
				return true
			}
			if f.absent {
				for j := range leaves {
					if leaves[j].path == f.path && ok(&leaves[j]) {
						return false
					}
				}
				return try(i+1, chosen)
			}
			for j := range leaves {
				l := &leaves[j]
				if l.path != f.path || !ok(l) {
					continue
				}
				v := l.v
				matched := false
				for k := range f.ops {
					if f.ops[k].match(&v) {
						matched = true
					}
				}
				if matched && try(i+1, append(slices.Clip(chosen), l.trail)) {
					return true
				}
			}
			return false
		}
		if try(0, nil) {
			return true
		}
	}
	return false
}

// Generators. A small vocabulary makes matches likely.

var genKeys = []string{"a", "b", "c", "d.e"}
var genStrings = []string{"foo", "Foo", "FOO", "bar", "foobar", "", "10.0.0.5", "2001:db8::1", "x*y", `q"`, "ß", "é",
	"SS", "ς", "σ", "Σ", "\u212a", "k"}

// genNumbers mixes comparable numbers with ones float64 cannot hold exactly
// (compared as text only) and -0 (its own value).
var genNumbers = []string{"0", "1", "1.5", "300", "3.0e2", "-2", "1e3", "-0", "12345678901234567", "12345678901234568",
	"1.2345678901234568e16", "0.10000000000000001", "0.1", "1e400"}

func genScalar(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0, 1, 2, 3:
		return jsonQuote(genStrings[r.IntN(len(genStrings))])
	case 4, 5:
		return genNumbers[r.IntN(len(genNumbers))]
	case 6:
		return []string{"true", "false"}[r.IntN(2)]
	default:
		return "null"
	}
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func genEventValue(r *rand.Rand, depth int) string {
	if depth > 2 {
		return genScalar(r)
	}
	switch r.IntN(7) {
	case 0:
		return genEventObject(r, depth+1)
	case 1, 2:
		n := r.IntN(4)
		items := make([]string, n)
		for i := range items {
			if r.IntN(2) == 0 {
				items[i] = genEventObject(r, depth+1)
			} else {
				items[i] = genEventValue(r, depth+1)
			}
		}
		return "[" + strings.Join(items, ",") + "]"
	default:
		return genScalar(r)
	}
}

func genEventObject(r *rand.Rand, depth int) string {
	keys := slices.Clone(genKeys)
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	n := r.IntN(len(keys) + 1)
	parts := make([]string, 0, n+2)
	for _, k := range keys[:n] {
		parts = append(parts, genName(r, k)+":"+genEventValue(r, depth))
	}
	// Now and then, after the members patterns look at (where the matcher
	// may have stopped reading), what could change the answer: the same
	// name again, possibly escaped or dotted, or a member none looks at
	// with a long value full of quotes, brackets in strings and escapes.
	switch r.IntN(6) {
	case 0:
		k := genKeys[r.IntN(len(genKeys))]
		parts = append(parts, genName(r, k)+":"+genEventValue(r, depth))
	case 1:
		parts = append(parts, jsonQuote(genKeys[r.IntN(len(genKeys))]+"."+genKeys[r.IntN(len(genKeys))])+":"+genScalar(r))
	case 2:
		parts = append(parts, `"zz":`+genFiller(r))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// genName spells member name k, sometimes with escapes.
func genName(r *rand.Rand, k string) string {
	if r.IntN(8) != 0 {
		return jsonQuote(k)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range k {
		fmt.Fprintf(&b, "\\u%04x", c)
	}
	b.WriteByte('"')
	return b.String()
}

// genFiller is a value no pattern looks at, long enough for the vector tail
// scan, with what that scan must not be fooled by.
func genFiller(r *rand.Rand) string {
	items := []string{`[1.5,-2e3,[0,[]]]`, `"a]b}c"`, `"{[\"x\"]"`, `{"q":{"r":[true,null]}}`, `"        spaces         "`,
		`"a\\"`, `"b\u0022"`, `"\u0041"`, `["x","y",{"a":1}]`, `"d.e"`, `"a"`}
	var parts []string
	for i := r.IntN(8); i >= 0; i-- {
		parts = append(parts, items[r.IntN(len(items))])
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func genEvent(r *rand.Rand) []byte { return []byte(genEventObject(r, 0)) }

func genMatcher(r *rand.Rand) string {
	s := func() string { return jsonQuote(genStrings[r.IntN(len(genStrings))]) }
	switch r.IntN(17) {
	case 0, 1:
		return genScalar(r)
	case 2:
		return `{"prefix":` + s() + `}`
	case 3:
		return `{"suffix":` + s() + `}`
	case 4:
		return `{"equals-ignore-case":` + s() + `}`
	case 5:
		return `{"prefix":{"equals-ignore-case":` + s() + `}}`
	case 6:
		return `{"suffix":{"equals-ignore-case":` + s() + `}}`
	case 7:
		return `{"wildcard":` + jsonQuote([]string{"f*", "*o", "*o*", "F*O", "*", "x\\*y", "b*r"}[r.IntN(7)]) + `}`
	case 8:
		return `{"anything-but":` + s() + `}`
	case 9:
		return `{"anything-but":[` + genNumbers[r.IntN(len(genNumbers))] + `,` + genNumbers[r.IntN(len(genNumbers))] + `]}`
	case 10:
		return `{"anything-but":{"prefix":` + jsonQuote([]string{"f", "b", "10."}[r.IntN(3)]) + `}}`
	case 11:
		return `{"anything-but":{"suffix":` + jsonQuote([]string{"o", "r"}[r.IntN(2)]) + `}}`
	case 12:
		return `{"anything-but":{"equals-ignore-case":[` + s() + `]}}`
	case 13:
		return `{"anything-but":{"wildcard":` + jsonQuote([]string{"f*", "*r"}[r.IntN(2)]) + `}}`
	case 14:
		lo := genNumbers[r.IntN(len(genNumbers))]
		return `{"numeric":[">=",` + lo + `,"<",1000]}`
	case 15:
		return `{"cidr":` + jsonQuote([]string{"10.0.0.0/24", "2001:db8::/32", "10.0.0.7/30"}[r.IntN(3)]) + `}`
	default:
		return `{"exists":` + []string{"true", "false"}[r.IntN(2)] + `}`
	}
}

func genPatternObject(r *rand.Rand, depth int) string {
	keys := slices.Clone(genKeys)
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	n := 1 + r.IntN(2)
	var parts []string
	for _, k := range keys[:n] {
		if depth < 2 && r.IntN(4) == 0 {
			parts = append(parts, jsonQuote(k)+":"+genPatternObject(r, depth+1))
			continue
		}
		m := 1 + r.IntN(2)
		vals := make([]string, m)
		for i := range vals {
			vals[i] = genMatcher(r)
		}
		parts = append(parts, jsonQuote(k)+":["+strings.Join(vals, ",")+"]")
	}
	if depth < 2 && r.IntN(5) == 0 {
		parts = append(parts, `"$or":[`+genPatternObject(r, depth+1)+","+genPatternObject(r, depth+1)+"]")
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func genPattern(r *rand.Rand) []byte { return []byte(genPatternObject(r, 0)) }
