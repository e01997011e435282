package pattern

import (
	"math/rand/v2"
	"strings"
	"testing"
)

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

// TestSingleStarBound checks the shortcut of checkWildcardComplexity: a
// wildcard with one '*' never keeps more than len(after)+3 states alive.
func TestSingleStarBound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k > 0; k-- {
			b.WriteByte("ab\""[r.IntN(3)])
		}
		b.WriteByte('*')
		after := r.IntN(10)
		for k := after; k > 0; k-- {
			b.WriteByte("ab\""[r.IntN(3)])
		}
		w, err := parseWildcard(b.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := wildcardComplexity([]*wildcard{&w}, 100); got > after+3 {
			t.Fatalf("%q: complexity %d > %d", b.String(), got, after+3)
		}
	}
}
