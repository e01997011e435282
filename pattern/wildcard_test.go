package pattern

import "testing"

// TestWildcardComplexity pins the complexity measure on AWS's answers and on
// the boundary the limit draws.
func TestWildcardComplexity(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    int
	}{
		{"*:*:*:*:*:event-bus/*", 13}, // AWS: too complex
		{"arn:aws:events:us-east-1:*:event-bus/*", 5},
		{"/Users/*/dir/dir/dir/dir/dir/doc.txt", 8}, // AWS: accepted
		{"/Users/*/doc.txt", 3},
		{"*a*b*c*d*e", 11},
		{"*/dir/*", 5},
		{"plain", 0},
	} {
		w, err := parseWildcard(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := wildcardComplexity([]*wildcard{&w}, 1000); got != c.want {
			t.Errorf("%s: complexity %d, want %d", c.pattern, got, c.want)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           bool
	}{
		{"*", "", true}, {"", "", true}, {"", "a", false},
		{"a*", "a", true}, {"*a", "ba", true}, {"a*a", "a", false}, {"a*a", "aa", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "acb", false}, {`x\*y`, "x*y", true}, {`x\*y`, "xzy", false},
		{`a\\b`, `a\b`, true}, {"*dir/*", "dir/init/file", true}, {"*/dir/*", "dir/init/file", false},
	} {
		w, err := parseWildcard(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.match([]byte(c.value)); got != c.want {
			t.Errorf("%q ~ %q = %v", c.pattern, c.value, got)
		}
	}
	if _, err := parseWildcard(`a\b`); err == nil || err.Error() != "Invalid escape character at pos 2" {
		t.Errorf("bad escape: %v", err)
	}
}
