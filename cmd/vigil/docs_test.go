package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestDocumentedCommandLines checks every vigil command line the README,
// docs/*.md and every command's --help show against the commands as built:
// each names an existing command, and each flag it passes exists on that
// command. A doc that promises a command or flag vigil does not have fails
// here.
func TestDocumentedCommandLines(t *testing.T) {
	t.Parallel()
	root := (&app{}).newRoot()
	sources := map[string]string{}
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md", "../../examples/vigil.yaml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources[strings.TrimPrefix(f, "../../")] = codeOf(string(b))
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Long != "" {
			sources["vigil "+c.CommandPath()+" --help"] = c.Long
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	n := 0
	for src, text := range sources {
		for _, line := range commandLines(text) {
			n++
			if problem := checkLine(root, line); problem != "" {
				t.Errorf("%s: %q: %s", src, line, problem)
			}
		}
	}
	if n < 100 {
		t.Errorf("found only %d command lines: the extraction is broken", n)
	}
}

// codeOf returns the text of a Markdown file's fenced code blocks and
// inline code spans, where command lines are written.
func codeOf(md string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			continue
		}
		if in {
			b.WriteString(l + "\n")
			continue
		}
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(l, -1) {
			b.WriteString(m[1] + "\n")
		}
	}
	return b.String()
}

var vigilCall = regexp.MustCompile(`(?:^|[\s|;&(]|\$ )(?:go run \./cmd/vigil|vigil)((?:\s+[^\s|;&#)]+)*)`)

// commandLines returns the argument lists of the vigil invocations in
// text (after a "vigil" word at the start of a command), with line
// continuations joined.
func commandLines(text string) []string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		for _, m := range vigilCall.FindAllStringSubmatch(l, -1) {
			if args := strings.TrimSpace(m[1]); args != "" {
				out = append(out, args)
			}
		}
	}
	return out
}

// checkLine returns what is wrong with one documented command line, or "".
func checkLine(root *cobra.Command, line string) string {
	words := shellWords(line)
	cmd := root
	i := 0
	for ; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "-") {
			break
		}
		sub := findSub(cmd, w)
		if sub == nil {
			break
		}
		cmd = sub
	}
	if cmd == root {
		w := words[0]
		if strings.HasPrefix(w, "-") || strings.ContainsAny(w, "<>.[]/=()") || w == "help" {
			return "" // vigil --version, prose such as "vigil's", a path
		}
		if isProse(w) {
			return ""
		}
		return "no command " + w
	}
	// "vigil investigate can load." in a sentence is prose.
	if cmd.HasSubCommands() && i < len(words) && !strings.HasPrefix(words[i], "-") && !strings.ContainsAny(words[i], "<>[|") && !strings.HasSuffix(line, ".") {
		return "no command " + cmd.CommandPath() + " " + words[i]
	}
	for _, w := range words[i:] {
		if !strings.HasPrefix(w, "-") || w == "-" || w == "--" {
			continue
		}
		name := strings.TrimLeft(w, "-")
		name, _, _ = strings.Cut(name, "=")
		if name == "" || name == "help" || strings.ContainsAny(name, "<>[]|.…") {
			continue
		}
		if f := lookupFlag(cmd, name); f == nil {
			return "command " + cmd.CommandPath() + " has no flag --" + name
		}
	}
	return ""
}

// isProse tells apart "vigil receives events" in a sentence from a
// command: command names are known, so a lowercase English word that is
// not one is prose.
func isProse(w string) bool {
	return regexp.MustCompile(`^[a-z]+[a-z,:;]*$`).MatchString(w)
}

func findSub(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.Name() == name || s.HasAlias(name) {
			return s
		}
	}
	return nil
}

func lookupFlag(c *cobra.Command, name string) *pflag.Flag {
	if len(name) == 1 {
		if f := c.Flags().ShorthandLookup(name); f != nil {
			return f
		}
	}
	if f := c.Flags().Lookup(name); f != nil {
		return f
	}
	return c.InheritedFlags().Lookup(name)
}

// shellWords splits a command line as a shell would, quotes removed.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quote := rune(0)
	has := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, has = r, true
		case r == ' ' || r == '\t':
			if has || cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
		}
	}
	if has || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
