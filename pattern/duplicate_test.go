package pattern

import "testing"

// TestDuplicateKeys pins the matcher's answer for events with repeated
// member names (docs/patterns.md): every occurrence is a value of its path,
// and a dotted name is the same path as nested objects.
func TestDuplicateKeys(t *testing.T) {
	runMatchCases(t, []matchCase{
		{`{"a":["x"]}`, `{"a":"x","a":"y"}`, "match"},
		{`{"a":["y"]}`, `{"a":"x","a":"y"}`, "match"},
		{`{"a":[{"anything-but":"x"}]}`, `{"a":"x","a":"y"}`, "match"},
		{`{"a":[{"anything-but":["x","y"]}]}`, `{"a":"x","a":"y"}`, "no-match"},
		{`{"a":[{"exists":false}]}`, `{"b":1,"a":null,"a":2}`, "no-match"},
		{`{"a":{"b":[2]}}`, `{"a":{"b":1},"a.b":2}`, "match"},
		{`{"a":{"b":[2]}}`, `{"a.b":1,"a":{"c":0},"a":{"b":2}}`, "match"},
		{`{"a":{"b":[1],"c":[2]}}`, `{"a":{"b":1},"a":{"c":2}}`, "match"},
		{`{"p":{"q":["z"]},"s":["t"]}`, `{"p":{"q":"y"},"s":"t","p":{"q":"z"},"g":[1,2]}`, "match"},
		{`{"p":{"q":["z"]},"s":["t"]}`, `{"p":{"q":"y"},"s":"t","p.q":"z","g":[1,2]}`, "match"},
		{`{"p":{"q":["z"]},"s":["t"]}`, `{"p":{"q":"y"},"s":"t","p\u002eq":"z","g":[1,2]}`, "match"},
		{`{"p":{"q":["z"]},"s":["t"]}`, `{"p":{"q":"y"},"s":"t","\u0070":{"q":"z"},"g":[1,2]}`, "match"},
		{`{"p":{"q":["z"]},"s":["t"]}`, `{"p":{"q":"y","\u0071":"z"},"s":"t","g":[1,2]}`, "match"},
	})
}
