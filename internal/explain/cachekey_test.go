package explain

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

type modelEngine struct{ Builtin }

func (modelEngine) Name() string  { return "bedrock" }
func (modelEngine) Model() string { return "bedrock example-model (us-east-1)" }

func TestCacheKey(t *testing.T) {
	ev := &event.Event{ID: "e1"}
	a := NewCacheKey(ev, Builtin{}, Options{})
	if a.String() != "v"+Version+"|builtin|en|auto|e1" {
		t.Errorf("key %q", a)
	}
	for _, k := range []CacheKey{
		NewCacheKey(ev, Builtin{}, Options{Lang: lang.JA}),
		NewCacheKey(ev, Builtin{}, Options{Docs: DocsOff}),
		NewCacheKey(ev, modelEngine{}, Options{}),
		NewCacheKey(&event.Event{ID: "e2"}, Builtin{}, Options{}),
	} {
		if k == a || k.String() == a.String() {
			t.Errorf("%q and %q collide", k, a)
		}
	}
	if NewCacheKey(ev, Builtin{}, Options{Lang: lang.EN, Docs: DocsAuto}) != a {
		t.Error("the defaults are not part of the key")
	}
}

// An explanation stored as JSON renders exactly as the one computed, in
// every format, for every sample event and language.
func TestExplanationJSONRoundTrip(t *testing.T) {
	for _, s := range localSamples(t) {
		for _, lg := range lang.All() {
			x := explainT(t, s.ev, lg)
			body, err := json.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			var y Explanation
			if err := json.Unmarshal(body, &y); err != nil {
				t.Fatal(err)
			}
			for _, f := range []Format{Markdown, Text, JSON} {
				var want, got bytes.Buffer
				if err := Render(&want, x, f); err != nil {
					t.Fatal(err)
				}
				if err := Render(&got, &y, f); err != nil {
					t.Fatal(err)
				}
				if want.String() != got.String() {
					t.Errorf("%s %s %s: the stored explanation renders differently", s.name, lg, f)
				}
			}
		}
	}
}
