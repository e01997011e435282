package pattern

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// stopDecision scans event for m's patterns and reports whether the
// scanner stopped early and whether the tail check accepted the stop.
func stopDecision(t *testing.T, m *Matcher, event []byte) (stopped, accepted bool) {
	t.Helper()
	mc := m.machine()
	sc := &scratch{}
	sc.reset(mc)
	p := scanner{s: event, sc: sc, full: !earlyStop}
	i, err := p.object(skipWS(event, 0), mc.root)
	if err != nil || !p.stopped {
		return false, false
	}
	return true, tailOK(event[i:], p.stopDepth, p.stopNode.watch)
}

// TestEarlyStopDecisions checks what the tail check accepts, and that the
// answer is the full scan's either way.
func TestEarlyStopDecisions(t *testing.T) {
	if !earlyStop {
		t.Skip("no early stop on this architecture")
	}
	filler := `,"zz":[` + strings.Repeat(`[-122.42916360922355,37.729900216217324,0],`, 3) + `"s",{"q":"w"}]`
	cases := []struct {
		pattern, event string
		accept         bool // the tail check lets the stop stand
		err            bool // the event is incomplete
	}{
		{`{"a":["x"]}`, `{"a":"x","b":[1,2,{"c":"]"}]` + filler + `}`, true, false},
		{`{"a":["x"]}`, `{"a":"x","ab":1` + filler + `}`, true, false},
		{`{"a":["x"]}`, `{"a":"x","b":"}"` + filler + `}`, true, false},
		{`{"a":["x"]}`, `{"a":"x"` + filler + `}   ` + "\n", true, false},
		// A later duplicate, dotted or escaped name: read it all.
		{`{"a":["y"]}`, `{"a":"x"` + filler + `,"a":"y"}`, false, false},
		{`{"a":{"b":["y"]}}`, `{"a":{"b":"x"}` + filler + `,"a.b":"y"}`, false, false},
		{`{"a":{"b":["y"]}}`, `{"a":{"b":"x"` + filler + `,"b":"y"}}`, false, false},
		{`{"a":["y"]}`, `{"a":"x"` + filler + `,"\u0061":"y"}`, false, false},
		{`{"a":["x"]}`, `{"a":"x","b":"c\\d"` + filler + `}`, false, false},
		{`{"a":["x"]}`, `{"a":"x","b":"a"` + filler + `}`, false, false},
		// Incomplete events, wherever cut, and other broken tails.
		{`{"a":["x"]}`, `{"a":"x"` + filler, false, true},
		{`{"a":["x"]}`, `{"a":"x","b":{"c":1}` + filler, false, true},
		{`{"a":["x"]}`, `{"a":"x","b":"}` + filler, false, true},
		{`{"a":["x"]}`, `{"a":"x"` + filler + `}}`, false, true},
	}
	for _, c := range cases {
		m := NewMatcher()
		if err := m.AddPattern("p", []byte(c.pattern)); err != nil {
			t.Fatal(err)
		}
		stopped, accepted := stopDecision(t, m, []byte(c.event))
		if !stopped || accepted != c.accept {
			t.Errorf("%s on %s: stopped %v, tail accepted %v; want stopped, accepted %v", c.pattern, c.event, stopped, accepted, c.accept)
		}
		got, err := m.Match([]byte(c.event))
		if (err != nil) != c.err {
			t.Errorf("%s on %s: error %v, want error %v", c.pattern, c.event, err, c.err)
		}
		if err == nil {
			cp, _ := compile([]byte(c.pattern), 0)
			if want := referenceMatch(cp, referenceLeaves(t, []byte(c.event))); (len(got) == 1) != want {
				t.Errorf("%s on %s: matched %v, reference %v", c.pattern, c.event, got, want)
			}
		}
	}
}

// TestTruncatedEventsAreErrors cuts valid events at every byte: each prefix
// must be an error, whether or not the matcher could stop early.
func TestTruncatedEventsAreErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var events []string
	for len(events) < 40 {
		ev := genEvent(r)
		if len(ev) > 2 {
			events = append(events, string(ev))
		}
	}
	events = append(events,
		`{"type":"Feature","properties":{"MAPBLKLOT":"0001001","STREET":"UNKNOWN"},"geometry":{"type":"Polygon","coordinates":[[[-122.42,37.80,0],[-122.41,37.80,0]]]}}`,
		`{"a":"x","b":{"c":{"d":[1,{"e":"}]"}]}},"f":"g"}`)
	stops := 0
	for _, pat := range []string{`{"a":["x"]}`, `{"b":[{"exists":true}]}`, `{"d":{"e":[{"prefix":"f"}]}}`,
		`{"properties":{"MAPBLKLOT":["0001001"]}}`, `{"type":["Feature"]}`} {
		m := NewMatcher()
		if err := m.AddPattern("p", []byte(pat)); err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			trimmed := strings.TrimRight(ev, " \n")
			for cut := 1; cut < len(trimmed); cut++ {
				if _, err := m.Match([]byte(trimmed[:cut])); err == nil {
					t.Fatalf("pattern %s: prefix %q of %s matched without an error", pat, trimmed[:cut], ev)
				}
				if stopped, _ := stopDecision(t, m, []byte(trimmed[:cut])); stopped {
					stops++
				}
			}
		}
	}
	if earlyStop && stops < 500 {
		t.Fatalf("the matcher stopped early on only %d prefixes: the test misses the tail check", stops)
	}
}

// TestTailCheckVectorAgreesWithBytes runs the tail check with and without
// the vector scan on generated tails of every length.
func TestTailCheckVectorAgreesWithBytes(t *testing.T) {
	if !earlyStop {
		t.Skip("no vector tail scan on this machine")
	}
	m := NewMatcher()
	m.AddPattern("p", []byte(`{"a":{"b":["x"]},"c":["y"],"dd":[1]}`))
	m.AddPattern("q", []byte(`{"a":{"e":["x"]},"f":["y"],"g":["y"],"h":["y"],"i":["y"]}`))
	mc := m.machine()
	watches := []*watchSet{mc.root.watch, mc.root.kids[0].n.watch}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`"b"`, `"b.x"`, `"dd"`, `"ddd"`, `"x"`, `":"`, `{`, `}`, `[`, `]`, `,`, `:`, `1.5`, `"]"`, `"{"`,
		`\`, `"\"`, ` `, "\n", `"ab"`, `"e"`, `"f"`, `"g"`, `"h"`, `"i."`, `"i"`, `"123456789012345"`, `""`}
	accepted := 0
	for n := 0; n < 20000; n++ {
		var b bytes.Buffer
		for k := r.IntN(30); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		b.WriteString(strings.Repeat("}", r.IntN(3)))
		tail := b.Bytes()
		for _, w := range watches {
			for depth := 0; depth < 3; depth++ {
				v, g := tailCheck(tail, depth, w, true), tailCheck(tail, depth, w, false)
				if v != g {
					t.Fatalf("tail %q depth %d: vector %v, bytes %v", tail, depth, v, g)
				}
				if v {
					accepted++
				}
			}
		}
	}
	if accepted < 100 {
		t.Fatalf("only %d tails accepted: the generator does not reach the interesting cases", accepted)
	}
}

// TestEarlyStopMatchesReferenceOnCityLots matches CityLots-shaped events
// whose tails were edited in ways an early stop must notice.
func TestEarlyStopMatchesReferenceOnCityLots(t *testing.T) {
	base := `{"type":"Feature","properties":{"MAPBLKLOT":"1430022","BLKLOT":"1430022","STREET":"HARRISON","ST_TYPE":"ST"},"geometry":{"type":"Polygon","coordinates":[[[-122.44,37.79,0],[-122.43,37.78,0],[-122.42,37.77,0]]]}}`
	edits := []func(string) string{
		func(s string) string { return s },
		func(s string) string {
			return strings.Replace(s, `"ST_TYPE":"ST"`, `"ST_TYPE":"ST","MAPBLKLOT":"2607117"`, 1)
		},
		func(s string) string {
			return strings.Replace(s, `"geometry"`, `"properties.MAPBLKLOT":"2607117","geometry"`, 1)
		},
		func(s string) string {
			return strings.Replace(s, `"geometry"`, `"properties":{"STREET":"FULTON"},"geometry"`, 1)
		},
		func(s string) string {
			return strings.Replace(s, `"BLKLOT"`, `"\u004dAPBLKLOT":"VACSTWIL","BLKLOT"`, 1)
		},
		func(s string) string { return strings.Replace(s, `"Polygon"`, `"Multi\"Polygon"`, 1) },
		func(s string) string { return strings.Replace(s, `[-122.42`, `{"type":"MultiPolygon"},[-122.42`, 1) },
		func(s string) string { return strings.Replace(s, `"ST"}`, `"ST","STREET":"FULTON"}`, 1) },
	}
	patterns := []string{
		`{"properties":{"MAPBLKLOT":["1430022"]}}`, `{"properties":{"MAPBLKLOT":["2607117"]}}`,
		`{"properties":{"MAPBLKLOT":["VACSTWIL"]}}`, `{"properties":{"STREET":[{"anything-but":["HARRISON"]}]}}`,
		`{"properties":{"STREET":["FULTON"]}}`, `{"geometry":{"type":["MultiPolygon"]}}`,
		`{"properties":{"STREET":[{"equals-ignore-case":"fulton"}],"ST_TYPE":["ST"]}}`,
	}
	for ei, edit := range edits {
		ev := []byte(edit(base))
		leaves := referenceLeaves(t, ev)
		for _, p := range patterns {
			m := NewMatcher()
			if err := m.AddPattern("p", []byte(p)); err != nil {
				t.Fatal(err)
			}
			got, err := m.Match(ev)
			if err != nil {
				t.Fatalf("edit %d: %v", ei, err)
			}
			cp, _ := compile([]byte(p), 0)
			if want := referenceMatch(cp, leaves); (len(got) == 1) != want {
				t.Errorf("edit %d, pattern %s: matched %v, reference %v\n%s", ei, p, got, want, ev)
			}
		}
	}
}
