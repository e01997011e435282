package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// prepareArgs readies a command line for cobra and catches what cobra would
// answer badly. It walks the arguments down the command tree:
//
//   - a Go-style single-dash long flag (-config x, accepted by every vigil
//     before cobra) becomes --config x, where pflag would read -config as
//     the shorthands -c -o -n ...; an unknown -word becomes --word, so that
//     it is reported as an unknown flag with a suggestion;
//   - an unknown command (vigil exlpain, vigil config chek, vigil help nosuch)
//     is a usage error with a suggestion, where cobra would print help and
//     exit 0 for some of them;
//   - a group given no command (vigil, vigil config) is a usage error that
//     prints the group's usage on standard error.
//
// An unknown flag is reported here, with a suggestion. Flag values are
// stepped over, so a value that starts with a dash stays as it is.
func prepareArgs(root *cobra.Command, args []string) ([]string, error) {
	if len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return args, nil // a completion request: cobra parses partial lines itself
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()

	out := make([]string, 0, len(args))
	cmd := root
	cmd.InitDefaultHelpFlag()
	fixed := false     // a positional argument fixed the command
	wantsHelp := false // --help or --version: cobra answers, whatever else
	var topic []string // the arguments of `vigil help`
	inHelp := false
	for i := 0; i < len(args); i++ {
		s := args[i]
		if s == "--" {
			out = append(out, args[i:]...)
			break
		}
		if len(s) > 1 && s[0] == '-' {
			s, f, needsValue := normalizeFlag(cmd.Flags(), s)
			if f == nil {
				// Reported here: whether it takes a value is unknown, so
				// the next argument could be taken for a command.
				return nil, unknownFlag(cmd, s)
			}
			out = append(out, s)
			if f != nil && (f.Name == "help" || f.Name == "version" && cmd == root) {
				wantsHelp = true
			}
			if needsValue && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		out = append(out, s)
		switch {
		case inHelp:
			topic = append(topic, s)
		case !fixed && cmd.HasSubCommands():
			sub := subcommand(cmd, s)
			if sub == nil {
				return nil, unknownCommand(cmd, s)
			}
			cmd = sub
			cmd.InitDefaultHelpFlag()
			inHelp = cmd.Name() == "help" && cmd.Parent() == root
		default:
			fixed = true
		}
	}
	if inHelp {
		c := root
		for _, s := range topic {
			sub := subcommand(c, s)
			if sub == nil {
				return nil, unknownCommand(c, s)
			}
			c = sub
		}
		return out, nil
	}
	if !wantsHelp && cmd.HasSubCommands() && !cmd.Runnable() {
		return nil, &usageError{cmd: cmd, usage: true}
	}
	return out, nil
}

// normalizeFlag returns the spelling of s that pflag reads as the user
// meant it, the flag it names (nil when unknown) and whether the next
// argument is its value.
func normalizeFlag(fs *pflag.FlagSet, s string) (string, *pflag.Flag, bool) {
	needsValue := func(f *pflag.Flag, inline bool) bool {
		return f != nil && !inline && f.NoOptDefVal == ""
	}
	if body, ok := strings.CutPrefix(s, "--"); ok {
		name, _, inline := strings.Cut(body, "=")
		f := fs.Lookup(name)
		return s, f, needsValue(f, inline)
	}
	body := s[1:]
	name, _, inline := strings.Cut(body, "=")
	if len(name) == 1 { // -n 20000, -n=20000
		f := fs.ShorthandLookup(name)
		return s, f, needsValue(f, inline)
	}
	if f := fs.Lookup(name); f != nil { // -config x
		return "-" + s, f, needsValue(f, inline)
	}
	if f := fs.ShorthandLookup(body[:1]); f != nil { // -n20000
		return s, f, false
	}
	return "-" + s, nil, false
}

// subcommand returns cmd's subcommand called name, or nil.
func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

// unknownFlag reports s, an argument naming no flag of cmd, as pflag would,
// with a suggestion.
func unknownFlag(cmd *cobra.Command, s string) error {
	if name, ok := strings.CutPrefix(s, "--"); ok {
		name, _, _ = strings.Cut(name, "=")
		return flagError(cmd, fmt.Errorf("unknown flag: --%s", name))
	}
	return flagError(cmd, fmt.Errorf("unknown shorthand flag: %q in %s", s[1], s))
}

func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", orList(s))
	}
	return &usageError{cmd: cmd, msg: msg}
}
