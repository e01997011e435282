package pattern

import "testing"

// TestOrAsPlainField pins event-ruler's second compile: a pattern its
// $or-aware compiler rejects is compiled again with "$or" as a field name.
func TestOrAsPlainField(t *testing.T) {
	runMatchCases(t, []matchCase{
		{`{"$or":{"a":["x"]}}`, `{"$or":{"a":"x"}}`, "match"},
		{`{"$or":{"a":["x"]}}`, `{"a":"x"}`, "no-match"},
		{`{"$or":{"a":["x"]}}`, `{"$or.a":"x"}`, "match"},
		{`{"detail":{"$or":{"a":["x"]}},"source":["s"]}`, `{"source":"s","detail":{"$or":{"a":"x"}}}`, "match"},
		{`{"$or":["x"]}`, `{"$or":"x"}`, "match"},
		{`{"$or":[1,"x"]}`, `{"$or":1}`, "match"},
		{`{"$or":[{"prefix":"a"},{"suffix":"b"}]}`, `{"$or":"xb"}`, "match"},
		{`{"$or":[{"prefix":"a"},{"suffix":"b"}]}`, `{"$or":"bx"}`, "no-match"},
		{`{"$or":[{"exists":true}]}`, `{"$or":{"q":1}}`, "no-match"},
		{`{"$or":[{"exists":true}]}`, `{"$or":2}`, "match"},
		// Alternatives keep their meaning where $or is well formed.
		{`{"$or":[{"a":["1"]},{"b":["2"]}]}`, `{"b":"2"}`, "match"},
		{`{"$or":[{"a":["1"]},{"b":["2"]}]}`, `{"$or":"2"}`, "no-match"},
		// Rejected by both compilers: the $or-aware compiler's reason.
		{`{"$or":"x"}`, ``, "It must be an Array followed with $or."},
		{`{"$or":[{"a":["x"]}]}`, ``, "There must have at least 2 Objects in $or relationship."},
		{`{"$or":[{"prefix":["x"]},{"b":["y"]}]}`, ``, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"$or":{"a":["x"]},"b":{"$or":[{"c":["1"]},{"d":["2"]}]}}`, ``, "It must be an Array followed with $or."},
	})
}
