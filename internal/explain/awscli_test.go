package explain

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/vigilhq/vigil/internal/knowledge"
	"github.com/vigilhq/vigil/internal/lang"
)

// cliCheck asks the AWS CLI's own command table (awscli.clidriver, the
// model `aws <service> <operation> help` prints) whether each command names
// a service, an operation and options that exist, and whether the values
// given to an option with enumerated values are among them; a shorthand
// value (Key=Value,...) must parse and name members of its structure. Boolean options
// may be negated (--no-x). It prints the failures as JSON.
const cliCheck = `
import json, sys
from awscli.clidriver import create_clidriver
from awscli.arguments import BooleanArgument
from awscli.shorthand import ShorthandParser
def enum_errors(t, name, arg, rest, out):
    # The values given to an option whose model is an enum (or a list of
    # enums) must be among its values; placeholders are left alone.
    m = getattr(arg, 'argument_model', None)
    if m is None:
        return
    if m.type_name in ('structure', 'list') and rest and '=' in rest[0] and not rest[0].startswith(('{', '[', '--')):
        shorthand_errors(t, name, m, rest[0], out)
        return
    if m.type_name == 'list':
        m = m.member
    enum = getattr(m, 'enum', None)
    if not enum:
        return
    for v in rest:
        if v.startswith('--'):
            break
        if v == 'x' or v.startswith('<'):
            continue
        if v not in enum:
            out.append([t, '--%s %s is not one of %s' % (name, v, ', '.join(enum))])
def shorthand_errors(t, name, m, v, out):
    # A shorthand value parses, and names only members of the structure.
    try:
        parsed = ShorthandParser().parse(v)
    except Exception as e:
        out.append([t, '--%s: shorthand does not parse: %s' % (name, e)]); return
    if m.type_name == 'list':
        m = m.member
        parsed = parsed if isinstance(parsed, list) else [parsed]
    else:
        parsed = [parsed]
    if m.type_name != 'structure':
        return
    for p in parsed:
        for k in (p if isinstance(p, dict) else {}):
            if k not in m.members:
                out.append([t, '--%s: %s is not a member of %s' % (name, k, m.name)])
d = create_clidriver()
svcs = d._get_command_table()
glob = set(d._get_argument_table().keys())
out = []
for t in json.load(sys.stdin):
    if len(t) < 3 or t[0] != 'aws':
        out.append([t, 'not an aws command']); continue
    svc = svcs.get(t[1])
    if svc is None:
        out.append([t, 'no service ' + t[1]]); continue
    op = svc._get_command_table().get(t[2])
    if op is None:
        out.append([t, 'no operation %s %s' % (t[1], t[2])]); continue
    args = op.arg_table
    for i, tok in enumerate(t[3:], 3):
        if not tok.startswith('--'):
            continue
        name = tok[2:].split('=')[0]
        if name in glob:
            continue
        if name in args:
            enum_errors(t, name, args[name], t[i+1:], out)
            continue
        if name.startswith('no-') and isinstance(args.get(name[3:]), BooleanArgument):
            continue
        out.append([t, 'no option --%s for %s %s' % (name, t[1], t[2])])
json.dump(out, sys.stdout)
`

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Every command the built-in engine prints, and every command template of
// the catalogs, parses against the AWS CLI's command model: its service,
// its operation and each of its options exist.
func TestCommandsParseAgainstAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the AWS CLI check loads the CLI's whole command table")
	}
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import awscli.clidriver").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the AWS CLI (python3 with awscli) is needed: %v", err)
		}
		t.Skipf("the AWS CLI (python3 with awscli) is not available: %v", err)
	}
	seen := map[string]bool{}
	var cmds [][]string
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			cmds = append(cmds, commandWords(c))
		}
	}
	for _, c := range knowledge.Commands() {
		add(placeholder.ReplaceAllString(c, "x"))
	}
	all := localSamples(t)
	if _, err := os.Stat("../../../shared/data"); err == nil {
		all = trialCorpus(t) // the package's samples, the shared events and one CloudTrail record of each kind
	}
	printed := 0
	for _, s := range all {
		for _, lg := range lang.All() {
			x, err := Builtin{}.Explain(context.Background(), s.ev, Options{Lang: lg})
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range x.Sections {
				for _, st := range sec.Steps {
					if st.Command != "" {
						printed++
						add(st.Command)
					}
				}
			}
		}
	}
	in, _ := json.Marshal(cmds)
	cmd := exec.Command(py, "-c", cliCheck)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the CLI check failed: %v", err)
	}
	var bad [][2]json.RawMessage
	if err := json.Unmarshal(out, &bad); err != nil {
		t.Fatalf("the CLI check printed %q: %v", out, err)
	}
	for _, b := range bad {
		t.Errorf("%s: %s", b[1], b[0])
	}
	t.Logf("%d distinct commands checked (%d printed by the engine for %d sample events)", len(cmds), printed, len(all))
}
