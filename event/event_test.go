package event

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/vigilhq/vigil/internal/shareddata"
)

const minimal = `{"source":"my.app","detail-type":"Thing Happened","detail":{}}`

func TestParseMinimal(t *testing.T) {
	e, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if e.Source != "my.app" || e.DetailType != "Thing Happened" || string(e.Detail) != "{}" {
		t.Errorf("got %+v", e)
	}
	if !e.Time.IsZero() || e.Resources != nil || e.Kind() != KindOther {
		t.Errorf("optional fields: time %v resources %v kind %v", e.Time, e.Resources, e.Kind())
	}
}

func TestParseFull(t *testing.T) {
	raw := []byte(`{"version":"0","id":"abc","detail-type":"T","source":"s","account":"123456789012",
		"time":"2024-05-06T07:08:09+09:00","region":"ap-northeast-1","resources":["arn:a","arn:b"],
		"detail":{"k":[1,2]},"extra":true}`)
	e, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 5, 5, 22, 8, 9, 0, time.UTC)
	if e.ID != "abc" || e.Version != "0" || e.Account != "123456789012" || e.Region != "ap-northeast-1" ||
		!e.Time.Equal(want) || len(e.Resources) != 2 || e.Resources[1] != "arn:b" || string(e.Detail) != `{"k":[1,2]}` {
		t.Errorf("got %+v", e)
	}
	if !bytes.Equal(e.Raw, raw) {
		t.Error("Raw differs from input")
	}
	raw[0] = 'X'
	if e.Raw[0] != '{' {
		t.Error("Raw aliases the caller's buffer")
	}
}

func TestParseErrors(t *testing.T) {
	big := `{"source":"s","detail-type":"t","detail":{"pad":"` + strings.Repeat("x", MaxSize) + `"}}`
	tests := []struct {
		name, in, field, contains string
	}{
		{"empty", "", "", "empty input"},
		{"blank", "  \n", "", "empty input"},
		{"not json", "hello", "", "not JSON"},
		{"truncated", `{"source":`, "", "not JSON"},
		{"bad utf8", "{\"source\":\"\xff\"}", "", "UTF-8"},
		{"array", `[1,2]`, "", "not a JSON object: found array"},
		{"string", `"x"`, "", "not a JSON object: found string"},
		{"number", `42`, "", "not a JSON object: found number"},
		{"null", `null`, "", "not a JSON object: found null"},
		{"too large", big, "", "over the EventBridge limit of 262144 bytes"},
		{"missing source", `{"detail-type":"t","detail":{}}`, "source", "missing"},
		{"missing detail-type", `{"source":"s","detail":{}}`, "detail-type", "missing"},
		{"missing detail", `{"source":"s","detail-type":"t"}`, "detail", "missing"},
		{"empty source", `{"source":"","detail-type":"t","detail":{}}`, "source", "must not be empty"},
		{"source number", `{"source":1,"detail-type":"t","detail":{}}`, "source", "must be a string, found number"},
		{"detail-type object", `{"source":"s","detail-type":{},"detail":{}}`, "detail-type", "must be a string, found object"},
		{"id bool", `{"id":true,"source":"s","detail-type":"t","detail":{}}`, "id", "found boolean"},
		{"version number", `{"version":0,"source":"s","detail-type":"t","detail":{}}`, "version", "found number"},
		{"account null", `{"account":null,"source":"s","detail-type":"t","detail":{}}`, "account", "found null"},
		{"region array", `{"region":[],"source":"s","detail-type":"t","detail":{}}`, "region", "found array"},
		{"detail string", `{"source":"s","detail-type":"t","detail":"{}"}`, "detail", "must be a JSON object, found string"},
		{"detail null", `{"source":"s","detail-type":"t","detail":null}`, "detail", "found null"},
		{"detail array", `{"source":"s","detail-type":"t","detail":[]}`, "detail", "found array"},
		{"time number", `{"time":1,"source":"s","detail-type":"t","detail":{}}`, "time", "must be a string, found number"},
		{"time not rfc3339", `{"time":"2024-01-02 03:04:05","source":"s","detail-type":"t","detail":{}}`, "time", "not an RFC 3339"},
		{"time no zone", `{"time":"2024-01-02T03:04:05","source":"s","detail-type":"t","detail":{}}`, "time", "not an RFC 3339"},
		{"resources object", `{"resources":{},"source":"s","detail-type":"t","detail":{}}`, "resources", "must be an array of strings, found object"},
		{"resources element", `{"resources":["a",2],"source":"s","detail-type":"t","detail":{}}`, "resources[1]", "must be a string, found number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if pe.Field != tc.field {
				t.Errorf("field = %q, want %q (%v)", pe.Field, tc.field, err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
			if tc.field != "" && !strings.Contains(err.Error(), `"`+tc.field+`"`) {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

func TestParseTooLargeIs(t *testing.T) {
	_, err := Parse(make([]byte, MaxSize+1))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("errors.Is(%v, ErrTooLarge) = false", err)
	}
	// Exactly MaxSize is allowed.
	pad := MaxSize - len(minimal)
	exact := []byte(minimal + strings.Repeat(" ", pad))
	if len(exact) != MaxSize {
		t.Fatal(len(exact))
	}
	if _, err := Parse(exact); err != nil {
		t.Errorf("event of exactly MaxSize bytes: %v", err)
	}
}

// samples returns every sample event shipped in shared/data.
func samples(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{shareddata.Dir(t, "events"), shareddata.Dir(t, "guardduty")} {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(f)] = b
		}
	}
	if len(out) != 23 {
		t.Fatalf("found %d sample events, want 23", len(out))
	}
	return out
}

func TestSamplesParse(t *testing.T) {
	for name, raw := range samples(t) {
		e, err := Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if e.Kind() == KindOther {
			t.Errorf("%s: kind other for %s / %s", name, e.Source, e.DetailType)
		}
		if e.Time.IsZero() || e.Account == "" || e.ID == "" {
			t.Errorf("%s: envelope incomplete: %+v", name, e)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"source":"s","detail-type":"t","detail":{},"time":"2024-01-01T00:00:00Z","resources":["a"]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"detail":null}`))
	for _, raw := range samples(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(raw)
		if err != nil {
			if e != nil {
				t.Fatal("event and error both returned")
			}
			return
		}
		if e.Source == "" || e.DetailType == "" || len(e.Detail) == 0 {
			t.Fatalf("accepted event lacks a required field: %+v", e)
		}
		// Every view must fail cleanly or succeed, never panic.
		e.SecurityHub()
		e.GuardDuty()
		e.Config()
		if a, err := e.Alarm(); err == nil {
			a.Type()
			a.State.ParsedReasonData()
		}
		e.Health()
		e.AccessAnalyzer()
		e.CloudTrail()
		e.InstanceState()
	})
}

func TestRead(t *testing.T) {
	e, err := Read(strings.NewReader(minimal))
	if err != nil || e.Source != "my.app" {
		t.Fatal(e, err)
	}
	_, err = Read(io.MultiReader(strings.NewReader(minimal), strings.NewReader(strings.Repeat(" ", MaxSize))))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v", err)
	}
	_, err = Read(iotest.ErrReader(errors.New("boom")))
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v", err)
	}
}
