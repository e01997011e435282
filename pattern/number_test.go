package pattern

import (
	"errors"
	"testing"
)

// matchCase is one pattern and event with the answer event-ruler gives:
// "match", "no-match", or the reason of an invalid pattern.
type matchCase struct {
	pattern, event, want string
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		m := NewMatcher()
		err := m.AddPattern("p", []byte(c.pattern))
		if c.want != "match" && c.want != "no-match" {
			var ipe *InvalidPatternError
			if !errors.As(err, &ipe) || ipe.Reason != c.want {
				t.Errorf("pattern %s: error %v, want reason %q", c.pattern, err, c.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("pattern %s: %v", c.pattern, err)
			continue
		}
		got, err := m.Match([]byte(c.event))
		if err != nil {
			t.Errorf("pattern %s event %s: %v", c.pattern, c.event, err)
			continue
		}
		if (len(got) == 1) != (c.want == "match") {
			t.Errorf("pattern %s event %s: matched %v, event-ruler says %s", c.pattern, c.event, len(got) == 1, c.want)
		}
	}
}

// TestNumbersAsEventRuler pins the rules of number.go: numbers float64
// cannot hold exactly compare as text only, comparable ones by value in
// event-ruler's total order.
func TestNumbersAsEventRuler(t *testing.T) {
	runMatchCases(t, []matchCase{
		// 17 significant digits that float64 rounds: text only.
		{`{"n":[12345678901234567]}`, `{"n":12345678901234567}`, "match"},
		{`{"n":[12345678901234567]}`, `{"n":12345678901234568}`, "no-match"},
		{`{"n":[12345678901234567]}`, `{"n":1.2345678901234567e16}`, "no-match"},
		{`{"n":[12345678901234567]}`, `{"n":"12345678901234567"}`, "no-match"},
		// 17 digits that float64 holds exactly: by value.
		{`{"n":[12345678901234568]}`, `{"n":1.2345678901234568e16}`, "match"},
		{`{"n":[12345678901234568]}`, `{"n":12345678901234567}`, "no-match"},
		{`{"n":[37.729900216217324]}`, `{"n":37.7299002162173240}`, "match"},
		{`{"n":[0.1]}`, `{"n":1e-1}`, "match"},
		{`{"n":[0.1]}`, `{"n":0.10000000000000001}`, "no-match"},
		{`{"n":[300]}`, `{"n":3.0e2}`, "match"},
		{`{"n":[9007199254740993]}`, `{"n":9007199254740992}`, "no-match"},
		// Out of float64's range: text only.
		{`{"n":[1e400]}`, `{"n":1e400}`, "match"},
		{`{"n":[1e400]}`, `{"n":1E400}`, "no-match"},
		{`{"n":[{"numeric":[">",0]}]}`, `{"n":1e400}`, "no-match"},
		{`{"n":[0]}`, `{"n":1e-400}`, "no-match"},
		// Numeric operators see only comparable numbers.
		{`{"n":[{"numeric":[">",0]}]}`, `{"n":12345678901234567}`, "no-match"},
		{`{"n":[{"numeric":[">",0]}]}`, `{"n":12345678901234568}`, "match"},
		{`{"n":[{"numeric":["=",12345678901234568]}]}`, `{"n":12345678901234568}`, "match"},
		{`{"n":[{"anything-but":[5]}]}`, `{"n":12345678901234567}`, "match"},
		{`{"n":[{"anything-but":[5]}]}`, `{"n":5.0}`, "no-match"},
		{`{"n":[{"anything-but":[12345678901234568]}]}`, `{"n":12345678901234567}`, "match"},
		// Operands of numeric and anything-but must be comparable.
		{`{"n":[{"numeric":["=",12345678901234567]}]}`, ``, "Cannot compare number : 12345678901234567"},
		{`{"n":[{"numeric":[">",0,"<",12345678901234567]}]}`, ``, "Cannot compare number : 12345678901234567"},
		{`{"n":[{"numeric":["<",1e400]}]}`, ``, "Cannot compare number : 1e400"},
		{`{"n":[{"numeric":["<",1e400,5]}]}`, ``, "Too many elements in numeric expression"},
		{`{"n":[{"anything-but":12345678901234567}]}`, ``, "Cannot compare number : 12345678901234567"},
		{`{"n":[{"anything-but":[1,0.10000000000000001]}]}`, ``, "Cannot compare number : 0.10000000000000001"},
		// -0 is its own value below 0, as event-ruler's encoding orders it.
		{`{"n":[0]}`, `{"n":-0}`, "no-match"},
		{`{"n":[-0]}`, `{"n":-0.0}`, "match"},
		{`{"n":[0]}`, `{"n":0.0e5}`, "match"},
		{`{"n":[{"numeric":["<",0]}]}`, `{"n":-0}`, "match"},
		{`{"n":[{"numeric":[">=",0]}]}`, `{"n":-0}`, "no-match"},
		{`{"n":[{"numeric":[">",-0,"<",0]}]}`, `{"n":0}`, "no-match"},
		// A one-sided range may be empty; a two-sided one may not.
		{`{"n":[{"numeric":["<",-1.7976931348623157e308]}]}`, `{"n":-1.7976931348623157e308}`, "no-match"},
		{`{"n":[{"numeric":[">",1.7976931348623157e308]}]}`, `{"n":1}`, "no-match"},
		{`{"n":[{"numeric":[">",5,"<",5]}]}`, ``, "Bottom must be less than top"},
	})
}

func TestComparableNumber(t *testing.T) {
	for text, want := range map[string]bool{
		"0": true, "-0": true, "0.000": true, "0e999999999999": true, "1": true, "-1.5": true,
		"123456789012345": true, "1234567890123456": true, "12345678901234567": false, "12345678901234568": true,
		"0.1": true, "0.10000000000000001": false, "0.30000000000000004": true, "1e308": true, "1e309": false,
		"5e-324": true, "4.9e-324": false, "2.2250738585072014e-308": true, "1e-400": false, "1.00000000000000000000": true,
		"100000000000000000000000": true, "1e23": true, "9007199254740993": false, "1e999999999999": false,
	} {
		if _, got := comparableNumber([]byte(text)); got != want {
			t.Errorf("comparableNumber(%s) = %v, want %v", text, got, want)
		}
	}
}
