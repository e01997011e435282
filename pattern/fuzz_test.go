package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`{"source":["aws.ec2"]}`,
		`{"detail":{"x":[{"numeric":[">",0,"<=",5]}],"$or":[{"a":[1]},{"b":[{"exists":false}]}]}}`,
		`{"a":[{"wildcard":"*:*:*"}],"b":[{"cidr":"10.0.0.0/8"}],"c":[{"anything-but":{"prefix":"x"}}]}`,
		`{"a":[{"prefix":{"equals-ignore-case":"x"}}]}`, `[]`, `{`, `{"a":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		_, err := compile(p, DefaultMaxPatternSize)
		var ipe *InvalidPatternError
		if err != nil && !errors.As(err, &ipe) {
			t.Fatalf("compile error is not an InvalidPatternError: %v", err)
		}
	})
}

// FuzzMatch checks that matching never panics and, for valid JSON events,
// agrees with the brute-force reference.
func FuzzMatch(f *testing.F) {
	f.Add([]byte(`{"a":["foo",{"prefix":"b"}],"b":{"c":[{"exists":false}]}}`), []byte(`{"a":"foo","b":[{"c":1},{"d":2}]}`))
	f.Add([]byte(`{"a":[{"numeric":[">",1]}]}`), []byte(`{"a":[1,2,[3]],"a.b":null}`))
	f.Add([]byte(`{"d":{"e":[{"anything-but":["x"]}]}}`), []byte(`{"d.e":"y","d":{"e":"x"}}`))
	// Early stop: the pattern's fields come first, then a tail to check.
	f.Add([]byte(`{"a":["x"]}`), []byte(`{"a":"x","b":[[1.5,2,0],[3,4,0],[5,6,0],[7,8,0]],"c":"]}","a":"y"}`))
	f.Add([]byte(`{"a":{"b":["y"]}}`), []byte(`{"a":{"b":"x","c":[1,2,3,4,5,6,7,8,9]},"a.b":"y","d":"\u0061"}`))
	f.Add([]byte(`{"a":["x"]}`), []byte(`{"a":"x","\u0061":"y","b":{"c":[1,2,3,4,5,6,7,8,9,10]}}`))
	f.Fuzz(func(t *testing.T, p, ev []byte) {
		cp, err := compile(p, DefaultMaxPatternSize)
		if err != nil {
			return
		}
		m := NewMatcher()
		if err := m.AddPattern("p", p); err != nil {
			t.Fatal(err)
		}
		got, err := m.Match(ev)
		if !json.Valid(ev) || !utf8.Valid(ev) {
			return // only checked for not panicking
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(ev, &obj) != nil || obj == nil { // "null" unmarshals into a nil map
			if err == nil {
				t.Fatalf("non-object event %q accepted", ev)
			}
			return
		}
		if err != nil {
			if errors.Is(err, errTooManyCombinations) {
				return
			}
			t.Fatalf("valid event rejected: %v", err)
		}
		if want := referenceMatch(cp, referenceLeaves(t, ev)); (len(got) == 1) != want {
			t.Fatalf("pattern %s event %s: matcher %v, reference %v", p, ev, got, want)
		}
		// An incomplete event is an error, however early matching stops.
		trimmed := bytes.TrimRight(ev, " \t\r\n")
		for _, cut := range []int{1, 2, len(trimmed) / 2, len(trimmed) - 1} {
			if cut > 0 && cut < len(trimmed) {
				if _, err := m.Match(trimmed[:cut]); err == nil {
					t.Fatalf("pattern %s: prefix %q of %s matched without an error", p, trimmed[:cut], ev)
				}
			}
		}
	})
}

// FuzzTailCheck checks that the vector tail scan and the byte-at-a-time one
// agree on any bytes.
func FuzzTailCheck(f *testing.F) {
	f.Add([]byte(`,"b":[[1.5,2,0],[3,4,0],[5,6,0],[7,8,0]],"c":"]}","a":"y"}`), 1)
	f.Add([]byte(`,"zz":{"q":"w"},"s":"\\x","a.b":1}}`), 2)
	m := NewMatcher()
	m.AddPattern("p", []byte(`{"a":{"b":["x"]},"s":["y"]}`))
	m.AddPattern("q", []byte(`{"c":["x"],"d":["y"],"e":["y"],"f":["y"],"g":["y"]}`))
	mc := m.machine()
	watches := []*watchSet{mc.root.watch, mc.root.kids[0].n.watch}
	f.Fuzz(func(t *testing.T, tail []byte, depth int) {
		for _, w := range watches {
			if v, g := tailCheck(tail, depth, w, true), tailCheck(tail, depth, w, false); v != g {
				t.Fatalf("tail %q depth %d: vector %v, bytes %v", tail, depth, v, g)
			}
		}
	})
}

func FuzzTransform(f *testing.F) {
	f.Add(`{"a": <x>, "b": "<y>"}`, "$.detail.a", "$.detail.b", []byte(`{"detail":{"a":[1,{"z":"q"}],"b":"s"}}`))
	f.Add(`"text <x> and <y>"`, "$.detail", "$.id", []byte(`{"id":"1","detail":{}}`))
	f.Fuzz(func(t *testing.T, tmpl, px, py string, ev []byte) {
		in, err := CompileInput(InputSpec{TargetID: "t", InputPathsMap: map[string]string{"x": px, "y": py}, InputTemplate: tmpl})
		if err != nil {
			return
		}
		out, deliver, _, err := in.Render(ev, Vars{RuleName: "r"})
		if err != nil || !deliver {
			return
		}
		if len(out) > 16*(len(tmpl)+len(ev))+64 {
			t.Fatalf("output of %d bytes from %d+%d bytes of input", len(out), len(tmpl), len(ev))
		}
	})
}
