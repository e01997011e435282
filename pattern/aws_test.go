package pattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhq/vigil/internal/shareddata"
)

// TestAWSPatternCases runs every TestEventPattern case AWS answered (see
// ../shared/data/eventbridge/patterns/README.md), including AWS's error text.
func TestAWSPatternCases(t *testing.T) {
	dir := shareddata.Dir(t, "eventbridge/patterns")
	idxBytes, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Name     string  `json:"name"`
		File     string  `json:"file"`
		Expected string  `json:"expected"`
		AWSError *string `json:"aws_error"`
	}
	if err := json.Unmarshal(idxBytes, &index); err != nil {
		t.Fatal(err)
	}
	if len(index) < 150 {
		t.Fatalf("only %d cases in index.json", len(index))
	}
	for _, c := range index {
		t.Run(c.Name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			ev, pat := splitCase(t, raw)
			m := NewMatcher()
			err = m.AddPattern("p", pat)
			if c.Expected == "invalid" {
				if err == nil {
					t.Fatalf("pattern accepted; AWS says %q", *c.AWSError)
				}
				if err.Error() != *c.AWSError {
					t.Fatalf("error\n got: %s\nwant: %s", err, *c.AWSError)
				}
				return
			}
			if err != nil {
				t.Fatalf("AddPattern: %v", err)
			}
			got, err := m.Match(ev)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if want := c.Expected == "match"; (len(got) == 1) != want {
				t.Fatalf("match = %v, AWS says %s", got, c.Expected)
			}
		})
	}
}

// splitCase returns the raw bytes of the "event" and "pattern" members of a
// case file, untouched, so duplicate keys and number spellings survive.
func splitCase(t *testing.T, raw []byte) (event, pattern []byte) {
	t.Helper()
	var c struct {
		Event   json.RawMessage `json:"event"`
		Pattern json.RawMessage `json:"pattern"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.Event, c.Pattern
}
