package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/examples"
)

const initHelp = `
Write a commented configuration to start from (FILE, vigil.yaml by default):
the database, the server's credentials (env:VIGIL_API_KEY), the built-in
explanations, a webhook rule and a GuardDuty rule, with notifiers, reports
and schedules as commented examples. It passes vigil config check as
written. An existing file is not overwritten unless --force is given.

It is the same file as examples/vigil.yaml in the repository.

Example:
  vigil init
  vigil config check vigil.yaml
  VIGIL_API_KEY=choose-a-key vigil serve --config vigil.yaml
`

func newInitCmd(a *app) *cobra.Command {
	var force bool
	cmd := leaf("init [FILE]", "write a commented vigil.yaml to start from", initHelp,
		func(ctx context.Context, args []string) int { return runInit(a.stdio, force, args) })
	cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	return cmd
}

func runInit(io stdio, force bool, args []string) int {
	path := "vigil.yaml"
	switch len(args) {
	case 0:
	case 1:
		path = args[0]
	default:
		fmt.Fprintln(io.err, "vigil init: give at most one FILE")
		return exitUsage
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(io.err, "vigil init: %s already exists; give another FILE, or --force to overwrite it\n", path)
		return exitFailure
	}
	if err == nil {
		_, err = f.Write(examples.Config)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil init: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(io.out, "wrote %s; check it with: vigil config check %s\n", path, path)
	return exitOK
}
