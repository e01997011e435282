package lang

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Lang{"en": EN, "EN": EN, " ja ": JA, "Ja": JA} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "jp", "english", "fr"} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), "use en or ja") || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("Parse(%q): err %v", in, err)
		}
	}
	if Lang("").Or(JA) != JA || EN.Or(JA) != EN {
		t.Error("Or")
	}
	if len(All()) != 2 || All()[0] != EN {
		t.Errorf("All() = %v", All())
	}
}
