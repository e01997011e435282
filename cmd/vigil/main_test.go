package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// genericEvent is an event the builtin engine explains without shared data.
const genericEvent = `{"version":"0","id":"e-1","detail-type":"Custom Thing","source":"my.app","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"state":"bad"}}`

func TestFlagsAfterArguments(t *testing.T) {
	t.Parallel()
	ev := writeFile(t, "event.json", genericEvent)
	for _, args := range [][]string{
		{"explain", ev, "--lang", "ja", "--format", "json"},
		{"explain", "--lang", "ja", ev, "--format=json"},
		{"explain", "--lang=ja", "--format", "json", ev},
	} {
		out, errOut, code := runCLI(t, "", args...)
		var x struct {
			Lang    string `json:"lang"`
			EventID string `json:"event_id"`
		}
		json.Unmarshal([]byte(out), &x)
		if code != exitOK || x.Lang != "ja" || x.EventID != "e-1" {
			t.Errorf("%q: exit %d, lang %q, event %q, stderr %s", args, code, x.Lang, x.EventID, errOut)
		}
	}
}

// TestProcessFlagSpellings runs one dry run with every flag spelling vigil
// has accepted: --flag value, --flag=value, Go-style -flag value and
// -flag=value, flags after the argument, and - (standard input) as the
// argument.
func TestProcessFlagSpellings(t *testing.T) {
	t.Parallel()
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(cliConfig, filepath.Join(t.TempDir(), "v.db"), "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"))
	ev := `{"id":"e1","source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"AuthorizeSecurityGroupIngress"}}`
	for _, args := range [][]string{
		{"process", "--config", cfg, "--format", "json", "-"},
		{"process", "--config=" + cfg, "-", "--format=json"},
		{"process", "-config", cfg, "-format", "json", "-"},
		{"process", "-", "-config=" + cfg, "-format=json"},
	} {
		out, errOut, code := runCLI(t, ev, args...)
		var got []struct {
			EventID string `json:"event_id"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitOK || len(got) != 1 || got[0].EventID != "e1" {
			t.Errorf("%q: exit %d, %v, stdout %q, stderr %q", args, code, err, out, errOut)
		}
	}
}

// parseLine prepares args as run does and parses them into the command
// they name, without running it.
func parseLine(t *testing.T, args ...string) *cobra.Command {
	t.Helper()
	root := (&app{}).newRoot()
	prepared, err := prepareArgs(root, args)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	cmd, rest, err := root.Find(prepared)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return cmd
}

func TestBenchIngestShortFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bench", "ingest", "-n", "500", "-c", "8"},
		{"bench", "ingest", "-n=500", "-c=8"},
		{"bench", "ingest", "-n500", "-c8"},
		{"bench", "ingest", "--n", "500", "--c=8"},
		{"bench", "ingest", "--events", "500", "--connections", "8"},
		{"bench", "ingest", "-events", "500", "-connections", "8"},
	} {
		cmd := parseLine(t, args...)
		n, _ := cmd.Flags().GetInt("events")
		c, _ := cmd.Flags().GetInt("connections")
		if n != 500 || c != 8 {
			t.Errorf("%q: events %d, connections %d", args, n, c)
		}
	}
}

func TestGlobalFlagSpellings(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--endpoint-url", "http://127.0.0.1:9", "scan", "securityhub", "--lang", "ja"},
		{"-endpoint-url", "http://127.0.0.1:9", "scan", "securityhub", "-lang", "ja"},
		{"scan", "securityhub", "-lang=ja", "--endpoint-url=http://127.0.0.1:9"},
		{"scan", "-endpoint-url", "http://127.0.0.1:9", "securityhub", "--lang", "ja"},
	} {
		cmd := parseLine(t, args...)
		endpoint, _ := cmd.Flags().GetString("endpoint-url")
		lang := cmd.Flags().Lookup("lang").Value.String()
		if cmd.CommandPath() != "vigil scan securityhub" || endpoint != "http://127.0.0.1:9" || lang != "ja" {
			t.Errorf("%q: %s, endpoint %q, lang %q", args, cmd.CommandPath(), endpoint, lang)
		}
	}
}

func TestFlagValuesThatStartWithADash(t *testing.T) {
	t.Parallel()
	cmd := parseLine(t, "silence", "add", "--comment", "-config", "-creator", "-x", "--pattern", "{}")
	comment, _ := cmd.Flags().GetString("comment")
	creator, _ := cmd.Flags().GetString("creator")
	config, _ := cmd.Flags().GetString("config")
	if comment != "-config" || creator != "-x" || config != "vigil.yaml" {
		t.Errorf("comment %q, creator %q, config %q", comment, creator, config)
	}
	// After --, everything is an argument.
	root := (&app{}).newRoot()
	got, err := prepareArgs(root, []string{"silence", "expire", "--", "-config", "-x"})
	if err != nil || !slices.Equal(got, []string{"silence", "expire", "--", "-config", "-x"}) {
		t.Errorf("after --: %q, %v", got, err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string // the whole of stderr
	}{
		{[]string{"explain", "x.json", "--lnag", "ja"}, "vigil explain: unknown flag --lnag (did you mean --lang?)\nRun 'vigil explain --help' for usage.\n"},
		{[]string{"explain", "-lnag", "ja", "x.json"}, "vigil explain: unknown flag --lnag (did you mean --lang?)\nRun 'vigil explain --help' for usage.\n"},
		{[]string{"silence", "list", "--databse", "sqlite://x.db"}, "vigil silence list: unknown flag --databse (did you mean --database?)\nRun 'vigil silence list --help' for usage.\n"},
		{[]string{"scan", "securityhub", "--severity_floor", "HIGH"}, "vigil scan securityhub: unknown flag --severity_floor (did you mean --severity-floor?)\nRun 'vigil scan securityhub --help' for usage.\n"},
		{[]string{"process", "--xyzzy", "-"}, "vigil process: unknown flag --xyzzy\nRun 'vigil process --help' for usage.\n"},
		{[]string{"--endpoint-ur", "http://x", "version"}, "vigil: unknown flag --endpoint-ur (did you mean --endpoint-url?)\nRun 'vigil --help' for usage.\n"},
		{[]string{"explain", "--lang"}, "vigil explain: flag needs an argument: --lang\nRun 'vigil explain --help' for usage.\n"},
		{[]string{"exlpain", "x.json"}, "vigil: unknown command \"exlpain\" (did you mean explain?)\nRun 'vigil --help' for usage.\n"},
		{[]string{"config", "chek", "v.yaml"}, "vigil config: unknown command \"chek\" (did you mean check?)\nRun 'vigil config --help' for usage.\n"},
		{[]string{"help", "silence", "ad"}, "vigil silence: unknown command \"ad\" (did you mean add?)\nRun 'vigil silence --help' for usage.\n"},
		{[]string{"completion", "tcsh"}, "vigil completion: unknown command \"tcsh\" (did you mean bash, fish or zsh?)\nRun 'vigil completion --help' for usage.\n"},
		{[]string{"version", "extra"}, "vigil version: takes no arguments\n"},
		{[]string{"scan", "securityhub", "--accounts", "12"}, "vigil scan securityhub: --accounts: \"12\" is not a 12-digit AWS account id\n"},
		{[]string{"scan", "securityhub", "--regions", "ap-northeast-1,us east"}, "vigil scan securityhub: --regions: \"us east\" is not a region name such as ap-northeast-1\n"},
		{[]string{"explain", "x.json", "--format", "yaml"}, "vigil explain: invalid argument \"yaml\" for \"--format\" flag: use markdown, text, slack or json\nRun 'vigil explain --help' for usage.\n"},
		{[]string{"demo", "--attack", "ransomware"}, "vigil demo: invalid argument \"ransomware\" for \"--attack\" flag: use cloudtrail-stopped, crypto-mining, public-bucket, ssh-open or stolen-key\nRun 'vigil demo --help' for usage.\n"},
	} {
		out, errOut, code := runCLI(t, "", c.args...)
		if code != exitUsage || out != "" || errOut != c.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestMissingCommand: a group given no command prints its usage on
// standard error and exits 2.
func TestMissingCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "Available Commands:"},
		{[]string{"--endpoint-url", "http://x"}, "vigil [command]"},
		{[]string{"config"}, "vigil config [command]"},
		{[]string{"scan"}, "securityhub"},
		{[]string{"completion"}, "bash"},
	} {
		out, errOut, code := runCLI(t, "", c.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestExitCodes: 0 ok, 1 the command ran and failed, 2 usage.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	ev := writeFile(t, "event.json", genericEvent)
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"explain", ev}, exitOK},
		{[]string{"explain", ev, "--format", "MD", "--docs", "yes"}, exitOK}, // the aliases explain has always taken
		{[]string{"explain", filepath.Join(t.TempDir(), "missing.json")}, exitFailure},
		{[]string{"transform", "--event", genericEvent, "--input-paths-map", `{"d":"$.detail"}`, "--input-template", `{"x": "<d>"}`}, exitFailure},
		{[]string{"explain", ev, "--lang", "fr"}, exitUsage},
		{[]string{"explain", ev, "--timeout", "soon"}, exitUsage},
		{[]string{"explain", ev, ev}, exitUsage},
		{[]string{"bench", "ingest", "-n", "0"}, exitUsage},
		{[]string{"bench", "ingest", "-n", "many"}, exitUsage},
	} {
		if _, errOut, code := runCLI(t, "", c.args...); code != c.code {
			t.Errorf("%q: exit %d, want %d; stderr %s", c.args, code, c.code, errOut)
		}
	}
}

// TestHelp asks every command for help the three ways: on standard output,
// exit 0, with its description, examples and flags.
func TestHelp(t *testing.T) {
	t.Parallel()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			p := append(slices.Clone(path), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	root := (&app{}).newRoot()
	walk(root, nil)
	if len(paths) < 25 {
		t.Fatalf("only %d commands: %q", len(paths), paths)
	}
	for _, p := range paths {
		cmd, _, err := root.Find(p)
		if err != nil {
			t.Fatal(err)
		}
		first := cmd.Short
		if cmd.Long != "" {
			first, _, _ = strings.Cut(cmd.Long, "\n")
		}
		var outs []string
		for _, args := range [][]string{append(slices.Clone(p), "--help"), append([]string{"help"}, p...), append(slices.Clone(p), "-h")} {
			out, errOut, code := runCLI(t, "", args...)
			if code != exitOK || errOut != "" || !strings.Contains(out, first) || !strings.Contains(out, "Usage:") {
				t.Errorf("%q: exit %d, stderr %q, stdout %.300q", args, code, errOut, out)
			}
			outs = append(outs, out)
		}
		if outs[0] != outs[1] || outs[0] != outs[2] {
			t.Errorf("%q: --help, help and -h differ", p)
		}
	}
	// The examples are kept.
	for cmd, example := range map[string]string{
		"explain":     "vigil explain --lang ja finding.json",
		"serve":       "vigil serve --config vigil.yaml",
		"scan":        "vigil scan securityhub --lang ja --bom --output violations.csv",
		"bench":       "vigil bench ingest -n 20000 -c 64",
		"silence":     "--duration 4h --creator alice",
		"deadletters": "vigil deadletters redrive --all --rule ssh-open-to-world",
	} {
		args := map[string][]string{"scan": {"scan", "securityhub"}, "bench": {"bench", "ingest"}, "silence": {"silence", "add"}, "deadletters": {"deadletters", "redrive"}}[cmd]
		if args == nil {
			args = []string{cmd}
		}
		if out, _, _ := runCLI(t, "", append(args, "--help")...); !strings.Contains(out, example) {
			t.Errorf("vigil %s --help lost its example %q", strings.Join(args, " "), example)
		}
	}
	out, errOut, code := runCLI(t, "", "--help")
	if code != exitOK || errOut != "" || !strings.Contains(out, "explain") || !strings.Contains(out, "--endpoint-url") {
		t.Errorf("vigil --help: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{
		"bash": "# bash completion V2 for vigil",
		"zsh":  "#compdef vigil",
		"fish": "complete -c vigil",
	} {
		out, errOut, code := runCLI(t, "", "completion", shell)
		if code != exitOK || errOut != "" || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, stderr %q, %.200q", shell, code, errOut, out)
		}
	}
	// What the shell scripts ask: commands, flags and flag values.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "ex"}, []string{"explain"}},
		{[]string{"__complete", "explain", "--la"}, []string{"--lang"}},
		{[]string{"__complete", "explain", "x.json", "--lang", ""}, []string{"en", "ja"}},
		{[]string{"__complete", "serve", "--log-level", ""}, []string{"debug", "info", "warn", "error"}},
	} {
		out, _, code := runCLI(t, "", c.args...)
		for _, w := range c.want {
			if code != exitOK || !slices.ContainsFunc(strings.Split(out, "\n"), func(l string) bool { return strings.HasPrefix(l, w) }) {
				t.Errorf("%q: exit %d, no %q in %q", c.args, code, w, out)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, "", "version")
	if code != exitOK || errOut != "" || !strings.HasPrefix(out, "vigil ") || !strings.Contains(out, "go: "+runtime.Version()) {
		t.Errorf("version: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	flag, _, code := runCLI(t, "", "--version")
	if code != exitOK || flag != out {
		t.Errorf("--version: exit %d, %q; want %q", code, flag, out)
	}

	v := versionOf(&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "c71c9a0e"}, {Key: "vcs.time", Value: "2025-06-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}})
	want := "vigil v1.2.3\ncommit: c71c9a0e (2025-06-01T10:00:00Z, with uncommitted changes)\ngo: go1.26.0 " + runtime.GOOS + "/" + runtime.GOARCH
	if v.String() != want {
		t.Errorf("got\n%s\nwant\n%s", v, want)
	}
	if v := versionOf(nil); !strings.HasPrefix(v.String(), "vigil (devel)\ncommit: unknown") {
		t.Errorf("no build info: %s", v)
	}
}

// TestOneFormatFlag: wherever --format exists it means the same thing, a
// choice among the same few names, checked when the flags are parsed.
func TestOneFormatFlag(t *testing.T) {
	t.Parallel()
	// cli, python and terraform are vigil remediate plan's (issue 10's
	// contract: the plan as code).
	known := []string{"text", "json", "markdown", "slack", "csv", "cli", "python", "terraform"}
	n := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		f := c.LocalFlags().Lookup("format")
		if f == nil {
			return
		}
		n++
		path := strings.Fields(c.CommandPath())[1:]
		_, errOut, code := runCLI(t, "", append(path, "--format", "yaml")...)
		want := fmt.Sprintf("%s: invalid argument \"yaml\" for \"--format\" flag: use ", c.CommandPath())
		if code != exitUsage || !strings.HasPrefix(errOut, want) {
			t.Errorf("%s --format yaml: exit %d, %q", c.CommandPath(), code, errOut)
		}
		values := strings.Split(f.Value.Type(), "|")
		if c, ok := f.Value.(*choice); ok {
			values = c.allowed // Type is "string" when the list is long
		}
		if !slices.Contains(values, "text") && !slices.Contains(values, "json") || !slices.Contains(values, f.DefValue) {
			t.Errorf("%s --format: values %q, default %q", c.CommandPath(), values, f.DefValue)
		}
		for _, v := range values {
			if !slices.Contains(known, v) {
				t.Errorf("%s --format %s: not one of %q", c.CommandPath(), v, known)
			}
		}
	}
	walk((&app{}).newRoot())
	if n < 5 {
		t.Errorf("--format on %d commands, want explain, process, deadletters list and show, silence list", n)
	}
}

func TestOutputFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ev := writeFile(t, "event.json", genericEvent)
	rule := writeFile(t, "rule.json", `{"Name":"gd","EventPattern":"{\"source\":[\"aws.guardduty\"]}","State":"ENABLED"}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", ev, "--format", "json"}, `"event_id": "e-1"`},
		{[]string{"rules", "import", rule}, "event_pattern"},
		{[]string{"transform", "--event", genericEvent, "--input-path", "$.detail"}, `{"state":"bad"}`},
	} {
		file := filepath.Join(dir, c.args[0]+".out")
		out, errOut, code := runCLI(t, "", append(c.args, "--output", file)...)
		b, err := os.ReadFile(file)
		if code != exitOK || out != "" || err != nil || !strings.Contains(string(b), c.want) {
			t.Errorf("%q --output: exit %d, stdout %q, stderr %q, file %q (%v)", c.args, code, out, errOut, b, err)
		}
		stdout, _, _ := runCLI(t, "", append(c.args, "--output", "-")...)
		if strings.TrimSuffix(stdout, "\n") != strings.TrimSuffix(string(b), "\n") {
			t.Errorf("%q: --output - printed %q, the file has %q", c.args, stdout, b)
		}
	}
	_, errOut, code := runCLI(t, "", "explain", ev, "--output", filepath.Join(dir, "missing", "x"))
	if code != exitFailure || !strings.Contains(errOut, "vigil explain: --output: open ") {
		t.Errorf("unwritable --output: exit %d, %q", code, errOut)
	}
}

// TestDemoAttack: vigil demo --attack plays the game day (not the plain
// demo), and in Japanese shows vigil's verification in Japanese.
func TestDemoAttack(t *testing.T) {
	out, errOut, code := runCLI(t, "", "demo", "--attack", "stolen-key", "--lang", "ja", "--timeout", "2m")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"vigil demo --attack stolen-key", "攻撃者のタイムライン", "iam-deactivate-access-key（対象 AKIA", "のアクセスキー AKIA"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}
