package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exitError carries a command's exit status through cobra; the command has
// already said why.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a command line vigil refuses before running it. It is
// printed as one line naming the problem and one pointing at the command's
// help, never the whole help; with usage set (a group given no command),
// as the command's usage.
type usageError struct {
	cmd   *cobra.Command
	msg   string
	usage bool
}

func (e *usageError) Error() string { return e.msg }

// exitCode prints what err says and returns the exit status; cmd is the
// command cobra was running.
func (a *app) exitCode(cmd *cobra.Command, err error) int {
	var code exitError
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &ue):
	default:
		// cobra refused the arguments (for example `vigil completion` of an
		// unknown shell).
		ue = &usageError{cmd: cmd, msg: err.Error()}
	}
	if ue.usage {
		ue.cmd.SetOut(a.err)
		ue.cmd.Help()
		return exitUsage
	}
	path := "vigil"
	if ue.cmd != nil {
		path = ue.cmd.CommandPath()
	}
	fmt.Fprintf(a.err, "%s: %s\nRun '%s --help' for usage.\n", path, ue.msg, path)
	return exitUsage
}

// flagError is cobra's FlagErrorFunc: pflag's error, with a suggestion when
// the unknown flag is close to a known one.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		msg = "unknown flag --" + name
		if s := closestFlag(cmd.Flags(), name); s != "" {
			msg += " (did you mean --" + s + "?)"
		}
	}
	return &usageError{cmd: cmd, msg: msg}
}

// closestFlag returns the visible flag whose name is nearest to typed: at
// most two edits away (one for short names), or the shortest one typed
// begins; "" when none is.
func closestFlag(fs *pflag.FlagSet, typed string) string {
	typed = strings.ToLower(strings.ReplaceAll(typed, "_", "-"))
	maxDist := 2
	if len(typed) <= 3 {
		maxDist = 1
	}
	best, bestDist := "", maxDist+1
	prefix := ""
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := editDistance(typed, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
		if len(typed) >= 3 && strings.HasPrefix(f.Name, typed) && (prefix == "" || len(f.Name) < len(prefix)) {
			prefix = f.Name
		}
	})
	if best == "" {
		return prefix
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
