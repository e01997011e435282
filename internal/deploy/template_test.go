package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// viaTarget is the resource each via's rule targets point to.
var viaTarget = map[string]string{ViaSQS: "Queue", ViaAPIDestination: "ApiDestination", ViaLambda: "Function"}

// TestCloudFormationStructure checks each template the way CloudFormation
// would before creating anything: known resource types, every Ref, GetAtt
// and Sub variable names a resource, a parameter or a pseudo parameter, the
// rules carry the configuration's patterns and point at the way in; then
// cfn-lint, where it is installed.
func TestCloudFormationStructure(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	templates := map[string][]byte{}
	t.Cleanup(func() {
		if !t.Failed() {
			cfnLint(t, templates)
		}
	})
	for _, via := range Vias {
		for _, bus := range []Options{{}, {Bus: "security", CreateBus: true}} {
			t.Run(via+"/"+bus.Bus, func(t *testing.T) {
				t.Parallel()
				o := bus
				o.Via, o.NamePrefix = via, "vigil-"
				cfg, p := plan(t, o)
				out, err := CloudFormation(p)
				if err != nil {
					t.Fatal(err)
				}
				var tpl struct {
					Parameters map[string]any
					Resources  map[string]struct {
						Type       string
						Properties map[string]any
					}
					Outputs map[string]struct{ Value any }
				}
				if err := json.Unmarshal(out, &tpl); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				known := map[string]bool{}
				for n := range tpl.Parameters {
					known[n] = true
				}
				types := map[string]int{}
				for n, r := range tpl.Resources {
					known[n] = true
					types[r.Type]++
				}
				var refs []string
				collectRefs(tpl, &refs)
				for _, r := range refs {
					if !known[r] && !strings.HasPrefix(r, "AWS::") {
						t.Errorf("reference to %q, which the template does not declare", r)
					}
				}
				wantTypes := map[string]int{"AWS::Events::Rule": 2, "AWS::IAM::ManagedPolicy": 1}
				switch via {
				case ViaSQS:
					wantTypes["AWS::SQS::Queue"], wantTypes["AWS::SQS::QueuePolicy"] = 1, 1
				case ViaAPIDestination:
					wantTypes["AWS::Events::Connection"], wantTypes["AWS::Events::ApiDestination"], wantTypes["AWS::IAM::Role"] = 1, 1, 1
				case ViaLambda:
					wantTypes["AWS::Lambda::Function"], wantTypes["AWS::IAM::Role"], wantTypes["AWS::Lambda::Permission"] = 1, 1, 2
				}
				if o.CreateBus {
					wantTypes["AWS::Events::EventBus"] = 1
				}
				if fmt.Sprint(types) != fmt.Sprint(wantTypes) {
					t.Errorf("resource types %v, want %v", types, wantTypes)
				}
				var ruleArns []string
				for id, r := range tpl.Resources {
					if r.Type != "AWS::Events::Rule" {
						continue
					}
					ruleArns = append(ruleArns, id)
					name, _ := r.Properties["Name"].(string)
					c := cfg.Rule(strings.TrimPrefix(name, "vigil-"))
					if c == nil {
						t.Errorf("%s: rule %q is not in the configuration", id, name)
						continue
					}
					pat, _ := json.Marshal(r.Properties["EventPattern"])
					if !jsonEqual(t, pat, c.EventPattern) {
						t.Errorf("%s: EventPattern %s, want %s", id, pat, c.EventPattern)
					}
					if r.Properties["State"] != state(c.Enabled()) {
						t.Errorf("%s: State %v", id, r.Properties["State"])
					}
					wantBus := any("default")
					if o.CreateBus {
						wantBus = map[string]any{"Ref": "EventBus"}
					}
					if fmt.Sprint(r.Properties["EventBusName"]) != fmt.Sprint(wantBus) {
						t.Errorf("%s: EventBusName %v, want %v", id, r.Properties["EventBusName"], wantBus)
					}
					targets, _ := r.Properties["Targets"].([]any)
					if len(targets) != 1 || !strings.Contains(fmt.Sprint(targets[0]), "[Fn::GetAtt:["+viaTarget[via]+" Arn]]") {
						t.Errorf("%s: Targets %v, want one pointing at %s", id, targets, viaTarget[via])
					}
				}
				if via == ViaSQS {
					// Only these rules may send to the queue.
					doc := fmt.Sprint(tpl.Resources["QueuePolicy"].Properties["PolicyDocument"])
					for _, id := range ruleArns {
						if !strings.Contains(doc, "[Fn::GetAtt:["+id+" Arn]]") {
							t.Errorf("queue policy does not name rule %s: %s", id, doc)
						}
					}
				}
				mu.Lock()
				templates[via+"-"+bus.Bus] = out
				mu.Unlock()
			})
		}
	}
}

// collectRefs appends the names v refers to with Ref, Fn::GetAtt and the
// ${...} variables of Fn::Sub.
func collectRefs(v any, out *[]string) {
	b, _ := json.Marshal(v)
	var x any
	json.Unmarshal(b, &x)
	var walk func(any)
	walk = func(v any) {
		switch m := v.(type) {
		case map[string]any:
			if r, ok := m["Ref"].(string); ok {
				*out = append(*out, r)
			}
			if g, ok := m["Fn::GetAtt"].([]any); ok && len(g) == 2 {
				*out = append(*out, g[0].(string))
			}
			if s, ok := m["Fn::Sub"].(string); ok {
				for _, v := range regexp.MustCompile(`\$\{([^}]+)\}`).FindAllStringSubmatch(s, -1) {
					*out = append(*out, strings.Split(v[1], ".")[0])
				}
			}
			for _, e := range m {
				walk(e)
			}
		case []any:
			for _, e := range m {
				walk(e)
			}
		}
	}
	walk(x)
}

// cfnLint runs cfn-lint on the template when it is installed. It is a
// Python tool that CI cannot install (no PyPI there), so its absence is a
// skip even under CI; the structural checks above always run.
func cfnLint(t *testing.T, templates map[string][]byte) {
	t.Helper()
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Log("cfn-lint is not installed: structural checks only (pip install cfn-lint to lint the templates)")
		return
	}
	dir := t.TempDir()
	var files []string
	for n, tpl := range templates {
		f := filepath.Join(dir, n+".json")
		if err := os.WriteFile(f, tpl, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sort.Strings(files)
	// One run for all: cfn-lint's start-up is most of its time.
	if out, err := exec.Command(bin, files...).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}

// TestTerraformStructure checks each configuration's blocks: every
// reference (resource, data source, variable) is declared, each rule has
// its pattern, target and the way in; then terraform fmt -check and
// terraform validate, where terraform and the hashicorp/aws provider are
// installed.
func TestTerraformStructure(t *testing.T) {
	t.Parallel()
	declRe := regexp.MustCompile(`(?m)^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)" \{$`)
	varRe := regexp.MustCompile(`(?m)^variable "([a-z0-9_]+)" \{$`)
	refRe := regexp.MustCompile(`\b(data\.)?(aws_[a-z0-9_]+)\.([a-z0-9_]+)\.[a-z_]+|\bvar\.([a-z0-9_]+)`)
	files := map[string][]byte{}
	for _, via := range Vias {
		for _, bus := range []Options{{}, {Bus: "security", CreateBus: true}} {
			o := bus
			o.Via, o.NamePrefix = via, "vigil-"
			cfg, p := plan(t, o)
			out, err := Terraform(p)
			if err != nil {
				t.Fatal(err)
			}
			name := via + "-" + bus.Bus
			files[name] = out
			s := string(out)
			if strings.Count(s, "{") != strings.Count(s, "}") || strings.Count(s, "[") != strings.Count(s, "]") {
				t.Errorf("%s: unbalanced braces or brackets", name)
			}
			decl := map[string]bool{}
			types := map[string]int{}
			for _, m := range declRe.FindAllStringSubmatch(s, -1) {
				if m[1] == "data" {
					decl["data."+m[2]+"."+m[3]] = true
				} else {
					decl[m[2]+"."+m[3]] = true
					types[m[2]]++
				}
			}
			for _, m := range varRe.FindAllStringSubmatch(s, -1) {
				decl["var."+m[1]] = true
			}
			for _, m := range refRe.FindAllStringSubmatch(s, -1) {
				ref := m[1] + m[2] + "." + m[3]
				if m[4] != "" {
					ref = "var." + m[4]
				}
				if !decl[ref] {
					t.Errorf("%s: reference to %s, which is not declared", name, ref)
				}
			}
			if types["aws_cloudwatch_event_rule"] != 2 || types["aws_cloudwatch_event_target"] != 2 || types["aws_iam_policy"] != 1 {
				t.Errorf("%s: resources %v", name, types)
			}
			if (types["aws_cloudwatch_event_bus"] == 1) != o.CreateBus {
				t.Errorf("%s: event bus created: %v", name, types["aws_cloudwatch_event_bus"] == 1)
			}
			want := map[string]string{ViaSQS: "aws_sqs_queue.events.arn", ViaAPIDestination: "aws_cloudwatch_event_api_destination.vigil.arn", ViaLambda: "aws_lambda_function.vigil.arn"}[via]
			if strings.Count(s, "arn            = "+want) != 2 {
				t.Errorf("%s: the targets do not point at %s:\n%s", name, want, s)
			}
			if cfg.Rule("ssh-open-to-world") != nil && !regexp.MustCompile(`note +=  ?\["\$\$\{not interpolated\} %%\{neither\}"\]`).MatchString(s) {
				t.Errorf("%s: the pattern's ${ and %%{ are not escaped:\n%s", name, s)
			}
		}
	}
	terraformValidate(t, files)
}

// terraformValidate runs terraform fmt -check and terraform validate on
// each file, with the hashicorp/aws provider from a local mirror
// (VIGIL_TF_PLUGIN_MIRROR, /opt/tf-plugins by default): terraform cannot
// download providers here or in CI, so a missing terraform or provider is a
// skip even under CI.
func terraformValidate(t *testing.T, files map[string][]byte) {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Log("terraform is not installed: structural checks only")
		return
	}
	mirror := os.Getenv("VIGIL_TF_PLUGIN_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Logf("no hashicorp/aws provider in %s (set VIGIL_TF_PLUGIN_MIRROR to a filesystem mirror): terraform validate not run", mirror)
		return
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, mirror)), 0o644)
	tf := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// Each file is a child module of one root, so that one init and one
	// validate (each loads the large provider) check them all.
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var root strings.Builder
	for _, n := range names {
		mod := strings.Trim(strings.ReplaceAll(n, "-", "_"), "_")
		if err := os.MkdirAll(filepath.Join(dir, mod), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, mod, "main.tf"), files[n], 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(n, ViaAPIDestination) {
			fmt.Fprintf(&root, "module %q {\n  source        = \"./%s\"\n", mod, mod)
			root.WriteString("  vigil_url     = \"https://vigil.example.com\"\n  vigil_api_key = \"k\"\n")
		} else {
			fmt.Fprintf(&root, "module %q {\n  source = \"./%s\"\n", mod, mod)
		}
		root.WriteString("}\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(root.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := tf("fmt", "-check", "-diff", "-recursive", "-no-color"); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
	if out, err := tf("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	if out, err := tf("validate", "-no-color"); err != nil || !slices.Contains(strings.Split(out, "\n"), "Success! The configuration is valid.") {
		t.Errorf("terraform validate: %v\n%s\n%s", err, out, root.String())
	}
}
