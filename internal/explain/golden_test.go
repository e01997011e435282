package explain

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

type sampleEvent struct {
	name string // file name without .json
	raw  []byte
	ev   *event.Event
}

// samples loads every sample event of the shared test data.
func samples(t testing.TB) []sampleEvent {
	t.Helper()
	var out []sampleEvent
	for _, dir := range []string{shareddata.Dir(t, "events"), shareddata.Dir(t, "guardduty")} {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := event.Parse(raw)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, sampleEvent{strings.TrimSuffix(filepath.Base(f), ".json"), raw, ev})
		}
	}
	if len(out) != 23 {
		t.Fatalf("found %d sample events, want 23 (is ../shared/data there?)", len(out))
	}
	return out
}

// localSamples loads the sample events kept with this package
// (testdata/events, see its README): the families the shared data lacks.
func localSamples(t testing.TB) []sampleEvent {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in testdata/events: %v", err)
	}
	var out []sampleEvent
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := event.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, sampleEvent{strings.TrimSuffix(filepath.Base(f), ".json"), raw, ev})
	}
	return out
}

func explainT(t testing.TB, ev *event.Event, l lang.Lang) *Explanation {
	t.Helper()
	x, err := Builtin{}.Explain(context.Background(), ev, Options{Lang: l})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got ---\n%s", path, got)
	}
}

// Every sample event, in both languages, as Markdown.
func TestGoldenMarkdown(t *testing.T) {
	for _, s := range localSamples(t) {
		for _, lg := range lang.All() {
			t.Run(s.name+"."+string(lg), func(t *testing.T) {
				golden(t, filepath.Join("testdata", s.name+"."+string(lg)+".md"), RenderMarkdown(explainT(t, s.ev, lg)))
			})
		}
	}
	for _, s := range samples(t) {
		for _, lg := range lang.All() {
			t.Run(s.name+"."+string(lg), func(t *testing.T) {
				golden(t, filepath.Join("testdata", s.name+"."+string(lg)+".md"), RenderMarkdown(explainT(t, s.ev, lg)))
			})
		}
	}
}

// A few samples in every other format.
func TestGoldenFormats(t *testing.T) {
	pick := map[string]bool{
		"securityhub_findings_imported.fsbp_ec2_7":       true,
		"guardduty.unauthorizedaccess_ec2_sshbruteforce": true,
		"cloudwatch_alarm_state_change.composite":        true,
	}
	for _, s := range samples(t) {
		if !pick[s.name] {
			continue
		}
		for _, lg := range lang.All() {
			x := explainT(t, s.ev, lg)
			for _, f := range []struct {
				format Format
				ext    string
			}{{Text, "txt"}, {JSON, "json"}} {
				var b bytes.Buffer
				if err := Render(&b, x, f.format); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", s.name+"."+string(lg)+"."+f.ext), b.Bytes())
			}
		}
	}
}

// idPatterns match AWS identifiers in rendered output: every match must
// occur in the event itself.
var idPatterns = []*regexp.Regexp{
	regexp.MustCompile(`arn:aws[a-z-]*:[A-Za-z0-9_.:/@+=,*-]+`),
	regexp.MustCompile(`\b\d{12}\b`),
	regexp.MustCompile(`\b(?:i|sg|subnet|vpc|eni|ami|vol|snap|igw|nat|rtb|acl|eipalloc)-[0-9a-f]{8,17}\b`),
	regexp.MustCompile(`\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA)[A-Z0-9]{16}\b`),
	regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`),
	regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`),
	regexp.MustCompile(`\b[0-9a-f]{32}\b`),
}

// Addresses our own prose mentions (security group advice), not ids.
var proseIDs = map[string]bool{"0.0.0.0": true}

// The mechanical grounding property of the built-in engine: every golden
// contains the event's key ids verbatim, and every AWS identifier and URL
// in it comes from the event (URLs may also come from the catalogs).
func TestOutputIDsComeFromEvent(t *testing.T) {
	all := localSamples(t)
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "data")); err == nil || os.Getenv("CI") == "true" {
		all = trialCorpus(t) // the package's samples, the shared events and one CloudTrail record of each kind
	}
	for _, s := range all {
		for _, lg := range lang.All() {
			x := explainT(t, s.ev, lg)
			outputs := map[string]string{
				"markdown": string(RenderMarkdown(x)),
				"text":     string(RenderText(x)),
			}
			raw := string(s.raw)
			// ARNs with spaces (CloudWatch alarm names) are matched up to the space.
			for format, out := range outputs {
				where := s.name + "." + string(lg) + "." + format
				var keys []string
				for i := range x.Facts {
					keys = append(keys, x.Facts[i].KeyIDs()...)
				}
				if len(keys) == 0 {
					t.Errorf("%s: no key ids extracted", where)
				}
				for _, id := range keys {
					if !strings.Contains(out, id) {
						t.Errorf("%s: key id %q missing from output", where, id)
					}
				}
				for _, re := range idPatterns {
					for _, id := range re.FindAllString(out, -1) {
						id = strings.TrimRight(id, ".,:")
						// AWS managed policies are the same in every account.
						if !strings.Contains(raw, id) && !proseIDs[id] && !strings.HasPrefix(id, "arn:aws:iam::aws:policy/") {
							t.Errorf("%s: identifier %q is not in the event", where, id)
						}
					}
				}
			}
			for _, l := range x.Links() {
				switch {
				case l.Source == FromEvent:
					if !strings.Contains(raw, l.URL) {
						t.Errorf("%s: link %s marked as from the event is not in it", s.name, l.URL)
					}
				case !strings.HasPrefix(l.URL, "https://docs.aws.amazon.com/"):
					t.Errorf("%s: catalog link %s is not AWS documentation", s.name, l.URL)
				}
			}
		}
	}
}

// Every label the engine uses exists in both languages, and the Japanese
// output carries no English section headings.
func TestCatalogsComplete(t *testing.T) {
	for _, k := range labelKeys {
		if _, ok := enLabels[k]; !ok {
			t.Errorf("label %q missing in en", k)
		}
		if _, ok := jaLabels[k]; !ok {
			t.Errorf("label %q missing in ja", k)
		}
	}
	if len(enLabels) != len(labelKeys) || len(jaLabels) != len(labelKeys) {
		t.Errorf("labels: %d keys, %d en, %d ja", len(labelKeys), len(enLabels), len(jaLabels))
	}
	used := map[string]bool{}
	all := localSamples(t)
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "data")); err == nil || os.Getenv("CI") == "true" {
		all = trialCorpus(t) // the package's samples, the shared events and one CloudTrail record of each kind
	}
	for _, s := range all {
		for _, lg := range lang.All() {
			x := explainT(t, s.ev, lg)
			for _, f := range x.Facts {
				for _, d := range f.Details {
					used[d.Key] = true
				}
			}
			if lg == lang.JA {
				for _, sec := range x.Sections {
					if !regexp.MustCompile(`[\p{Han}\p{Hiragana}\p{Katakana}]`).MatchString(sec.Title) {
						t.Errorf("%s: Japanese section title %q", s.name, sec.Title)
					}
					for _, p := range sec.Paragraphs {
						if !regexp.MustCompile(`[\p{Hiragana}\p{Katakana}]`).MatchString(p) {
							t.Errorf("%s: paragraph without Japanese: %q", s.name, p)
						}
					}
				}
			}
		}
	}
	var keys []string
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := enLabels[k]; !ok {
			t.Errorf("detail key %q has no label", k)
		}
	}
}
