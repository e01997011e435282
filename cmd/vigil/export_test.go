package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/examples"
)

// TestExport runs vigil export on the sample configuration (the
// templates themselves are checked, with cfn-lint and terraform validate,
// in internal/deploy).
func TestExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf := filepath.Join(dir, "vigil.yaml")
	if err := os.WriteFile(conf, examples.Config, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, "", "export", "cloudformation", "--config", conf)
	var tpl struct {
		Resources map[string]struct{ Type string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &tpl) != nil || tpl.Resources["RuleSshOpenToWorld"].Type != "AWS::Events::Rule" || tpl.Resources["Queue"].Type != "AWS::SQS::Queue" {
		t.Errorf("export cloudformation: exit %d, stderr %s, resources %v", code, errOut, tpl.Resources)
	}
	if !strings.Contains(errOut, "note: an event several rules match") {
		t.Errorf("export cloudformation: notes not on stderr: %q", errOut)
	}

	tf := filepath.Join(dir, "main.tf")
	if _, errOut, code := runCLI(t, "", "export", "terraform", "--config", conf, "--via", "api-destination", "--output", tf); code != exitOK {
		t.Fatalf("export terraform: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(tf); !strings.Contains(string(b), `resource "aws_cloudwatch_event_api_destination" "vigil"`) {
		t.Errorf("export terraform --output: %s", b)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "terraform", "--config", conf, "--via", "kinesis"}, `--via`},
		{[]string{"export", "cloudformation", "--config", conf, "--create-bus"}, "--create-bus needs --bus NAME"},
		{[]string{"export", "cloudformation", "--config", filepath.Join(dir, "nope.yaml")}, "--config"},
		{[]string{"export", "lambda-zip", "--config", conf, "--binary", conf, "--output", filepath.Join(dir, "x.zip")}, "not a Linux executable"},
	} {
		_, errOut, code := runCLI(t, "", c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want 2 and %q", c.args, code, errOut, c.want)
		}
	}

	// A small stand-in for a linux build (packing the test binary itself
	// would spend minutes compressing under -race).
	bin := filepath.Join(dir, "vigil-linux")
	if err := os.WriteFile(bin, []byte("\x7fELF stand-in"), 0o755); err != nil {
		t.Fatal(err)
	}
	zf := filepath.Join(dir, "vigil-lambda.zip")
	if out, errOut, code := runCLI(t, "", "export", "lambda-zip", "--config", conf, "--binary", bin, "--output", zf); code != exitOK || !regexp.MustCompile(`vigil-lambda.zip: \d+ bytes \(bootstrap, vigil, vigil.yaml`).MatchString(out) || strings.Contains(errOut, "note:") {
		t.Fatalf("export lambda-zip: exit %d, %s %s; want its size and no note (it is far under Lambda's limits)", code, out, errOut)
	}
	z, err := zip.OpenReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "bootstrap,vigil,vigil.yaml" {
		t.Errorf("zip entries %v", names)
	}
}
