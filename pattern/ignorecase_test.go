package pattern

import "testing"

// TestEqualsIgnoreCaseAsEventRuler pins the rules of ignorecase.go: each
// unit of the operand matches its Java lower or upper case form, nothing
// else.
func TestEqualsIgnoreCaseAsEventRuler(t *testing.T) {
	eic := func(op, operand string) string { return `{"a":[{` + op + `:` + jsonQuote(operand) + `}]}` }
	ev := func(v string) string { return `{"a":` + jsonQuote(v) + `}` }
	const eq = `"equals-ignore-case"`
	cases := []matchCase{
		// Greek sigma: the operand's letter decides.
		{eic(eq, "ς"), ev("ς"), "match"},
		{eic(eq, "ς"), ev("Σ"), "match"},
		{eic(eq, "ς"), ev("σ"), "no-match"},
		{eic(eq, "σ"), ev("Σ"), "match"},
		{eic(eq, "σ"), ev("ς"), "no-match"},
		{eic(eq, "Σ"), ev("σ"), "match"},
		{eic(eq, "Σ"), ev("ς"), "no-match"},
		{eic(eq, "ΟΔΟΣ"), ev("οδος"), "no-match"},
		{eic(eq, "ΟΔΟΣ"), ev("οδοσ"), "match"},
		// Upper case longer than the character.
		{eic(eq, "ß"), ev("SS"), "match"},
		{eic(eq, "ß"), ev("ß"), "match"},
		{eic(eq, "ß"), ev("ss"), "no-match"},
		{eic(eq, "Straße"), ev("STRASSE"), "match"},
		{eic(eq, "Straße"), ev("strasse"), "no-match"},
		{eic(eq, "SS"), ev("ß"), "no-match"},
		{eic(eq, "ﬁle"), ev("FILE"), "match"},
		// Lower case longer than the character, forms of different lengths.
		{eic(eq, "İx"), ev("i\u0307X"), "match"},
		{eic(eq, "İx"), ev("İx"), "match"},
		{eic(eq, "İx"), ev("ix"), "no-match"},
		// Kelvin sign and title case.
		{eic(eq, "k"), ev("K"), "match"},
		{eic(eq, "k"), ev("\u212a"), "no-match"},
		{eic(eq, "\u212a"), ev("k"), "match"},
		{eic(eq, "\u212a"), ev("K"), "no-match"},
		{eic(eq, "ǅ"), ev("ǆ"), "match"},
		{eic(eq, "ǅ"), ev("Ǆ"), "match"},
		{eic(eq, "ǅ"), ev("ǅ"), "no-match"},
		// Outside the Basic Multilingual Plane: two units, each "?".
		{eic(eq, "😀"), ev("??"), "match"},
		{eic(eq, "😀"), ev("😀"), "no-match"},
		// Caseless scripts and ASCII.
		{eic(eq, "東京"), ev("東京"), "match"},
		{eic(eq, "jefferson"), ev("JEFFERSON"), "match"},
		{eic(eq, "jefferson"), ev("JEFFERSONS"), "no-match"},
		// The other three forms use the same rule.
		{`{"a":[{"prefix":{"equals-ignore-case":"ß"}}]}`, ev("SSx"), "match"},
		{`{"a":[{"prefix":{"equals-ignore-case":"ß"}}]}`, ev("ssx"), "no-match"},
		{`{"a":[{"suffix":{"equals-ignore-case":"ς"}}]}`, ev("ΟΔΟΣ"), "match"},
		{`{"a":[{"suffix":{"equals-ignore-case":"ς"}}]}`, ev("οδοσ"), "no-match"},
		{`{"a":[{"anything-but":{"equals-ignore-case":["ς"]}}]}`, ev("σ"), "match"},
		{`{"a":[{"anything-but":{"equals-ignore-case":["ς"]}}]}`, ev("Σ"), "no-match"},
		{`{"a":[{"anything-but":{"equals-ignore-case":"ß"}}]}`, ev("SS"), "no-match"},
		{`{"a":[{"anything-but":{"equals-ignore-case":"ß"}}]}`, ev("ss"), "match"},
		// A quote ending a prefix still matches the value's closing quote.
		{`{"a":[{"prefix":{"equals-ignore-case":"ab\""}}]}`, ev("AB"), "match"},
		{`{"a":[{"prefix":{"equals-ignore-case":"ς\""}}]}`, ev("Σ"), "match"},
		{`{"a":[{"suffix":{"equals-ignore-case":"\"ς"}}]}`, ev("Σ"), "match"},
	}
	runMatchCases(t, cases)
	// The same operands, each in a matcher with many other patterns on the
	// field, so that indexes rather than a single scan answer.
	for _, c := range cases {
		m := NewMatcher()
		for i, other := range []string{"x", "y", "Ab", "ß", "k", "東"} {
			if err := m.AddPattern(string(rune('A'+i)), []byte(eic(eq, other))); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.AddPattern("p", []byte(c.pattern)); err != nil {
			t.Fatal(err)
		}
		got, err := m.Match([]byte(c.event))
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, n := range got {
			hit = hit || n == "p"
		}
		if hit != (c.want == "match") {
			t.Errorf("with other patterns: pattern %s event %s: matched %v, want %s", c.pattern, c.event, hit, c.want)
		}
	}
}
