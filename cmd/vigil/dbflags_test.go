package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadingCommandsRefuseAMissingDatabase: list, show, expire and
// redrive do not create the SQLite file a mistyped --database names (or a
// configuration's database: that does not exist yet); silence add does.
func TestReadingCommandsRefuseAMissingDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(cliConfig, filepath.Join(dir, "fresh.db"), "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"))
	for _, args := range [][]string{
		{"silence", "list"},
		{"silence", "expire", "some-id"},
		{"deadletters", "list"},
		{"deadletters", "show", "42"},
		{"deadletters", "redrive", "--all"},
	} {
		out, errOut, code := runCLI(t, "", append(args, "--database", "sqlite://"+typo)...)
		want := fmt.Sprintf("vigil %s: no such database: sqlite://%s (--database): the file %s does not exist; give the database vigil serve uses\n", strings.Join(args[:2], " "), typo, typo)
		if code != exitUsage || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", args, code, out, errOut, want)
		}
		_, errOut, code = runCLI(t, "", append(args, "--config", cfg)...)
		if code != exitUsage || !strings.Contains(errOut, "(database: in "+cfg+"): the file ") {
			t.Errorf("%q --config: exit %d, stderr %q", args, code, errOut)
		}
	}
	for _, p := range []string{typo, filepath.Join(dir, "fresh.db")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was created (%v)", p, err)
		}
	}
	// A command that writes creates it.
	if _, errOut, code := runCLI(t, "", "silence", "add", "--database", "sqlite://"+typo, "--pattern", `{"source":["x"]}`, "--creator", "a", "--comment", "c"); code != exitOK {
		t.Fatalf("silence add: exit %d: %s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "", "silence", "list", "--database", "sqlite://"+typo); code != exitOK || !strings.Contains(out, "active") {
		t.Errorf("silence list after add: exit %d, %q %q", code, out, errOut)
	}
}

func TestSilenceAddRuleAndCreator(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	cfg := writeFile(t, "v.yaml", fmt.Sprintf(cliConfig, db, "http://127.0.0.1:9/h", "http://127.0.0.1:9/h"))
	add := []string{"silence", "add", "--config", cfg, "--pattern", `{"source":["aws.ec2"]}`, "--comment", "maintenance"}
	for rule, want := range map[string]string{
		"ssh-open-to-wrld": `vigil silence add: --rule: no rule "ssh-open-to-wrld" in the configuration (did you mean ssh-open-to-world?)` + "\n",
		"nosuchrule":       `vigil silence add: --rule: no rule "nosuchrule" in the configuration (rules: ssh-open-to-world)` + "\n",
	} {
		if _, errOut, code := runCLI(t, "", append(add, "--rule", rule, "--creator", "a")...); code != exitUsage || errOut != want {
			t.Errorf("--rule %s: exit %d, %q; want %q", rule, code, errOut, want)
		}
	}
	if _, errOut, code := runCLI(t, "", append(add, "--rule", "ssh-open-to-world", "--creator", "a")...); code != exitOK {
		t.Errorf("an existing rule: exit %d %s", code, errOut)
	}
	// With only --database there is no configuration to check against.
	if _, errOut, code := runCLI(t, "", "silence", "add", "--database", "sqlite://"+db, "--rule", "elsewhere", "--pattern", `{"source":["x"]}`, "--creator", "a", "--comment", "c"); code != exitOK {
		t.Errorf("--rule with --database only: exit %d %s", code, errOut)
	}

	t.Setenv("USER", "carol")
	if _, errOut, code := runCLI(t, "", add...); code != exitOK {
		t.Fatalf("creator from $USER: exit %d %s", code, errOut)
	}
	if out, _, _ := runCLI(t, "", "silence", "list", "--config", cfg); !strings.Contains(out, "carol") {
		t.Errorf("the silence is not carol's:\n%s", out)
	}
	t.Setenv("USER", "")
	if _, errOut, code := runCLI(t, "", add...); code != exitUsage || !strings.Contains(errOut, "--creator is required: give who adds the silence ($USER is not set)") {
		t.Errorf("no $USER: exit %d %q", code, errOut)
	}
	if out, _, _ := runCLI(t, "", "silence", "add", "--help"); !strings.Contains(out, "who adds the silence (default: $USER)") {
		t.Errorf("--creator's help does not say it defaults to $USER:\n%s", out)
	}
}

func TestRedriveSaysWhatToGive(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "vigil deadletters redrive: give the JOB ids to redrive (from vigil deadletters list), or --all for every open dead letter (narrowed by --rule and --target)\n"},
		{[]string{"--all", "42"}, "vigil deadletters redrive: give JOB ids or --all, not both\n"},
		{[]string{"42", "--rule", "r"}, "vigil deadletters redrive: --rule and --target narrow --all; with JOB ids, drop them\n"},
	} {
		_, errOut, code := runCLI(t, "", append([]string{"deadletters", "redrive"}, c.args...)...)
		if code != exitUsage || errOut != c.want {
			t.Errorf("%q: exit %d, %q; want %q", c.args, code, errOut, c.want)
		}
	}
}
