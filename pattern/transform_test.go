package pattern

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/shareddata"
)

// TestAWSTransformerCases runs every InputPath / InputTransformer case AWS
// answered (../shared/data/eventbridge/transformer.json).
func TestAWSTransformerCases(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(t, "eventbridge"), "transformer.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name          string            `json:"name"`
		Event         json.RawMessage   `json:"event"`
		InputPath     *string           `json:"input_path"`
		InputPathsMap map[string]string `json:"input_paths_map"`
		InputTemplate *string           `json:"input_template"`
		Expected      *string           `json:"expected"`
		ExpectedJSON  json.RawMessage   `json:"expected_json"`
		ExpectedError *string           `json:"expected_error"`
		Delivered     bool              `json:"delivered"`
		Context       *struct {
			RuleARN       string `json:"rule_arn"`
			RuleName      string `json:"rule_name"`
			IngestionTime string `json:"ingestion_time"`
		} `json:"context"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			spec := InputSpec{TargetID: "<target-id>", InputPathsMap: c.InputPathsMap}
			if c.InputPath != nil {
				spec.InputPath = *c.InputPath
			}
			if c.InputTemplate != nil {
				spec.InputTemplate = *c.InputTemplate
			}
			in, err := CompileInput(spec)
			if c.ExpectedError != nil {
				if err == nil || err.Error() != *c.ExpectedError {
					t.Fatalf("error = %v, AWS says %q", err, *c.ExpectedError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var vars Vars
			if c.Context != nil {
				vars = Vars{RuleARN: c.Context.RuleARN, RuleName: c.Context.RuleName, IngestionTime: c.Context.IngestionTime}
			}
			got, deliver, reason, err := in.Render(c.Event, vars)
			if err != nil {
				t.Fatal(err)
			}
			if deliver != c.Delivered {
				t.Fatalf("deliver = %v (%s), AWS delivered: %v; payload %s", deliver, reason, c.Delivered, got)
			}
			if !deliver {
				return
			}
			if c.Expected != nil {
				if string(got) != *c.Expected {
					t.Fatalf("payload\n got: %s\nwant: %s", got, *c.Expected)
				}
				return
			}
			// LocalStack replaced the time inside <aws.events.event> with a
			// placeholder; the real value was not recorded (see the README).
			want := string(c.ExpectedJSON)
			if strings.Contains(want, "<ingestion-time>") {
				got = bytes.Replace(got, []byte(`"time":"`+vars.IngestionTime+`","source"`), []byte(`"time":"<ingestion-time>","source"`), 1)
			}
			if !jsonEqual(t, got, []byte(want)) {
				t.Fatalf("payload\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
