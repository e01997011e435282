package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// leaf returns a command that runs: use is its name and arguments
// ("explain FILE|-"), short its line in `vigil --help`, long its help text.
// run gets the positional arguments once the flags are parsed; its result
// is the exit status, and it prints its own errors.
func leaf(use, short, long string, run func(ctx context.Context, args []string) int) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  trimHelp(long),
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := run(cmd.Context(), args); code != exitOK {
				return exitError(code)
			}
			return nil
		},
	}
}

// group returns a command that only holds others (`vigil config check`).
// Given no command, it prints its usage on standard error (see
// prepareArgs).
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short}
	cmd.AddCommand(subs...)
	return cmd
}

// trimHelp removes the blank lines around a help text written as a raw
// string literal.
func trimHelp(s string) string {
	return strings.TrimSpace(s)
}

// completeValues makes the shell complete flag name with values.
func completeValues(cmd *cobra.Command, name string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}
